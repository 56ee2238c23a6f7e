"""Coachings and webinars: an event series (what is offered, by which partner) and its
dates (when, where, how many seats). Prices are integer cents; most events are free.
A date's online room is a plugin of `business.rooms` (Jitsi, BigBlueButton)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.scoping import organisation_scoped

from ..types import EventFormat, Topic

__all__ = ["EventDate", "EventDateStatus", "EventSeries", "Venue"]


class Venue(models.Model):
    """A place where in-person and hybrid dates take place, with what people with
    disabilities need to know before they come."""

    organiser = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="venues",
                                  verbose_name=_("Partnerorganisation"))
    name = models.CharField(_("Name"), max_length=160)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10)
    city = models.CharField(_("Ort"), max_length=100)
    room = models.CharField(_("Raum"), max_length=120, blank=True)
    step_free = models.BooleanField(_("stufenlos erreichbar"), default=False)
    accessible_toilet = models.BooleanField(_("barrierefreies WC"), default=False)
    hearing_loop = models.BooleanField(_("Induktionsschleife"), default=False)
    accessibility_note = models.TextField(_("Hinweise zur Barrierefreiheit"), blank=True)
    latitude = models.DecimalField(_("Breitengrad"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("Längengrad"), max_digits=9, decimal_places=6, null=True, blank=True)

    objects = models.Manager()
    # A partner's own venues, inside organisation_scope(partner).
    organised = organisation_scoped("organiser")

    class Meta:
        base_manager_name = "objects"
        default_manager_name = "objects"
        verbose_name = _("Veranstaltungsort")
        verbose_name_plural = _("Veranstaltungsorte")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EventSeries(models.Model):
    organiser = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="event_series",
                                  verbose_name=_("Partnerorganisation"))
    slug = models.SlugField(_("Kurzname"), max_length=100, unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.CharField(_("Kurzbeschreibung"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    topic = models.CharField(_("Thema"), max_length=32, choices=Topic.choices)
    format = models.CharField(_("Format"), max_length=16, choices=EventFormat.choices)
    language = models.CharField(_("Sprache"), max_length=8, default="de",
                                choices=[("de", _("Deutsch")), ("en", _("Englisch"))])
    target_group = models.CharField(_("Zielgruppe"), max_length=200, blank=True)
    price_cents = models.PositiveIntegerField(_("Preis (Cent)"), default=0)
    is_published = models.BooleanField(_("veröffentlicht"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    # Published series are public (the calendar); a partner edits its own through
    # `organised`, inside organisation_scope(partner).
    objects = models.Manager()
    organised = organisation_scoped("organiser")

    class Meta:
        base_manager_name = "objects"
        default_manager_name = "objects"
        verbose_name = _("Veranstaltungsreihe")
        verbose_name_plural = _("Veranstaltungsreihen")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("business:series", kwargs={"series": self.slug})

    @property
    def is_free(self) -> bool:
        return self.price_cents == 0


class EventDateStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("geplant")
    CANCELLED = "cancelled", _("abgesagt")


class EventDate(models.Model):
    series = models.ForeignKey(EventSeries, on_delete=models.PROTECT, related_name="dates",
                               verbose_name=_("Veranstaltungsreihe"))
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="dates",
                              verbose_name=_("Veranstaltungsort"))
    # The online room: a plugin id of business.rooms.room_providers ("" for in person only).
    room_provider = models.CharField(_("Online-Raum"), max_length=40, blank=True)
    room_name = models.CharField(_("Raumname"), max_length=120, blank=True)
    seats = models.PositiveIntegerField(_("Plätze"))
    per_company_quota = models.PositiveIntegerField(_("Plätze je Unternehmen"), null=True, blank=True,
                                                    help_text=_("leer: keine Begrenzung je Unternehmen"))
    registration_closes_at = models.DateTimeField(_("Anmeldeschluss"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=16, choices=EventDateStatus.choices,
                              default=EventDateStatus.SCHEDULED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("Grund der Absage"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager()
    organised = organisation_scoped("series__organiser")

    class Meta:
        base_manager_name = "objects"
        default_manager_name = "objects"
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_date_ends_after_start"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="event_date_has_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.series} · {self.starts_at:%d.%m.%Y %H:%M}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("business:date", kwargs={"series": self.series.slug, "pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventDateStatus.CANCELLED
