from django.core.paginator import Paginator
from django.shortcuts import render

from digitalstadt.accounts.selectors import is_platform_admin, staff_roles, user_has_staff_role

from .models import AccessibilityFeedback, AuditEntry
from .permissions import platform_admin_required, staff_required


@staff_required
def home(request):
    return render(request, "core/staff/home.html", {
        "roles": staff_roles(user=request.user),
        "is_platform_admin": is_platform_admin(user=request.user),
        "is_case_worker": _is_case_worker(request.user),
        "is_parking_enforcement": user_has_staff_role(user=request.user, role="parking_enforcement"),
    })


def _is_case_worker(user) -> bool:
    from digitalstadt.applications.selectors import is_case_worker

    return is_case_worker(user=user)


@platform_admin_required
def audit_log(request):
    entries = AuditEntry.objects.select_related("actor").all()
    action = request.GET.get("aktion", "").strip()
    subject = request.GET.get("objekt", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    if subject:
        entries = entries.filter(subject_type=subject)
    page = Paginator(entries, 50).get_page(request.GET.get("seite"))
    from digitalstadt.accounts.models import User

    ids = {int(e.data_subject_ref.split(":")[1]) for e in page if e.data_subject_ref.startswith("user:")}
    emails = {f"user:{pk}": email for pk, email in User.objects.filter(pk__in=ids).values_list("pk", "email")}
    for entry in page:
        entry.data_subject_label = emails.get(entry.data_subject_ref, entry.data_subject_ref)
    return render(request, "core/staff/audit_log.html", {"page": page, "action": action, "subject": subject})


@platform_admin_required
def accessibility_feedback(request):
    return render(request, "core/staff/accessibility_feedback.html", {
        "feedback": AccessibilityFeedback.objects.all()[:200],
    })
