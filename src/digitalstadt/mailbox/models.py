import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """A Postfach message to one person or to one organisation (all its members see it)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="mailbox_messages", verbose_name=_("Empfänger/in"),
    )
    recipient_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE,
        related_name="mailbox_messages", verbose_name=_("Empfangende Organisation"),
    )
    sender_name = models.CharField(_("Absender"), max_length=200)
    subject = models.CharField(_("Betreff"), max_length=255)
    body = models.TextField(_("Nachricht"))
    created_at = models.DateTimeField(_("eingegangen"), auto_now_add=True, db_index=True)
    documents = models.ManyToManyField("core.Document", blank=True, related_name="messages")
    # Free-form reference to what the message is about (e.g. "applications.case:12").
    regarding = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("Postfach-Nachricht")
        verbose_name_plural = _("Postfach-Nachrichten")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(recipient_user__isnull=False, recipient_organisation__isnull=True)
                    | models.Q(recipient_user__isnull=True, recipient_organisation__isnull=False)
                ),
                name="message_has_exactly_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class MessageRead(models.Model):
    """Read state per person (organisation messages are read by each member separately)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="one_read_per_user")]


class OutboundEmail(models.Model):
    """The e-mail outbox: written in the transaction that causes the mail, sent by a
    task, retried with back-off, swept by `manage.py outbox_sweep`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENT = "sent", _("versendet")
        FAILED = "failed", _("endgültig fehlgeschlagen")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    to = models.EmailField(_("An"))
    from_email = models.CharField(max_length=255)
    subject = models.CharField(_("Betreff"), max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What caused the mail (for support), e.g. "allauth:account/email/email_confirmation".
    purpose = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("ausgehende E-Mail")
        verbose_name_plural = _("E-Mail-Postausgang")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject} ({self.status})"
