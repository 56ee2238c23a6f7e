"""What applications registers into core's and payments' registries (called from
ApplicationsConfig.ready)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import RetentionPolicy, StaffArea, retention_policies, staff_areas
from digitalstadt.payments.registry import SettledHandler, settled_handlers


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


def _payment_settled(*, payment) -> None:
    from .services import payment_settled

    payment_settled(payment=payment)


def register() -> None:
    from . import plugins  # noqa: F401  (registers the service plugins)

    retention_policies.register(RetentionPolicy(
        "application_drafts", _("Nie eingereichte Online-Anträge (mit ihren Uploads)"), 90, _purge_drafts))
    staff_areas.register(StaffArea("applications.inbox", _("Vorgänge (Online-Anträge)"), "staff-applications:inbox",
                                   _("Anträge bearbeiten, Nachweise anfordern, Bescheide erlassen"), _case_worker, 100))
    settled_handlers.register(SettledHandler("applications.case_paid", _payment_settled))
