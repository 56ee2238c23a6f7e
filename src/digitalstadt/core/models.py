import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what to whom, and when. The subject is a reference, never a copy of
    personal data; `data` holds only non-personal details (field names, states)."""

    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Akteur"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # Kept when the actor account is deleted, e.g. "user:42" or "system:outbox".
    actor_ref = models.CharField(_("Akteur-Referenz"), max_length=64)
    action = models.CharField(_("Aktion"), max_length=64, db_index=True)
    subject_type = models.CharField(_("Objekttyp"), max_length=64, blank=True)
    subject_id = models.CharField(_("Objekt-ID"), max_length=64, blank=True)
    # Whose personal data was touched (for reads by staff and for data subject requests).
    data_subject_ref = models.CharField(_("Betroffene Person"), max_length=64, blank=True, db_index=True)
    data = models.JSONField(_("Details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-Adresse"), null=True, blank=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_ref} {self.action} {self.subject_type}:{self.subject_id}"


class WorkerHeartbeat(models.Model):
    """Written by every running task worker every few seconds; read by /healthz."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.IntegerField(default=0)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.last_seen:%H:%M:%S})"


def document_upload_path(instance: "Document", filename: str) -> str:
    # Generated names only; the original filename is kept in a field, never on disk.
    return f"documents/{instance.created_at:%Y/%m}/{instance.uuid.hex}"


class Document(models.Model):
    """A private file: an upload or a generated document (receipt, decision, permit).

    Stored outside the web root, served only through `core:document-download`,
    which checks permissions. `made_available_at` and `first_opened_at` record legal
    delivery (Bekanntgabe) for documents sent to a mailbox.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("erstellt"), auto_now_add=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="documents", verbose_name=_("Person"),
    )
    owner_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE,
        related_name="documents", verbose_name=_("Organisation"),
    )
    file = models.FileField(upload_to=document_upload_path, max_length=255)
    filename = models.CharField(_("Dateiname"), max_length=255)
    content_type = models.CharField(_("Dateityp"), max_length=100)
    size = models.PositiveBigIntegerField(_("Größe in Bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    title = models.CharField(_("Titel"), max_length=255)
    made_available_at = models.DateTimeField(_("bereitgestellt"), null=True, blank=True)
    first_opened_at = models.DateTimeField(_("erstmals geöffnet"), null=True, blank=True)
    # Sealed documents (core/signing.py): the random ID behind the QR code leads to the
    # public verification page, which shows only the fields below, never the title or
    # the owner (the title may name a person).
    verification_id = models.CharField(_("Prüfnummer"), max_length=32, unique=True, null=True, blank=True)
    document_type = models.CharField(_("Dokumentart"), max_length=100, blank=True)
    issuing_office = models.CharField(_("ausstellende Stelle"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("gesiegelt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("widerrufen"), null=True, blank=True)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_user__isnull=False) | models.Q(owner_organisation__isnull=False),
                name="document_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AccessibilityFeedback(models.Model):
    """Feedback from the accessibility statement (Feedback-Mechanismus, BITV 2.0 §7)."""

    created_at = models.DateTimeField(auto_now_add=True)
    page_url = models.CharField(_("Seite"), max_length=500, blank=True)
    message = models.TextField(_("Nachricht"))
    email = models.EmailField(_("E-Mail für Rückfragen"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    handled_at = models.DateTimeField(_("bearbeitet"), null=True, blank=True)

    class Meta:
        verbose_name = _("Rückmeldung Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen Barrierefreiheit")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.page_url}"


class IdempotencyRecord(models.Model):
    """The stored answer to a POST that created money, stock or bookings, keyed by the
    client's Idempotency-Key: a retry gets the same answer instead of a second booking."""

    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="unique_idempotency_key")]


class Counter(models.Model):
    """Shared counters for rate limits and one-time proofs when the cache is the
    database (core.counters): one row per key, written with one upsert."""

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("Zähler")
        verbose_name_plural = _("Zähler")
