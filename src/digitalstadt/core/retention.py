"""Retention: personal data is kept only as long as needed, then deleted by
`manage.py purge_expired_data` (run daily from cron/systemd).

Periods are settings (days); every run writes one audit entry with the counts.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .audit import audit_log

DEFAULT_RETENTION_DAYS = {
    "outbox_sent": 30,  # sent e-mails (addresses and content)
    "outbox_failed": 180,
    "invitations_closed": 90,  # accepted, revoked or expired invitations
    "unverified_accounts": 14,  # accounts whose e-mail address was never confirmed
    "accessibility_feedback_handled": 365,
    "audit_entries": 3 * 365,
    "application_drafts": 90,  # online applications never submitted (with their uploads)
}


def retention_days(key: str) -> int:
    return getattr(settings, "RETENTION_DAYS", {}).get(key, DEFAULT_RETENTION_DAYS[key])


def purge_expired_data(*, now=None) -> dict[str, int]:
    from allauth.account.models import EmailAddress
    from django.db.models import Exists, OuterRef, Q

    from digitalstadt.accounts.models import Invitation, User
    from digitalstadt.mailbox.models import OutboundEmail

    from .models import AccessibilityFeedback, AuditEntry

    now = now or timezone.now()

    def before(key: str):
        return now - timedelta(days=retention_days(key))

    counts: dict[str, int] = {}
    with transaction.atomic():
        counts["outbox_sent"] = OutboundEmail.objects.filter(
            status=OutboundEmail.Status.SENT, sent_at__lt=before("outbox_sent")).delete()[0]
        counts["outbox_failed"] = OutboundEmail.objects.filter(
            status=OutboundEmail.Status.FAILED, created_at__lt=before("outbox_failed")).delete()[0]
        counts["invitations_closed"] = Invitation.objects.filter(
            Q(accepted_at__lt=before("invitations_closed")) | Q(revoked_at__lt=before("invitations_closed"))
            | Q(expires_at__lt=before("invitations_closed"))).delete()[0]
        verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
        counts["unverified_accounts"] = User.objects.filter(
            date_joined__lt=before("unverified_accounts"), last_login__isnull=True, is_staff=False,
            is_superuser=False, staff_roles__isnull=True, memberships__isnull=True,
        ).exclude(Exists(verified)).delete()[0]
        counts["accessibility_feedback_handled"] = AccessibilityFeedback.objects.filter(
            handled_at__lt=before("accessibility_feedback_handled")).delete()[0]
        counts["audit_entries"] = AuditEntry.objects.filter(created_at__lt=before("audit_entries")).delete()[0]
        counts["application_drafts"] = _purge_drafts(before("application_drafts"))
        audit_log(actor=None, system="retention", action="retention.purged", data=counts)
    return counts


def _purge_drafts(cutoff) -> int:
    """Drafts untouched since `cutoff`, their uploaded files included."""
    from digitalstadt.applications.models import Application

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
