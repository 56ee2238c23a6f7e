"""Reads for applications and cases, with the object-level rules in one place."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Application, Case, CaseStatus, OPEN_STATUSES

CASE_WORK_ROLES = ("case_worker", "office_admin")


def offices_worked_by(*, user: Any) -> list[int]:
    from digitalstadt.accounts.selectors import staff_role_scopes

    return list(staff_role_scopes(user=user, roles=CASE_WORK_ROLES).filter(office__isnull=False)
                .values_list("office_id", flat=True).distinct())


def can_work_on_case(*, user: Any, case: Case) -> bool:
    """Case workers and office admins of the case's office; nobody else, not even
    platform admins (they run the platform, they do not read citizens' files), and
    never on their own application (conflict of interest, § 20 VwVfG)."""
    if getattr(user, "pk", None) is not None and case.applicant_id == user.pk:
        return False
    return case.office_id is not None and case.office_id in offices_worked_by(user=user)


def is_case_worker(*, user: Any) -> bool:
    return bool(offices_worked_by(user=user))


def drafts_of(*, user: Any) -> QuerySet[Application]:
    return Application.objects.filter(applicant=user, status=Application.Status.DRAFT).select_related("service")


def cases_of(*, user: Any) -> QuerySet[Case]:
    return Case.objects.filter(applicant=user).select_related("service", "payment")


def draft_of(*, user: Any, uuid) -> Application | None:
    """Only the applicant's own draft (None for anyone else: a 404, no hint it exists)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (Application.objects.filter(uuid=uuid, applicant=user, status=Application.Status.DRAFT)
            .select_related("service").first())


def case_of_applicant(*, user: Any, reference: str) -> Case | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (Case.objects.filter(reference=reference, applicant=user)
            .select_related("service", "payment", "office", "decision", "receipt").first())


def case_for_staff(*, user: Any, reference: str) -> Case | None:
    return (Case.objects.filter(reference=reference, office_id__in=offices_worked_by(user=user))
            .exclude(applicant_id=user.pk)
            .select_related("service", "payment", "office", "applicant", "assigned_to", "decision", "receipt")
            .first())


def inbox(*, user: Any, status: str = "", service: str = "", assigned: str = "", overdue: bool = False,
          query: str = "", answered: bool = False) -> QuerySet[Case]:
    cases = (Case.objects.filter(office_id__in=offices_worked_by(user=user)).exclude(applicant_id=user.pk)
             .select_related("service", "assigned_to", "payment"))
    if status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif status == "decided":
        cases = cases.filter(status__in=[CaseStatus.APPROVED, CaseStatus.REJECTED])
    elif status in CaseStatus.values:
        cases = cases.filter(status=status)
    if service:
        cases = cases.filter(service__slug=service)
    if assigned == "me":
        cases = cases.filter(assigned_to=user)
    elif assigned == "none":
        cases = cases.filter(assigned_to__isnull=True)
    if overdue:
        # While the office waits for evidence the deadline stands still: never overdue.
        cases = cases.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate(),
                             waiting_since__isnull=True)
    if answered:
        cases = cases.filter(answer_received=True)
    if query:
        cases = cases.filter(Q(reference__icontains=query) | Q(applicant_name__icontains=query))
    return cases.order_by("due_date", "submitted_at")


def case_workers_for(*, case: Case):
    from digitalstadt.accounts.selectors import staff_with_roles

    return (staff_with_roles(roles=CASE_WORK_ROLES, office_id=case.office_id).exclude(pk=case.applicant_id)
            .order_by("last_name", "first_name"))


def case_document(*, case: Case, uuid) -> Any:
    """A document that belongs to the case (evidence, receipt, decision), or None."""
    from digitalstadt.core.models import Document

    return (Document.objects.filter(uuid=uuid)
            .filter(Q(pk__in=case.uploads.values("document_id")) | Q(pk=case.receipt_id) | Q(pk=case.decision_id))
            .first())


REFERENCE_PATTERN = r"[A-Z]{1,8}-[0-9]{4}-[0-9]{6}"


def has_online_application(*, slug: str) -> bool:
    """Whether a service can be applied for online here (a service plugin exists)."""
    from .plugins.base import get_plugin

    return get_plugin(slug) is not None


def charges_tax(*, slug: str) -> bool:
    """Whether what the service's catalogue fees list is a tax (e.g. the dog tax), not a fee."""
    from .plugins.base import get_plugin

    plugin = get_plugin(slug)
    return bool(plugin and plugin.charges_tax)


# --- what a draft still lacks (read by the views and by submission) --------------------


def missing_steps(*, application: Application) -> list[str]:
    plugin = _plugin(application.plugin)
    return [s.key for s in plugin.steps() if s.key not in application.completed_steps]


def missing_evidence(*, application: Application) -> list[Any]:
    plugin = _plugin(application.plugin)
    if not plugin.asks_for_evidence:
        return []
    present = set(application.uploads.values_list("evidence_id", flat=True))
    return [e for e in required_evidence(application=application) if e.pk not in present]


def required_evidence(*, application: Application) -> list[Any]:
    plugin = _plugin(application.plugin)
    evidence = list(application.service.evidence.all())
    required_names = getattr(plugin, "required_evidence_names", None)
    if callable(required_names):
        names = set(required_names(data=application.data))
        return [e for e in evidence if e.name_de in names or e.required]
    return [e for e in evidence if e.required]


def _plugin(slug: str):
    from .plugins.base import get_plugin

    return get_plugin(slug)


def registered_businesses_of(*, user: Any) -> list[dict[str, str]]:
    """The businesses this person registered through an approved Gewerbeanmeldung,
    newest first, as plain dicts for the once-only prefill of other services (a
    marketplace shop): reference, company_name, legal_form (the
    label), legal_form_key, street, house_number, postal_code, owner_name, activity."""
    from .plugins.gewerbeanmeldung import LEGAL_FORMS

    if not getattr(user, "is_authenticated", False):
        return []
    labels = {key: str(label) for key, label in LEGAL_FORMS}
    cases = (Case.objects.filter(applicant=user, plugin="gewerbeanmeldung", decided_at__isnull=False,
                                 status=CaseStatus.APPROVED)
             .order_by("-decided_at", "-pk"))
    businesses = []
    for case in cases:
        person = (case.data or {}).get("person") or {}
        business = (case.data or {}).get("betrieb") or {}
        owner = " ".join(v for v in (person.get("given_names", ""), person.get("family_name", "")) if v)
        businesses.append({
            "reference": case.reference,
            "company_name": business.get("company_name") or owner or case.applicant_name,
            "legal_form": labels.get(business.get("legal_form", ""), ""),
            "legal_form_key": business.get("legal_form", ""),
            "street": business.get("street", ""),
            "house_number": business.get("house_number", ""),
            "postal_code": business.get("postal_code", ""),
            "owner_name": owner or case.applicant_name,
            "activity": business.get("activity", ""),
        })
    return businesses
