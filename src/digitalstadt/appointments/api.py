"""Appointments API (tag `appointments`): the same services as the pages, the same
proof-of-work and rate limits for reserving, Idempotency-Key on every creating POST."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from digitalstadt.catalog.selectors import service_ids_by_slug
from digitalstadt.core import pow
from digitalstadt.core.api_errors import api_errors
from digitalstadt.core.idempotency import IdempotencyConflict, idempotency_caller, run_idempotent
from digitalstadt.core.locking import LockTimeout
from digitalstadt.core.ratelimit import client_ip, hit

from . import services
from .models import Location
from .selectors import bookable_services, booking_offers, earliest_by_location

router = Router(tags=["appointments"])


class ServiceOut(Schema):
    slug: str
    name: str
    leika_key: str
    locations: list[str]


class LocationOut(Schema):
    slug: str
    name: str
    street: str
    postal_code: str
    city: str
    latitude: float | None
    longitude: float | None
    accessibility: str


class ServiceRequest(Schema):
    service: str
    persons: int = 1


class SlotsOut(Schema):
    location: str
    starts: list[datetime]


class ChallengeOut(Schema):
    algorithm: str
    challenge: str
    maxNumber: int
    salt: str
    signature: str


class ReserveIn(Schema):
    location: str
    services: list[ServiceRequest]
    starts_at: datetime
    altcha: str


class ReserveOut(Schema):
    code: str
    hold_token: str
    starts_at: datetime
    ends_at: datetime
    hold_expires_at: datetime


class DetailsIn(Schema):
    hold_token: str
    name: str
    email: str
    phone: str = ""


class TokenIn(Schema):
    token: str


class BookingOut(Schema):
    code: str
    status: str
    location: str
    starts_at: datetime
    ends_at: datetime
    expires_at: datetime | None = None


def _booking_out(b) -> dict:
    return {"code": b.code, "status": b.status, "location": b.location.slug, "starts_at": b.starts_at,
            "ends_at": b.ends_at, "expires_at": b.expires_at}


def _service_ids(items: list[ServiceRequest]) -> list[tuple[int, int]]:
    if len({i.service for i in items}) != len(items):
        raise HttpError(422, "Jede Leistung nur einmal, mit der Personenzahl in persons. / "
                             "Name each service once, with the number of people in persons.")
    ids = service_ids_by_slug(slugs=[i.service for i in items])
    if len(ids) != len({i.service for i in items}):
        raise HttpError(422, "Unbekannte Leistung / unknown service")
    return [(ids[i.service], i.persons) for i in items]


@router.get("/services", response={200: list[ServiceOut], **api_errors()}, summary="Services that can be booked")
def list_services(request):
    result = []
    for service in bookable_services():
        result.append({"slug": service.slug, "name": service.name, "leika_key": service.leika_key,
                       "locations": list(service.location_offers.filter(location__is_active=True)
                                         .values_list("location__slug", flat=True))})
    return result


@router.get("/locations", response={200: list[LocationOut], **api_errors()},
            summary="Locations (Bürgerbüros, Meldestellen)")
def list_locations(request):
    return [{"slug": loc.slug, "name": loc.name, "street": loc.street, "postal_code": loc.postal_code,
             "city": loc.city, "latitude": float(loc.latitude) if loc.latitude is not None else None,
             "longitude": float(loc.longitude) if loc.longitude is not None else None,
             "accessibility": loc.accessibility} for loc in Location.objects.filter(is_active=True)]


@router.get("/slots", response={200: list[SlotsOut], **api_errors(422)}, summary="Earliest free appointment starts")
def list_slots(request, service: str, persons: int = 1, location: str | None = None, limit: int = 10):
    items = _service_ids([ServiceRequest(service=service, persons=persons)])
    limit = max(1, min(limit, 50))
    locations = Location.objects.filter(is_active=True)
    if location:
        locations = locations.filter(slug=location)
    return [{"location": loc.slug, "starts": starts}
            for loc, starts in earliest_by_location(locations=locations, services=items, per_location=limit)]


@router.get("/challenge", response={200: ChallengeOut, **api_errors()},
            summary="Proof-of-work challenge needed to reserve")
def challenge(request):
    return pow.challenge_create()


@router.post("/reservations", response={201: ReserveOut, **api_errors(404, 409, 422, 429, 503)},
             summary="Hold a slot while the citizen enters details (needs a solved challenge)")
def reserve(request, payload: ReserveIn):
    if not hit(scope="reserve", key=client_ip(request), limit=settings.RESERVE_RATE_LIMIT[0],
               period=settings.RESERVE_RATE_LIMIT[1]):
        return Status(429, {"detail": "Zu viele Reservierungen. Bitte warten Sie kurz. / Too many reservations."})
    slugs = [item.service for item in payload.services]
    found = booking_offers(location_slug=payload.location, service_slugs=slugs) if len(set(slugs)) == len(slugs) \
        else None
    if found is not None:  # the hot path: location, services and offers in one query
        location, by_slug = found
        items = [(by_slug[item.service].service_id, item.persons) for item in payload.services]
        offers = {offer.service_id: offer for offer in by_slug.values()}
    else:  # say what is wrong: no such location, a service named twice or unknown, or not offered here
        location = get_object_or_404(Location, slug=payload.location, is_active=True)
        items, offers = _service_ids(payload.services), None
    body = payload.dict(exclude={"altcha"})
    # Even a replay of a stored answer needs a solved challenge (a retry may send a new one).
    if not pow.solution_valid(payload.altcha):
        return Status(422, {"detail": "Rechenaufgabe ungültig oder abgelaufen. / Invalid proof of work."})

    def call():
        if not pow.solution_verify_once(payload.altcha):
            return 422, {"detail": "Rechenaufgabe ungültig oder abgelaufen. / Invalid proof of work."}
        try:
            booking, hold_token = services.booking_hold(location=location, services=items, offers=offers,
                                                        starts_at=payload.starts_at, user=request.user)
        except LockTimeout as exc:  # busy, not taken: the client should retry (not stored)
            return 503, {"detail": " ".join(exc.messages)}
        except ValidationError as exc:
            return 409, {"detail": " ".join(exc.messages)}
        return 201, {"code": booking.code, "hold_token": hold_token, "starts_at": booking.starts_at.isoformat(),
                     "ends_at": booking.ends_at.isoformat(), "hold_expires_at": booking.expires_at.isoformat()}

    for attempt in range(3):
        try:
            status, body = run_idempotent(scope="appointments.reserve", key=request.headers.get("Idempotency-Key"),
                                          caller=idempotency_caller(request), body=body, call=call)
            return Status(status, body)
        except IdempotencyConflict:
            return Status(422, {"detail": "Idempotency-Key wurde mit anderen Daten verwendet. / "
                                          "Key reused with other data."})
        except IntegrityError as exc:  # a booking code drawn twice: all rolled back, draw again
            if attempt == 2 or not services.is_code_collision(exc):
                raise


@router.post("/reservations/{code}/details", response={200: BookingOut, **api_errors(403, 404, 409, 422, 503)},
             summary="Enter name and e-mail; a confirmation link is sent by e-mail")
def submit_details(request, code: str, payload: DetailsIn):
    booking = get_object_or_404(services.Booking, code=code.upper())
    try:
        booking, _token = services.booking_submit_details(booking=booking, hold_token=payload.hold_token,
                                                          name=payload.name, email=payload.email,
                                                          phone=payload.phone, user=request.user)
    except PermissionDenied:
        return Status(403, {"detail": "Ungültiger Code. / Invalid token."})
    except ValidationError as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    return Status(200, _booking_out(booking))


def _by_token(code: str, token: str):
    booking = services.booking_by_token(code=code, token=token)
    if booking is None:
        raise HttpError(404, "Nicht gefunden. / Not found.")
    return booking


@router.get("/bookings/{code}", response={200: BookingOut, **api_errors(404, 422)},
            summary="Look up a booking by code and token")
def lookup(request, code: str, token: str):
    return _booking_out(_by_token(code, token))


@router.post("/bookings/{code}/confirm", response={200: BookingOut, **api_errors(404, 409, 422, 503)},
             summary="Confirm (token from the e-mail)")
def confirm(request, code: str, payload: TokenIn):
    try:
        return Status(200, _booking_out(services.booking_confirm(booking=_by_token(code, payload.token), actor=request.user,
                                                                   token=payload.token)))
    except ValidationError as exc:
        return Status(409, {"detail": " ".join(exc.messages)})


@router.post("/bookings/{code}/cancel", response={200: BookingOut, **api_errors(403, 404, 409, 422, 503)},
             summary="Cancel (token from the e-mail)")
def cancel(request, code: str, payload: TokenIn):
    try:
        return Status(200, _booking_out(services.booking_cancel(booking=_by_token(code, payload.token), actor=request.user)))
    except ValidationError as exc:
        return Status(409, {"detail": " ".join(exc.messages)})


