"""Booking services. Every scarce write goes through `_take_places`: lock the slot rows
in a fixed order (core.locking.lock_rows), release expired holds on them, re-check,
then increment; the check constraint `booked <= capacity` is the last guard."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_first, lock_one, lock_rows, race_window

from .models import (
    ACTIVE_FOR_PERSON,
    Booking,
    BookingService,
    BookingSlot,
    BookingStatus,
    Location,
    Slot,
    SlotHoldback,
)
from .selectors import Need, need_at

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# People who missed this many appointments within the period may book one at a time.
NO_SHOW_LIMIT = 2
NO_SHOW_PERIOD = timedelta(days=180)


class SlotUnavailable(ValidationError):
    pass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_code() -> str:
    """A random booking code (32^8 ≈ 10^12 values). The unique constraint on
    Booking.code is the guard: no look-up per booking on the hot path."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _release(booking: Booking, *, status: str, now: datetime, holdback: bool = False) -> None:
    """Give a booking's places back (caller holds the slot locks)."""
    slot_ids = list(booking.booking_slots.values_list("slot_id", flat=True))
    Slot.objects.filter(id__in=slot_ids).update(booked=F("booked") - 1)
    if holdback and booking.location.holdback_minutes:
        public_from = now + timedelta(minutes=booking.location.holdback_minutes)
        SlotHoldback.objects.bulk_create([SlotHoldback(slot_id=i, public_from=public_from) for i in slot_ids])
    booking.booking_slots.all().delete()
    booking.status = status
    booking.expires_at = None
    if status == BookingStatus.CANCELLED:
        booking.cancelled_at = now
    booking.save(update_fields=["status", "expires_at", "cancelled_at"])


def _expire(booking: Booking, *, now: datetime) -> None:
    """A hold or an unconfirmed booking ran out: its places go back (caller holds the
    slot locks)."""
    was = booking.status
    _release(booking, status=BookingStatus.EXPIRED, now=now)
    audit_log(actor=None, system="appointments", action="booking.expired", subject=booking,
              data_subject=booking.user, data={"from": was})


def _take_places(need: Need, starts_at: datetime, now: datetime, *, also_lock: Iterable[int] = (),
                 release_first: Callable[[], None] | None = None, use_holdback: bool = False) -> list[Slot]:
    """Take one place in each slot the appointment covers; refuse (SlotUnavailable)
    if any is full. Three statements on the common path: the expired bookings on these
    slots, one ordered lock of all slot rows concerned (with their held-back places),
    and the increment.

    `also_lock`/`release_first`: slot rows of another booking to lock in the same
    ordered lock call, and a callback that gives that booking's places back after the
    locks are taken and before the re-check (rescheduling)."""
    step = timedelta(minutes=need.location.slot_minutes)
    wanted = [starts_at + i * step for i in range(need.units)]
    # Holds and unconfirmed bookings on these slots that ran out, with all their slots
    # (their places go back first, under the same locks).
    expired_rows = list(BookingSlot.objects.filter(booking_id__in=BookingSlot.objects.filter(
        slot__location=need.location, slot__starts_at__in=wanted,
        booking__status__in=[BookingStatus.HELD, BookingStatus.PENDING], booking__expires_at__lte=now,
    ).values("booking_id")).values_list("booking_id", "slot_id"))
    expired_ids = {booking_id for booking_id, _ in expired_rows}
    extra_ids = set(also_lock) | {slot_id for _, slot_id in expired_rows}
    rows = Q(location=need.location, starts_at__in=wanted)
    if extra_ids:
        rows |= Q(id__in=extra_ids)
    held_back = Coalesce(Subquery(
        SlotHoldback.objects.filter(slot=OuterRef("pk"), public_from__gt=now).values("slot")
        .annotate(n=Count("id")).values("n")[:1]), 0)
    locked = lock_rows(Slot.objects.filter(rows).annotate(held_back=held_back), "location_id", "starts_at",
                       of=("self",))
    by_start = {slot.starts_at: slot for slot in locked if slot.location_id == need.location.pk}
    if any(t not in by_start for t in wanted):
        raise SlotUnavailable(_("Dieser Termin ist nicht (mehr) buchbar. Bitte wählen Sie einen anderen."))
    targets = [by_start[t] for t in wanted]
    changed = False
    if expired_ids:
        locked_ids = {slot.id for slot in locked}
        for expired in lock_rows(Booking.objects.filter(id__in=expired_ids, status__in=[
                BookingStatus.HELD, BookingStatus.PENDING], expires_at__lte=now)):
            if set(expired.booking_slots.values_list("slot_id", flat=True)) <= locked_ids:
                _expire(expired, now=now)
                changed = True
    if release_first is not None:
        release_first()
        changed = True
    if changed:  # places went back: read the counts again (the rows stay locked)
        booked = dict(Slot.objects.filter(id__in=[t.id for t in targets]).values_list("id", "booked"))
        for slot in targets:
            slot.booked = booked[slot.id]
    for slot in targets:
        held = 0 if use_holdback else slot.held_back  # a waiting-list offer may take held-back places
        if slot.capacity - slot.booked - held < 1:
            raise SlotUnavailable(_("Dieser Termin wurde gerade vergeben. Bitte wählen Sie einen anderen."))
    race_window("appointments.slot_taken")
    target_ids = [slot.id for slot in targets]
    _increment(target_ids, now=now, respect_holdback=not use_holdback)
    if use_holdback:
        for slot_id in target_ids:  # the place is no longer held back: it is taken
            holdback = SlotHoldback.objects.filter(slot_id=slot_id, public_from__gt=now).order_by("public_from").first()
            if holdback is not None:
                holdback.delete()
    return targets


def _increment(slot_ids: list[int], *, now: datetime, respect_holdback: bool) -> None:
    """Take one place in each slot, all or none. On PostgreSQL the statement re-checks
    capacity and held-back places itself: it runs after the locks are held, so it sees
    hold-backs that a cancellation committed while this transaction waited for the lock
    (the lock statement's own snapshot does not). SQLite serialises writers from the
    transaction's start (BEGIN IMMEDIATE), so the locked read is current there."""
    if connection.vendor != "postgresql":
        Slot.objects.filter(id__in=slot_ids).update(booked=F("booked") + 1)
        return
    slot_table = connection.ops.quote_name(Slot._meta.db_table)
    holdback_table = connection.ops.quote_name(SlotHoldback._meta.db_table)
    held = (f"(SELECT COUNT(*) FROM {holdback_table} h WHERE h.slot_id = s.id AND h.public_from > %s)"
            if respect_holdback else "0")
    marks = ", ".join(["%s"] * len(slot_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {slot_table} SET booked = booked + 1 WHERE id IN ({marks}) AND NOT EXISTS ("
            f"SELECT 1 FROM {slot_table} s WHERE s.id IN ({marks}) AND s.capacity - s.booked - {held} < 1)",
            [*slot_ids, *slot_ids, *([now] if respect_holdback else [])])
        if cursor.rowcount == 0:
            raise SlotUnavailable(_("Dieser Termin wurde gerade vergeben. Bitte wählen Sie einen anderen."))
        if cursor.rowcount != len(slot_ids):  # all or none by construction
            raise RuntimeError(f"took {cursor.rowcount} of {len(slot_ids)} places")


def booking_hold(*, location: Location, services: list[tuple[int, int]], starts_at: datetime,
                 user: Any = None, offers: dict | None = None) -> tuple[Booking, str]:
    """Hold the places for `location.hold_minutes` while the citizen enters details.
    Returns the booking and a hold token that allows submitting the details (the
    browser keeps it in the session, an API client in memory). `offers` (service id ->
    the location's offer), when the caller read them already, saves a query."""
    if len({service_id for service_id, _ in services}) != len(services):
        raise ValidationError(_("Bitte nennen Sie jede Leistung nur einmal, mit der Zahl der Personen."))
    need = need_at(location, services, offers=offers)
    if need is None:
        raise ValidationError(_("Diese Leistungen werden an diesem Standort nicht angeboten."))
    now = timezone.now()
    earliest = now + timedelta(minutes=location.min_notice_minutes)
    latest = now + timedelta(days=location.booking_window_days)
    if not (earliest <= starts_at <= latest):
        raise SlotUnavailable(_("Dieser Termin liegt außerhalb des Buchungszeitraums."))
    if not transaction.get_connection().in_atomic_block:
        # Its own transaction: a booking code that happens to exist already (one in 10^12
        # per booking, more as bookings accumulate) is retried with a new code.
        for attempt in range(3):
            try:
                return _hold(location=location, services=services, starts_at=starts_at, user=user, need=need,
                             now=now)
            except IntegrityError as exc:
                if attempt == 2 or not is_code_collision(exc):
                    raise
    return _hold(location=location, services=services, starts_at=starts_at, user=user, need=need, now=now)


def is_code_collision(exc: IntegrityError) -> bool:
    """The unique booking code was drawn twice (SQLite and PostgreSQL name the column)."""
    return "code" in str(exc)


def _hold(*, location: Location, services: list[tuple[int, int]], starts_at: datetime, user: Any, need: Need,
          now: datetime) -> tuple[Booking, str]:
    hold_token = secrets.token_urlsafe(24)
    refused = None
    # No savepoint of its own inside a caller's transaction (the API's idempotency
    # record): a refusal leaves the transaction usable and is raised after the block
    # (the expired holds it released stay released); any other error still marks the
    # whole transaction for rollback.
    with transaction.atomic(savepoint=False):
        try:
            slots = _take_places(need, starts_at, now)
        except SlotUnavailable as exc:
            refused = exc
        else:
            booking = Booking.objects.create(
                manage_token_hash=_hash(hold_token),
                code=_new_code(), location=location, starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=need.minutes), status=BookingStatus.HELD,
                expires_at=now + timedelta(minutes=location.hold_minutes),
                user=user if user is not None and user.is_authenticated else None,
                language=translation.get_language() or "de",
            )
            BookingSlot.objects.bulk_create([BookingSlot(booking=booking, slot=s) for s in slots])
            BookingService.objects.bulk_create([
                BookingService(booking=booking, service_id=sid, persons=persons,
                               duration_minutes=need.offers[sid].duration_minutes * persons)
                for sid, persons in services])
            audit_log(actor=user, system="appointments", action="booking.held", subject=booking)
    if refused is not None:
        raise refused
    return booking, hold_token


# WCAG 2.2.1: a time limit the user can extend at least ten times.
HOLD_EXTENSIONS = 10


def booking_hold_extend(*, booking: Booking, hold_token: str) -> Booking:
    """Hold the places for another `hold_minutes` from now, while the citizen is still
    typing. Only a hold that has not run out, and at most HOLD_EXTENSIONS times."""
    now = timezone.now()
    with transaction.atomic():
        booking = lock_one(Booking.objects.select_related("location").filter(pk=booking.pk))
        if not secrets.compare_digest(booking.manage_token_hash, _hash(hold_token or "")):
            raise PermissionDenied
        if booking.status != BookingStatus.HELD or booking.expires_at is None or booking.expires_at <= now:
            raise SlotUnavailable(_("Ihre Reservierung ist abgelaufen. Bitte wählen Sie den Termin erneut."))
        hold = timedelta(minutes=booking.location.hold_minutes)
        new_expiry = now + hold
        if new_expiry > booking.created_at + hold * (HOLD_EXTENSIONS + 1):
            raise ValidationError(_("Die Reservierung kann nicht weiter verlängert werden. Bitte senden Sie Ihre "
                                    "Angaben jetzt ab oder wählen Sie den Termin später erneut."))
        if new_expiry > booking.expires_at:
            booking.expires_at = new_expiry
            booking.save(update_fields=["expires_at"])
            audit_log(actor=None, system="appointments", action="booking.hold_extended", subject=booking,
                      data={"until": new_expiry.isoformat()})
    return booking


def active_bookings_for(*, email: str, user: Any = None, now: datetime | None = None):
    now = now or timezone.now()
    qs = Booking.objects.filter(status__in=ACTIVE_FOR_PERSON, starts_at__gt=now)
    if user is not None and getattr(user, "is_authenticated", False):
        return qs.filter(user=user) | qs.filter(email__iexact=email)
    return qs.filter(email__iexact=email)


def booking_submit_details(*, booking: Booking, hold_token: str, name: str, email: str, phone: str = "",
                           user: Any = None) -> tuple[Booking, str]:
    """Held -> waiting for e-mail confirmation. Returns the booking and the new secret
    manage token, which only the e-mail carries (proof that the address is real)."""
    now = timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        booking = lock_one(Booking.objects.filter(pk=booking.pk))
        if not secrets.compare_digest(booking.manage_token_hash, _hash(hold_token or "")):
            raise PermissionDenied
        if booking.status != BookingStatus.HELD or booking.expires_at is None or booking.expires_at <= now:
            raise SlotUnavailable(_("Ihre Reservierung ist abgelaufen. Bitte wählen Sie den Termin erneut."))
        limit = booking.location.max_active_per_email
        no_shows = Booking.objects.filter(email__iexact=email, status=BookingStatus.NO_SHOW,
                                          starts_at__gte=now - NO_SHOW_PERIOD).count()
        if no_shows >= NO_SHOW_LIMIT:
            limit = 1  # repeat no-shows may hold only one appointment at a time
        if active_bookings_for(email=email, user=user, now=now).exclude(pk=booking.pk).count() >= limit:
            raise ValidationError(ngettext(
                "Sie haben bereits %(n)s offenen Termin. Bitte sagen Sie ihn zuerst ab.",
                "Sie haben bereits %(n)s offene Termine. Bitte sagen Sie zuerst einen ab.", limit) % {"n": limit})
        token = secrets.token_urlsafe(24)
        booking.name, booking.email, booking.phone = name.strip(), email, phone.strip()
        booking.status = BookingStatus.PENDING
        booking.expires_at = now + timedelta(minutes=booking.location.confirm_within_minutes)
        booking.manage_token_hash = _hash(token)
        if user is not None and user.is_authenticated:
            booking.user = user
        booking.save()
        from .notifications import send_confirmation_request

        send_confirmation_request(booking=booking, token=token)
        audit_log(actor=user, system="appointments", action="booking.details_submitted", subject=booking)
    return booking, token


def booking_by_token(*, code: str, token: str) -> Booking | None:
    booking = Booking.objects.select_related("location").filter(code=code.upper()).first()
    if booking is None or not token or not secrets.compare_digest(booking.manage_token_hash, _hash(token)):
        return None
    return booking


def booking_confirm(*, booking: Booking, actor: Any = None, token: str | None = None) -> Booking:
    now = timezone.now()
    with transaction.atomic():
        booking = lock_one(Booking.objects.filter(pk=booking.pk))
        if booking.status == BookingStatus.CONFIRMED:
            return booking
        if booking.status != BookingStatus.PENDING or booking.expires_at is None or booking.expires_at <= now:
            raise SlotUnavailable(_("Die Frist zur Bestätigung ist abgelaufen. Bitte buchen Sie den Termin neu."))
        booking.status = BookingStatus.CONFIRMED
        booking.expires_at = None
        booking.confirmed_at = now
        booking.save(update_fields=["status", "expires_at", "confirmed_at"])
        from .notifications import schedule_reminder, send_confirmed

        send_confirmed(booking=booking, token=token)
        schedule_reminder(booking=booking)
        audit_log(actor=actor, system="appointments", action="booking.confirmed", subject=booking)
    return booking


def booking_cancel(*, booking: Booking, actor: Any = None, notify: bool = True) -> Booking:
    now = timezone.now()
    with transaction.atomic():
        slot_ids = list(booking.booking_slots.values_list("slot_id", flat=True))
        lock_rows(Slot.objects.filter(id__in=slot_ids), "location_id", "starts_at")
        booking = lock_one(Booking.objects.filter(pk=booking.pk))
        if booking.status not in (BookingStatus.HELD, BookingStatus.PENDING, BookingStatus.CONFIRMED):
            raise ValidationError(_("Dieser Termin kann nicht mehr abgesagt werden."))
        if booking.starts_at <= now:
            raise ValidationError(_("Dieser Termin hat bereits begonnen und kann nicht mehr abgesagt werden."))
        if actor is not None and getattr(actor, "is_authenticated", False) and booking.user_id not in (None, actor.pk):
            raise PermissionDenied
        was_confirmed = booking.status == BookingStatus.CONFIRMED
        _release(booking, status=BookingStatus.CANCELLED, now=now, holdback=was_confirmed)
        if was_confirmed:
            from .notifications import send_cancelled
            from .tasks import offer_freed_places

            if notify:
                send_cancelled(booking=booking)
            # The freed place goes to the waiting list first (same transaction: not lost).
            offer_freed_places.enqueue(booking.location_id)
        audit_log(actor=actor, system="appointments", action="booking.cancelled", subject=booking)
    return booking


def release_expired_bookings(*, now: datetime | None = None) -> int:
    """Clean-up job: mark expired holds and unconfirmed bookings as expired. Search and
    booking already ignore them, so this only tidies up."""
    now = now or timezone.now()
    released = 0
    for booking_id in Booking.objects.filter(status__in=[BookingStatus.HELD, BookingStatus.PENDING],
                                             expires_at__lte=now).values_list("id", flat=True)[:1000]:
        with transaction.atomic():
            slot_ids = list(BookingSlot.objects.filter(booking_id=booking_id).values_list("slot_id", flat=True))
            lock_rows(Slot.objects.filter(id__in=slot_ids), "location_id", "starts_at")
            booking = lock_first(Booking.objects.filter(
                id=booking_id, status__in=[BookingStatus.HELD, BookingStatus.PENDING], expires_at__lte=now))
            if booking is not None:
                _expire(booking, now=now)
                released += 1
    return released


def booking_reschedule(*, booking: Booking, starts_at: datetime, actor: Any = None) -> tuple[Booking, str]:
    """Move a confirmed booking to another start at the same location. The old places are
    given back and the new ones taken in one transaction under one ordered lock: if the
    new start is not free, the old booking stays as it was. Returns the new booking and
    its secret manage token (sent by e-mail)."""
    now = timezone.now()
    location = booking.location
    wanted = [(bs.service_id, bs.persons) for bs in booking.booked_services.all()]
    need = need_at(location, wanted)
    if need is None:
        raise ValidationError(_("Diese Leistungen werden an diesem Standort nicht mehr angeboten."))
    earliest = now + timedelta(minutes=location.min_notice_minutes)
    latest = now + timedelta(days=location.booking_window_days)
    if not (earliest <= starts_at <= latest):
        raise SlotUnavailable(_("Dieser Termin liegt außerhalb des Buchungszeitraums."))
    if starts_at == booking.starts_at:
        raise ValidationError(_("Bitte wählen Sie einen anderen Zeitpunkt als den bisherigen."))
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        old_slot_ids = list(booking.booking_slots.values_list("slot_id", flat=True))
        old_holder: dict[str, Booking] = {}

        def release_old() -> None:
            old = lock_one(Booking.objects.filter(pk=booking.pk))
            if old.status != BookingStatus.CONFIRMED:
                raise ValidationError(_("Nur bestätigte Termine können verschoben werden."))
            if old.starts_at <= now:
                raise ValidationError(_("Dieser Termin hat bereits begonnen und kann nicht mehr verschoben werden."))
            if actor is not None and getattr(actor, "is_authenticated", False) and old.user_id not in (None, actor.pk):
                raise PermissionDenied
            _release(old, status=BookingStatus.RESCHEDULED, now=now)
            old_holder["old"] = old

        slots = _take_places(need, starts_at, now, also_lock=old_slot_ids, release_first=release_old)
        old = old_holder["old"]
        freed = set(old_slot_ids) - {s.id for s in slots}
        if freed and location.holdback_minutes:
            public_from = now + timedelta(minutes=location.holdback_minutes)
            SlotHoldback.objects.bulk_create([SlotHoldback(slot_id=i, public_from=public_from) for i in sorted(freed)])
        new = Booking.objects.create(
            manage_token_hash=_hash(token), code=_new_code(), location=location, starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=need.minutes), status=BookingStatus.CONFIRMED,
            confirmed_at=now, user=old.user, name=old.name, email=old.email, phone=old.phone, language=old.language,
            calendar_uid=old.calendar_uid or old.uuid, calendar_sequence=old.calendar_sequence + 1)
        old.moved_to = new
        old.save(update_fields=["moved_to"])
        BookingSlot.objects.bulk_create([BookingSlot(booking=new, slot=s) for s in slots])
        BookingService.objects.bulk_create([
            BookingService(booking=new, service_id=bs.service_id, persons=bs.persons, duration_minutes=bs.duration_minutes)
            for bs in old.booked_services.all()])
        from .notifications import schedule_reminder, send_rescheduled
        from .tasks import offer_freed_places

        send_rescheduled(booking=new, previous=old, token=token)
        schedule_reminder(booking=new)
        if freed:
            offer_freed_places.enqueue(location.pk)  # the old places go to the waiting list first
        audit_log(actor=actor, system="appointments", action="booking.rescheduled", subject=new,
                  data={"previous": old.code})
    return new, token
