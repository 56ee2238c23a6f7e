import unicodedata

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import render

from .memo import memo_scope
from .models import AccessibilityFeedback, AuditEntry
from .permissions import platform_admin_required, staff_required
from .registry import audit_actions, staff_areas


def areas_for(user) -> list:
    """The work areas the apps registered (core.registry `staff_areas`) that `user` sees,
    in their order."""
    with memo_scope():  # the areas' role checks repeat: one query per distinct check
        visible = [area for area in staff_areas.all() if area.visible_to(user)]
    return sorted(visible, key=lambda area: (area.order, str(area.label)))


@staff_required
def home(request):
    """The staff start page: each work area the user may enter, with what waits there
    (counts the app computes for this user) and direct links, then the user's roles."""
    entries = []
    for area in areas_for(request.user):
        counts = [{"label": entry[0], "number": entry[1], "url": entry[2] if len(entry) > 2 else ""}
                  for entry in (area.counts(request.user) if area.counts else [])]
        links = list(area.links(request.user)) if area.links else []
        entries.append({"area": area, "counts": counts, "links": links})
    return render(request, "core/staff/home.html", {
        "roles": request.user.staff_roles.select_related("office", "location"),
        "areas": entries,
    })


def _sort_key(text: str) -> str:
    """Alphabetical as people expect it: "Änderung" next to "Anmeldung", not after "Z"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


@platform_admin_required
def audit_log(request):
    entries = AuditEntry.objects.select_related("actor").all()
    action = request.GET.get("aktion", "").strip()
    subject = request.GET.get("objekt", "").strip()
    labels = {key: str(label) for key, label in audit_actions.choices()}  # in the user's language
    if action in labels:
        entries = entries.filter(action=action)
    elif action:  # a key prefix such as "booking." (links and bookmarks from before the list)
        entries = entries.filter(action__startswith=action)
    if subject:
        entries = entries.filter(subject_type=subject)
    page = Paginator(entries, 50).get_page(request.GET.get("seite"))
    User = get_user_model()
    ids = {int(e.data_subject_ref.split(":")[1]) for e in page if e.data_subject_ref.startswith("user:")}
    emails = {f"user:{pk}": email for pk, email in User.objects.filter(pk__in=ids).values_list("pk", "email")}
    for entry in page:
        entry.data_subject_label = emails.get(entry.data_subject_ref, entry.data_subject_ref)
        entry.action_label = labels.get(entry.action, entry.action)  # an old key may be gone from the catalogue
    action_choices = sorted(labels.items(), key=lambda item: (_sort_key(item[1]), item[0]))
    return render(request, "core/staff/audit_log.html", {
        "page": page, "action": action, "subject": subject, "action_choices": action_choices,
        "action_is_prefix": bool(action) and action not in labels,
    })


@platform_admin_required
def accessibility_feedback(request):
    return render(request, "core/staff/accessibility_feedback.html", {
        "feedback": AccessibilityFeedback.objects.all()[:200],
    })
