"""Online applications (Anträge) and the cases (Vorgänge) they become.

An `Application` is a draft the citizen fills in step by step (saved after each step,
resumable); submitting turns it into a `Case` with a readable reference, the data and
the fee frozen. Everything that happens to a case is a `CaseEvent`: public events form
the citizen's status monitor, internal ones (notes) only the office sees.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("eingereicht")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="applications")
    plugin = models.CharField(max_length=64)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # {step key: {field: JSON value}}, written after each step.
    data = models.JSONField(default=dict, blank=True)
    completed_steps = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Antrag (Entwurf)")
        verbose_name_plural = _("Anträge (Entwürfe)")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_status_display()})"


class CaseStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Zahlung ausstehend")
    RECEIVED = "received", _("eingegangen")
    IN_REVIEW = "in_review", _("in Bearbeitung")
    EVIDENCE_REQUESTED = "evidence_requested", _("Nachweis angefordert")
    APPROVED = "approved", _("entschieden: bewilligt")
    REJECTED = "rejected", _("entschieden: abgelehnt")
    CLOSED = "closed", _("abgeschlossen")


OPEN_STATUSES = [CaseStatus.AWAITING_PAYMENT, CaseStatus.RECEIVED, CaseStatus.IN_REVIEW,
                 CaseStatus.EVIDENCE_REQUESTED]
DECIDED_STATUSES = [CaseStatus.APPROVED, CaseStatus.REJECTED]


class CaseReferenceCounter(models.Model):
    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="unique_case_reference_counter")]


class Case(models.Model):
    reference = models.CharField(_("Aktenzeichen"), max_length=20, unique=True)
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="case")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="cases",
                                verbose_name=_("Leistung"))
    plugin = models.CharField(max_length=64)
    office = models.ForeignKey("accounts.Organisation", null=True, on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("Amt"))
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases",
                                  verbose_name=_("Antragsteller/in"))
    applicant_name = models.CharField(_("Name"), max_length=300)
    status = models.CharField(_("Status"), max_length=24, choices=CaseStatus.choices, db_index=True)
    data = models.JSONField(_("Angaben"), default=dict)
    # The fee as computed on the day of submission, with its lines: never recomputed.
    fee_cents = models.PositiveIntegerField(_("Gebühr in Cent"), default=0)
    fee_lines = models.JSONField(default=list, blank=True)
    fee_is_demo = models.BooleanField(default=False)
    payment = models.OneToOneField("payments.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="case")
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="assigned_cases", verbose_name=_("Bearbeitung durch"))
    due_date = models.DateField(_("Frist"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("eingereicht am"))
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    receipt = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_reason = models.TextField(_("Begründung"), blank=True)
    # Service-specific results (e.g. the computed tax, the permit number, the export).
    result = models.JSONField(default=dict, blank=True)
    # The citizen answered an evidence request and no case worker has acted since.
    answer_received = models.BooleanField(_("Antwort eingegangen"), default=False, db_index=True)
    # While the office waits for evidence the processing time stands still: the due
    # date moves on by the days waited once the answer arrives.
    waiting_since = models.DateTimeField(_("wartet auf Nachweis seit"), null=True, blank=True)
    # A decision drafted and not yet sent: {"approve", "reason", "options", "by", "at"}.
    decision_draft = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("Vorgang")
        verbose_name_plural = _("Vorgänge")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["office", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Antrag eingegangen")
        STATUS = "status", _("Status geändert")
        PAYMENT = "payment", _("Zahlung eingegangen")
        NOTE = "note", _("Interne Notiz")
        ASSIGNED = "assigned", _("Zuständigkeit")
        DEADLINE = "deadline", _("Frist")
        EVIDENCE_REQUESTED = "evidence_requested", _("Nachweis angefordert")
        EVIDENCE_RECEIVED = "evidence_received", _("Nachweis eingegangen")
        DECISION = "decision", _("Bescheid erstellt")
        DOCUMENT = "document", _("Dokument")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    status_from = models.CharField(max_length=24, blank=True)
    status_to = models.CharField(max_length=24, blank=True)
    # Shown to the citizen (German text as written by the office or the system).
    public_text = models.TextField(blank=True)
    internal_text = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at", "id"]


class EvidenceUpload(models.Model):
    """A file the applicant uploaded: with the draft, or later to answer a request."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="uploads")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="uploads")
    evidence = models.ForeignKey("catalog.Evidence", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    request = models.ForeignKey("EvidenceRequest", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="uploads")
    document = models.ForeignKey("core.Document", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class EvidenceRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence_requests")
    text = models.TextField(_("Was fehlt"))
    due_date = models.DateField(_("Frist"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_text = models.TextField(_("Antwort"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(answered_at__isnull=True),
                                               name="one_open_evidence_request_per_case")]


class CaseworkRule(models.Model):
    """How a service's cases are worked, kept as data (admin): four-eyes approval."""

    plugin = models.CharField(_("Leistung (Plugin)"), max_length=64, unique=True)
    four_eyes = models.BooleanField(_("Vier-Augen-Prinzip"), default=False,
                                    help_text=_("Wer den Bescheid entwirft, darf ihn nicht freigeben."))

    class Meta:
        verbose_name = _("Bearbeitungsregel")
        verbose_name_plural = _("Bearbeitungsregeln")

    def __str__(self) -> str:
        return self.plugin


class TextBlock(models.Model):
    """A reusable text (Textbaustein) for a service's decisions or evidence requests."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Begründung im Bescheid")
        REQUEST = "request", _("Nachweisanforderung")

    plugin = models.CharField(_("Leistung (Plugin)"), max_length=64, db_index=True)
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("Titel"), max_length=120)
    text = models.TextField(_("Text"))

    class Meta:
        verbose_name = _("Textbaustein")
        verbose_name_plural = _("Textbausteine")
        ordering = ["plugin", "kind", "title"]

    def __str__(self) -> str:
        return self.title
