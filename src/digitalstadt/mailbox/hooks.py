"""What the mailbox registers into core's registry (called from MailboxConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import (
    Capability,
    RetentionPolicy,
    capabilities,
    register_audit_actions,
    retention_policies,
)

AUDIT_ACTIONS = (
    ("mailbox.message_sent", _("Nachricht ins Postfach zugestellt")),
    ("mailbox.message_read", _("Postfach-Nachricht gelesen")),
    ("outbox.failed", _("E-Mail endgültig nicht zustellbar")),
)


def _purge_sent(*, cutoff) -> int:
    from .models import OutboundEmail

    return OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT, sent_at__lt=cutoff).delete()[0]


def _purge_failed(*, cutoff) -> int:
    from .models import OutboundEmail

    return OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED, created_at__lt=cutoff).delete()[0]


def _send_email(**kwargs):
    from .services import outbox_enqueue

    return outbox_enqueue(**kwargs)


def register() -> None:
    register_audit_actions(AUDIT_ACTIONS)
    retention_policies.register(RetentionPolicy("outbox_sent", _("Versendete E-Mails"), 30, _purge_sent))
    retention_policies.register(RetentionPolicy("outbox_failed", _("Nicht zustellbare E-Mails"), 180,
                                                _purge_failed))
    capabilities.register(Capability("send_email", _send_email))
