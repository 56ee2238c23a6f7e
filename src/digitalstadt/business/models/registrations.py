"""Registrations for event dates: a person takes a seat, for themselves or sent by
their company (a company owner or admin registers colleagues). Seats are scarce: a
registration is confirmed under the date's row lock (business.registration_services),
else it waits; a freed seat is offered to the first waiting person for a limited time
(`offer_expires_at`), pretix-style. Price is frozen at registration (integer cents)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["EventFeedback", "Registration", "RegistrationStatus"]


class RegistrationStatus(models.TextChoices):
    # Holds a seat; for a paid date only once paid (PENDING_PAYMENT holds it meanwhile).
    CONFIRMED = "confirmed", _("angemeldet")
    PENDING_PAYMENT = "pending_payment", _("Zahlung ausstehend")
    WAITING = "waiting", _("auf der Warteliste")
    # A freed seat is held for this person until offer_expires_at.
    OFFERED = "offered", _("Platz angeboten")
    CANCELLED = "cancelled", _("storniert")
    EXPIRED = "expired", _("Angebot verfallen")


# The statuses that hold one of the date's seats.
SEAT_HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING_PAYMENT, RegistrationStatus.OFFERED)


class Registration(models.Model):
    event_date = models.ForeignKey("business.EventDate", on_delete=models.PROTECT, related_name="registrations",
                                   verbose_name=_("Termin"))
    participant = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="event_registrations", verbose_name=_("Teilnehmer/in"))
    # Name and e-mail as registered (kept when the account is erased only until retention).
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail"))
    company = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="event_registrations", verbose_name=_("Unternehmen"))
    registered_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    status = models.CharField(_("Status"), max_length=20, choices=RegistrationStatus.choices)
    price_cents = models.PositiveIntegerField(_("Preis (Cent)"), default=0)
    payment_reference = models.CharField(max_length=40, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    # A secret for the ticket's QR code at the check-in (only its SHA-256 is kept).
    checkin_code_hash = models.CharField(max_length=64, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    certificate_document = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.SET_NULL,
                                             related_name="+")
    reminded_day_before_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_before_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at", "pk"]
        constraints = [
            # A person holds at most one live registration per date.
            models.UniqueConstraint(fields=["event_date", "participant"], name="one_live_registration_per_person",
                                    condition=Q(participant__isnull=False)
                                    & ~Q(status__in=["cancelled", "expired"])),
        ]
        indexes = [models.Index(fields=["event_date", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} · {self.event_date}"


class EventFeedback(models.Model):
    """One answer to a date's feedback form; anonymous to the organiser (results are
    shown only aggregated, and only from five answers). `registration` stops a second
    answer and is cleared by retention."""

    event_date = models.ForeignKey("business.EventDate", on_delete=models.CASCADE, related_name="feedback")
    registration = models.OneToOneField(Registration, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="feedback")
    overall = models.PositiveSmallIntegerField(_("Gesamteindruck (1–5)"))
    usefulness = models.PositiveSmallIntegerField(_("Nutzen für die Arbeit (1–5)"))
    would_recommend = models.BooleanField(_("würde weiterempfehlen"))
    comment = models.TextField(_("Anmerkungen"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Rückmeldung")
        verbose_name_plural = _("Rückmeldungen")
        constraints = [
            models.CheckConstraint(condition=Q(overall__gte=1, overall__lte=5), name="feedback_overall_1_to_5"),
            models.CheckConstraint(condition=Q(usefulness__gte=1, usefulness__lte=5),
                                   name="feedback_usefulness_1_to_5"),
        ]
