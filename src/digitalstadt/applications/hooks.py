"""What applications registers into core's and payments' registries (called from
ApplicationsConfig.ready)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import (
    RetentionPolicy,
    StaffArea,
    register_audit_actions,
    retention_policies,
    staff_areas,
)
from digitalstadt.payments.registry import PaymentBackLink, SettledHandler, back_links, settled_handlers

AUDIT_ACTIONS = (
    ("applications.draft_started", _("Online-Antrag begonnen")),
    ("applications.step_saved", _("Antragsschritt gespeichert")),
    ("applications.evidence_uploaded", _("Nachweis hochgeladen")),
    ("applications.evidence_removed", _("Hochgeladenen Nachweis entfernt")),
    ("applications.evidence_completed", _("Nachweise vollständig (Schritt abgeschlossen)")),
    ("applications.resume_link_sent", _("Link zum Weiterbearbeiten verschickt")),
    ("applications.draft_discarded", _("Antragsentwurf verworfen")),
    ("applications.case_submitted", _("Antrag eingereicht")),
    ("applications.case_paid", _("Gebühr für einen Vorgang bezahlt")),
    ("applications.case_assigned", _("Vorgang zugewiesen")),
    ("applications.case_status_changed", _("Status eines Vorgangs geändert")),
    ("applications.case_withdrawn", _("Antrag zurückgezogen")),
    ("applications.case_cancelled", _("Vorgang von der antragstellenden Person abgesagt")),
    ("applications.case_note_added", _("Interne Notiz zu einem Vorgang")),
    ("applications.case_due_date_set", _("Frist eines Vorgangs gesetzt")),
    ("applications.evidence_requested", _("Nachweis nachgefordert")),
    ("applications.evidence_request_answered", _("Nachforderung beantwortet")),
    ("applications.case_decided", _("Bescheid erlassen")),
    ("applications.decision_drafted", _("Bescheid entworfen")),
    ("applications.decision_draft_discarded", _("Bescheidentwurf verworfen")),
    ("applications.case_check_resolved", _("Warnung zu einem Vorgang geklärt")),
    ("applications.case_grant_revoked", _("Bescheid widerrufen")),
    ("applications.inbox_viewed", _("Vorgangsliste angesehen")),
    ("applications.case_viewed_by_staff", _("Vorgang von der Verwaltung angesehen")),
    ("applications.case_exported", _("Vorgang exportiert")),
)


def _purge_drafts(*, cutoff) -> int:
    """Drafts untouched since `cutoff`, their uploaded files included."""
    from .models import Application

    drafts = Application.objects.filter(status=Application.Status.DRAFT, updated_at__lt=cutoff)
    count = 0
    files = []
    for draft in drafts.prefetch_related("uploads__document"):
        documents = [upload.document for upload in draft.uploads.all()]
        files += [(d.file.storage, d.file.name) for d in documents if d.file]
        draft.uploads.all().delete()
        for document in documents:
            document.delete()
        draft.delete()
        count += 1
    # Files go once the rows are gone for good (a rollback keeps both).
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    return count


def _case_worker(user) -> bool:
    from .selectors import is_case_worker

    return is_case_worker(user=user)


def _inbox_counts(user) -> list:
    """What waits in the inbox of this case worker's offices."""
    from django.utils.translation import gettext

    from .selectors import inbox

    from django.urls import reverse

    url = reverse("staff-applications:inbox")
    cases = inbox(user=user, status="open")
    return [(gettext("offene Vorgänge"), cases.count(), f"{url}?status=open"),
            (gettext("Antwort eingegangen"), inbox(user=user, status="open", answered=True).count(),
             f"{url}?status=open&answered=on"),
            (gettext("überfällig"), inbox(user=user, status="open", overdue=True).count(),
             f"{url}?status=open&overdue=on"),
            (gettext("niemandem zugewiesen"), cases.filter(assigned_to__isnull=True).count(),
             f"{url}?status=open&assigned=none")]


def _payment_settled(*, payment) -> None:
    from .services import payment_settled

    payment_settled(payment=payment)


def _payment_back_link(*, payment, user):
    """The case page of the application the payment is for, to its applicant."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from .selectors import case_of_applicant

    case = case_of_applicant(user=user, reference=payment.regarding) if payment.regarding else None
    if case is None or case.payment_id != payment.pk:
        return None
    return reverse("applications:case", args=[case.reference]), gettext("Zurück zu Ihrem Antrag %(reference)s") % {
        "reference": case.reference}


def register() -> None:
    from . import plugins  # noqa: F401  (registers the service plugins)

    register_audit_actions(AUDIT_ACTIONS)
    back_links.register(PaymentBackLink("applications.case", _payment_back_link))

    retention_policies.register(RetentionPolicy(
        "application_drafts", _("Nie eingereichte Online-Anträge (mit ihren Uploads)"), 90, _purge_drafts))
    staff_areas.register(StaffArea("applications.inbox", _("Vorgänge (Online-Anträge)"), "staff-applications:inbox",
                                   _("Anträge bearbeiten, Nachweise anfordern, Bescheide erlassen"), _case_worker, 100,
                                   counts=_inbox_counts))
    settled_handlers.register(SettledHandler("applications.case_paid", _payment_settled))

    from digitalstadt.register.registry import MoveFollowUp, move_followups

    from . import followups

    for order, (key, offer) in enumerate([("parking_permit", followups.parking_permit),
                                          ("old_permits", followups.old_permits),
                                          ("dog_tax", followups.dog_tax), ("bulky_waste", followups.bulky_waste),
                                          ("certificate", followups.certificate)]):
        move_followups.register(MoveFollowUp(f"applications.{key}", offer, order=10 + order * 10))
