"""Street parking (Handyparken): zones with tariffs as dated data, the drivers' saved
vehicles and their parking sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..plates import normalise_plate

__all__ = ["ParkingSession", "PlateLock", "SessionStatus", "StreetTariff", "StreetTariffPeriod", "StreetZone", "Vehicle"]


class StreetZone(models.Model):
    """A zone of on-street parking with its own tariff (Darmstadt: Zone I-IV). `code` is
    what the street sign shows; permit holders of `resident_zone` park free here."""

    code = models.CharField(_("Zonennummer"), max_length=16, unique=True)
    name_de = models.CharField(_("Name (Deutsch)"), max_length=120)
    name_en = models.CharField(_("Name (Englisch)"), max_length=120, blank=True)
    description = models.CharField(_("Gebiet"), max_length=200, blank=True)
    resident_zone = models.ForeignKey("register.ParkingZone", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="street_zones", verbose_name=_("Bewohnerparkzone"))
    is_demo = models.BooleanField(_("Demo-Wert (nicht amtlich)"), default=False)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Parkzone (Straße)")
        verbose_name_plural = _("Parkzonen (Straße)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_de}"

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "de").startswith("en") and self.name_en:
            return self.name_en
        return self.name_de


class StreetTariff(models.Model):
    """The rules of a zone from `valid_from` until `valid_until` (inclusive; open when
    empty): maximum stay (charged minutes per session), free minutes at the start of a
    session (Brötchentaste). Prices and charged hours are its periods; outside them
    parking is free."""

    zone = models.ForeignKey(StreetZone, on_delete=models.CASCADE, related_name="tariffs")
    valid_from = models.DateField(_("gültig ab"))
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)
    max_stay_minutes = models.PositiveIntegerField(_("Höchstparkdauer (Minuten)"), null=True, blank=True)
    free_minutes = models.PositiveIntegerField(_("frei (Minuten, Brötchentaste)"), default=0)
    source = models.CharField(_("Quelle"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Parktarif (Straße)")
        verbose_name_plural = _("Parktarife (Straße)")
        ordering = ["zone", "-valid_from"]
        constraints = [models.CheckConstraint(condition=Q(valid_until__isnull=True)
                                              | Q(valid_until__gte=models.F("valid_from")),
                                              name="street_tariff_validity_ordered")]

    def __str__(self) -> str:
        return f"{self.zone.code} ab {self.valid_from}"


class StreetTariffPeriod(models.Model):
    """Charged time on one weekday (0 = Monday), from `start_minute` to `end_minute`
    (minutes after local midnight, end exclusive, 1440 = midnight), at `price_cents`
    per `unit_minutes`, charged to the minute."""

    tariff = models.ForeignKey(StreetTariff, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("Wochentag"))
    start_minute = models.PositiveSmallIntegerField(_("von (Minute des Tages)"))
    end_minute = models.PositiveSmallIntegerField(_("bis (Minute des Tages)"))
    price_cents = models.PositiveIntegerField(_("Preis (Cent)"))
    unit_minutes = models.PositiveSmallIntegerField(_("je Minuten"), default=30)

    class Meta:
        ordering = ["tariff", "weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="street_period_weekday"),
            models.CheckConstraint(condition=Q(start_minute__lt=models.F("end_minute")) & Q(end_minute__lte=1440),
                                   name="street_period_ordered"),
            models.CheckConstraint(condition=Q(unit_minutes__gt=0), name="street_period_unit_positive"),
        ]


class Vehicle(models.Model):
    """A plate saved in a driver's account, to pick instead of typing it each time."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vehicles")
    plate = models.CharField(_("Kennzeichen"), max_length=15)
    plate_normalised = models.CharField(max_length=15)
    label = models.CharField(_("Bezeichnung"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Fahrzeug")
        verbose_name_plural = _("Fahrzeuge")
        ordering = ["-last_used_at", "plate"]
        constraints = [models.UniqueConstraint(fields=["owner", "plate_normalised"], name="vehicle_plate_once")]

    def __str__(self) -> str:
        return self.plate

    def save(self, *args, **kwargs):
        self.plate_normalised = normalise_plate(self.plate)
        super().save(*args, **kwargs)


class SessionStatus(models.TextChoices):
    ACTIVE = "active", _("läuft")
    STOPPED = "stopped", _("beendet")


class ParkingSession(models.Model):
    """One street-parking session. `ends_at` is the paid end while it runs and the
    actual end once stopped (or run out), so enforcement asks one indexed range.
    `voucher_minutes` at the start are covered by a park & shop voucher (until
    `voucher_until`) and not charged."""

    # PROTECT, not SET_NULL: deleting an account must not drop sessions off the monthly
    # bill (the bill needs the user). The GDPR erasure (street_personal_data.erase) first
    # ends a running session and bills every open month, then unlinks the sessions;
    # after it the account can be deleted. A bare delete before that is refused.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                             related_name="parking_sessions")
    zone = models.ForeignKey(StreetZone, on_delete=models.PROTECT, related_name="sessions")
    provider = models.CharField(_("Anbieter"), max_length=32, default="city")
    provider_reference = models.CharField(max_length=64, blank=True)
    plate = models.CharField(_("Kennzeichen"), max_length=15)
    plate_normalised = models.CharField(max_length=15)
    started_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    stopped_at = models.DateTimeField(_("beendet"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.ACTIVE)
    quoted_cents = models.PositiveIntegerField(_("Preis bis zum gewählten Ende (Cent)"), default=0)
    amount_cents = models.PositiveIntegerField(_("Betrag (Cent)"), null=True, blank=True)
    voucher_code = models.CharField(_("Gutschein"), max_length=40, null=True, blank=True)
    voucher_minutes = models.PositiveIntegerField(_("Gutschein-Minuten"), null=True, blank=True)
    voucher_until = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(_("Zahlung"), max_length=40, blank=True,
                                         help_text=_("Die Zahlung der Monatsabrechnung, in der der Vorgang steht"))
    start_token = models.CharField(max_length=64)
    reminder_due_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Parkvorgang (Handyparken)")
        verbose_name_plural = _("Parkvorgänge (Handyparken)")
        ordering = ["-started_at"]
        indexes = [
            # the enforcement check: one plate, sessions still running at a moment
            models.Index(fields=["plate_normalised", "ends_at"], name="session_plate_ends"),
            models.Index(fields=["user", "started_at"], name="session_user_started"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "start_token"], name="session_start_once"),
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("started_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.plate} {self.zone.code} {self.started_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.plate_normalised = normalise_plate(self.plate)
        super().save(*args, **kwargs)


class PlateLock(models.Model):
    """One row per canonical plate, locked while a session for that plate starts: one
    running session per car across accounts (two accounts starting the same plate at
    once are serialised here, not only the two phones of one account)."""

    plate_normalised = models.CharField(max_length=15, unique=True)

    class Meta:
        verbose_name = _("Kennzeichen-Sperre")
        verbose_name_plural = _("Kennzeichen-Sperren")
