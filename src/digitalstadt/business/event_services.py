"""A partner's event series, venues and dates. Only a partner organisation with an
approved event-organiser role may write, and only its own rows (read and written inside
its organisation scope). Dates are cancelled by the registration part (it tells and
refunds everyone registered), never here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one, race_window
from digitalstadt.core.scoping import organisation_scope

from .models import SEAT_HOLDING, EventDate, EventSeries, Registration, Venue
from .partner_selectors import may_organise
from .rooms import room_providers
from .types import EventFormat, Topic

SERIES_FIELDS = ("title", "summary", "description", "topic", "format", "language", "target_group",
                 "price_cents", "is_published")
VENUE_FIELDS = ("name", "street", "postal_code", "city", "room", "step_free", "accessible_toilet", "hearing_loop",
                "accessibility_note")
DATE_FIELDS = ("starts_at", "ends_at", "venue", "room_provider", "seats", "per_company_quota",
               "registration_closes_at")


def _require_organiser(actor: Any, organisation: Any) -> None:
    if not may_organise(user=actor, organisation=organisation):
        raise PermissionDenied(_("Nur Partnerorganisationen mit freigegebener Veranstalterrolle können "
                                 "Veranstaltungen anlegen und bearbeiten."))


def _unique_slug(title: str) -> str:
    base = slugify(title)[:80] or "veranstaltung"
    slug, n = base, 2
    while EventSeries.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_series(data: dict) -> None:
    if not (data.get("title") or "").strip():
        raise ValidationError(_("Bitte geben Sie einen Titel an."))
    if data.get("topic") not in Topic.values:
        raise ValidationError(_("Bitte wählen Sie ein Thema."))
    if data.get("format") not in EventFormat.values:
        raise ValidationError(_("Bitte wählen Sie ein Format."))
    price = data.get("price_cents", 0)
    if not isinstance(price, int) or price < 0 or price > 1_000_000:
        raise ValidationError(_("Der Preis muss zwischen 0 und 10.000 Euro liegen."))


def series_create(*, actor: Any, organisation: Any, **data) -> EventSeries:
    _require_organiser(actor, organisation)
    _check_series(data)
    with transaction.atomic(), organisation_scope(organisation):
        series = EventSeries.objects.create(organiser=organisation, slug=_unique_slug(data["title"]),
                                            created_by=actor, **{k: data[k] for k in SERIES_FIELDS if k in data})
        audit_log(actor=actor, action="business.series_created", subject=series,
                  data={"organiser": organisation.pk, "published": series.is_published})
    return series


def series_update(*, actor: Any, organisation: Any, series: EventSeries, **data) -> EventSeries:
    _require_organiser(actor, organisation)
    if series.organiser_id != organisation.pk:
        raise PermissionDenied(_("Diese Veranstaltungsreihe gehört einer anderen Organisation."))
    _check_series(data)
    with transaction.atomic(), organisation_scope(organisation):
        changed = [k for k in SERIES_FIELDS if k in data and getattr(series, k) != data[k]]
        for k in changed:
            setattr(series, k, data[k])
        if changed:
            series.save(update_fields=changed)
            audit_log(actor=actor, action="business.series_updated", subject=series, data={"changed": changed})
    return series


def _check_venue(data: dict) -> None:
    for field, message in (("name", _("Bitte geben Sie den Namen des Ortes an.")),
                           ("street", _("Bitte geben Sie Straße und Hausnummer an.")),
                           ("postal_code", _("Bitte geben Sie die Postleitzahl an.")),
                           ("city", _("Bitte geben Sie den Ort an."))):
        if not (data.get(field) or "").strip():
            raise ValidationError(message)


def venue_create(*, actor: Any, organisation: Any, **data) -> Venue:
    _require_organiser(actor, organisation)
    _check_venue(data)
    with transaction.atomic(), organisation_scope(organisation):
        venue = Venue.objects.create(organiser=organisation, **{k: data[k] for k in VENUE_FIELDS if k in data})
        audit_log(actor=actor, action="business.venue_saved", subject=venue, data={"created": True})
    return venue


def venue_update(*, actor: Any, organisation: Any, venue: Venue, **data) -> Venue:
    _require_organiser(actor, organisation)
    if venue.organiser_id != organisation.pk:
        raise PermissionDenied(_("Dieser Veranstaltungsort gehört einer anderen Organisation."))
    _check_venue(data)
    with transaction.atomic(), organisation_scope(organisation):
        changed = [k for k in VENUE_FIELDS if k in data and getattr(venue, k) != data[k]]
        for k in changed:
            setattr(venue, k, data[k])
        if changed:
            venue.save(update_fields=changed)
            audit_log(actor=actor, action="business.venue_saved", subject=venue, data={"changed": changed})
    return venue


def check_date(*, series: EventSeries, starts_at: datetime, ends_at: datetime, venue: Venue | None,
               room_provider: str, seats: int, per_company_quota: int | None,
               registration_closes_at: datetime | None, now: datetime | None = None) -> dict[str, str]:
    """The problems of a date, by field (empty when it is fine); shared by the form and
    the services, so the browser and the API can never disagree."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if starts_at is not None and starts_at <= now:
        errors["starts_at"] = _("Der Beginn darf nicht in der Vergangenheit liegen.")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("Das Ende muss nach dem Beginn liegen.")
    needs_venue = series.format in (EventFormat.IN_PERSON, EventFormat.HYBRID)
    needs_room = series.format in (EventFormat.WEBINAR, EventFormat.HYBRID)
    if needs_venue and venue is None:
        errors["venue"] = _("Für einen Termin vor Ort oder hybrid brauchen Sie einen Veranstaltungsort.")
    if venue is not None and venue.organiser_id != series.organiser_id:
        errors["venue"] = _("Dieser Veranstaltungsort gehört einer anderen Organisation.")
    if not needs_venue and venue is not None:
        errors["venue"] = _("Ein Webinar findet online statt: bitte keinen Veranstaltungsort wählen.")
    if needs_room and not room_provider:
        errors["room_provider"] = _("Für ein Webinar oder einen hybriden Termin brauchen Sie einen Online-Raum.")
    elif room_provider and room_provider not in [c[0] for c in room_providers.choices()]:
        errors["room_provider"] = _("Diesen Online-Raum gibt es nicht.")
    elif room_provider and not needs_room:
        errors["room_provider"] = _("Ein Termin vor Ort braucht keinen Online-Raum.")
    if seats is None or seats < 1 or seats > 10_000:
        errors["seats"] = _("Bitte geben Sie zwischen 1 und 10.000 Plätze an.")
    if per_company_quota is not None and (per_company_quota < 1 or (seats and per_company_quota > seats)):
        errors["per_company_quota"] = _("Die Plätze je Unternehmen müssen zwischen 1 und der Zahl der Plätze "
                                        "liegen.")
    if registration_closes_at is not None and starts_at is not None and registration_closes_at > starts_at:
        errors["registration_closes_at"] = _("Der Anmeldeschluss darf nicht nach dem Beginn liegen.")
    return errors


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def date_create(*, actor: Any, organisation: Any, series: EventSeries, **data) -> EventDate:
    _require_organiser(actor, organisation)
    if series.organiser_id != organisation.pk:
        raise PermissionDenied(_("Diese Veranstaltungsreihe gehört einer anderen Organisation."))
    values = {k: data.get(k) for k in DATE_FIELDS}
    values["room_provider"] = values["room_provider"] or ""
    _raise(check_date(series=series, **values))
    with transaction.atomic(), organisation_scope(organisation):
        event_date = EventDate.objects.create(series=series, **values)
        audit_log(actor=actor, action="business.date_saved", subject=event_date,
                  data={"series": series.pk, "created": True})
    return event_date


def date_update(*, actor: Any, organisation: Any, event_date: EventDate, **data) -> EventDate:
    _require_organiser(actor, organisation)
    series = event_date.series
    if series.organiser_id != organisation.pk:
        raise PermissionDenied(_("Dieser Termin gehört einer anderen Organisation."))
    if event_date.is_cancelled:
        raise ValidationError(_("Ein abgesagter Termin kann nicht mehr bearbeitet werden."))
    values = {k: data.get(k) for k in DATE_FIELDS}
    values["room_provider"] = values["room_provider"] or ""
    _raise(check_date(series=series, **values))
    with transaction.atomic(), organisation_scope(organisation):
        # Seats are scarce: under the date's row lock (as the registration services),
        # never below the seats held, and added seats go to the waiting list at once.
        locked = lock_one(EventDate.objects.filter(pk=event_date.pk).select_related("series__organiser"))
        if locked.is_cancelled:
            raise ValidationError(_("Ein abgesagter Termin kann nicht mehr bearbeitet werden."))
        held = Registration.objects.filter(event_date=locked, status__in=SEAT_HOLDING).count()
        race_window("business.seats_changed")
        if values["seats"] < held:
            raise ValidationError({"seats": _("Es sind bereits %(held)s Plätze vergeben (angemeldet, reserviert "
                                              "oder angeboten): weniger Plätze sind nicht möglich.")
                                   % {"held": held}})
        more_seats = values["seats"] > locked.seats
        changed = [k for k in DATE_FIELDS if getattr(locked, k) != values[k]]
        for k in changed:
            setattr(locked, k, values[k])
        if changed:
            locked.save(update_fields=changed)
            audit_log(actor=actor, action="business.date_saved", subject=locked, data={"changed": changed})
        if more_seats:
            from .waitlist import offer_free_seats

            offer_free_seats(event_date=locked, now=timezone.now())
    return locked
