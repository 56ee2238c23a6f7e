"""The waiting list, pretix-style: a freed seat is offered to the oldest waiting
registration for a limited time (`offer_expires_at`, BUSINESS_WAITLIST_OFFER_HOURS,
never later than an hour before the start). The person claims it (confirmed, or held
for payment on a paid date) or declines; when the offer runs out (periodic job
`business_registrations_due`) the next one is offered. Every step runs under the
date's row lock and re-checks the seats, and is safe to run twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one

from .models import SEAT_HOLDING, EventDate, Registration, RegistrationStatus
from .registration_notifications import notify
from .registration_rules import offer_expiry


def offer_free_seats(*, event_date: EventDate, now: datetime) -> int:
    """Inside the date's lock: offer every free seat to the next waiting person.
    Returns how many offers were made."""
    if event_date.is_cancelled or event_date.starts_at <= now:
        return 0
    until = offer_expiry(event_date, now)
    if until is None:
        return 0
    held = Registration.objects.filter(event_date=event_date, status__in=SEAT_HOLDING).count()
    offered = 0
    for registration in Registration.objects.filter(event_date=event_date, status=RegistrationStatus.WAITING
                                                    ).order_by("created_at", "pk")[:max(event_date.seats - held, 0)]:
        registration.status, registration.offer_expires_at = RegistrationStatus.OFFERED, until
        registration.save(update_fields=["status", "offer_expires_at"])
        audit_log(actor=None, system="business", action="business.seat_offered", subject=registration,
                  data_subject=registration.participant, data={"until": until.isoformat()})
        notify("offered", registration)
        offered += 1
    return offered


def _lock(registration: Registration) -> tuple[EventDate, Registration]:
    event_date = lock_one(EventDate.objects.filter(pk=registration.event_date_id).select_related("series__organiser"), of=("self",))
    return event_date, lock_one(Registration.objects.filter(pk=registration.pk))


def registration_claim_offer(*, registration: Registration, actor: Any) -> Registration:
    """The waiting person takes the offered seat (re-checked under the lock)."""
    from .registration_services import _start_payment, notify_payment_due

    if not getattr(actor, "is_authenticated", False) or actor.pk != registration.participant_id:
        raise PermissionDenied(_("Dieses Angebot gilt für eine andere Person."))
    now = timezone.now()
    with transaction.atomic():
        event_date, current = _lock(registration)
        if current.status != RegistrationStatus.OFFERED:
            raise ValidationError(_("Für diese Anmeldung liegt kein Platzangebot (mehr) vor."))
        if current.offer_expires_at is None or current.offer_expires_at <= now or event_date.is_cancelled:
            raise ValidationError(_("Das Platzangebot ist abgelaufen."))
        others = (Registration.objects.filter(event_date=event_date, status__in=SEAT_HOLDING)
                  .exclude(pk=current.pk).count())
        if others >= event_date.seats:  # the last guard: an offer never overbooks
            raise ValidationError(_("Der Platz ist leider nicht mehr frei."))
        if current.price_cents:
            _start_payment(current, actor, now)
            notify_payment_due(current, actor)
        else:
            current.status, current.offer_expires_at = RegistrationStatus.CONFIRMED, None
            current.save(update_fields=["status", "offer_expires_at"])
            notify("confirmed", current)
        audit_log(actor=actor, action="business.offer_claimed", subject=current, data_subject=actor,
                  data={"status": current.status})
    return current


def registration_decline_offer(*, registration: Registration, actor: Any) -> Registration:
    if not getattr(actor, "is_authenticated", False) or actor.pk != registration.participant_id:
        raise PermissionDenied(_("Dieses Angebot gilt für eine andere Person."))
    now = timezone.now()
    with transaction.atomic():
        event_date, current = _lock(registration)
        if current.status != RegistrationStatus.OFFERED:
            raise ValidationError(_("Für diese Anmeldung liegt kein Platzangebot (mehr) vor."))
        current.status, current.cancelled_at, current.offer_expires_at = RegistrationStatus.CANCELLED, now, None
        current.save(update_fields=["status", "cancelled_at", "offer_expires_at"])
        audit_log(actor=actor, action="business.offer_declined", subject=current, data_subject=actor)
        offer_free_seats(event_date=event_date, now=now)
    return current


def holds_expire(*, now: datetime | None = None) -> int:
    """Periodic: offers not claimed and seats not paid in time expire; their seats go
    to the next waiting person. Idempotent (status and expiry re-checked under lock)."""
    from .registration_services import _settle_money

    now = now or timezone.now()
    due_dates = set(Registration.objects.filter(
        status__in=(RegistrationStatus.OFFERED, RegistrationStatus.PENDING_PAYMENT), offer_expires_at__lte=now,
    ).values_list("event_date_id", flat=True))
    expired = 0
    for date_id in sorted(due_dates):
        with transaction.atomic():
            event_date = lock_one(EventDate.objects.filter(pk=date_id).select_related("series__organiser"), of=("self",))
            for registration in Registration.objects.filter(
                    event_date=event_date, offer_expires_at__lte=now,
                    status__in=(RegistrationStatus.OFFERED, RegistrationStatus.PENDING_PAYMENT)).order_by("pk"):
                registration.status, registration.offer_expires_at = RegistrationStatus.EXPIRED, None
                registration.cancelled_at = now
                registration.save(update_fields=["status", "offer_expires_at", "cancelled_at"])
                _settle_money(registration, reason=_("Reservierung abgelaufen"), actor=None)
                audit_log(actor=None, system="business", action="business.hold_expired", subject=registration,
                          data_subject=registration.participant)
                notify("expired", registration)
                expired += 1
            offer_free_seats(event_date=event_date, now=now)
    return expired


def waitlist_refill(*, event_date: EventDate) -> int:
    """Offer the seats that are free now (e.g. after the organiser added seats) to the
    waiting list, under the date's lock. Safe to call at any time."""
    with transaction.atomic():
        locked = lock_one(EventDate.objects.filter(pk=event_date.pk).select_related("series__organiser"), of=("self",))
        return offer_free_seats(event_date=locked, now=timezone.now())
