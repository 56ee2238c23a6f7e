"""Waiting list: first come, first served. A place freed by a cancellation is held
back from the public (SlotHoldback) and offered exclusively to the oldest matching
entry as a booking awaiting confirmation by e-mail; when the offer expires the next
entry gets it; after the hold-back period the place is public again."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.urls_helpers import absolute_url

from .models import (
    Booking,
    BookingService,
    BookingSlot,
    BookingStatus,
    Location,
    Slot,
    SlotHoldback,
    WaitlistEntry,
    WaitlistStatus,
)
from .selectors import Need, capacity_adjustments, need_at

MAX_ACTIVE_ENTRIES = 3


def waitlist_join(*, user: Any, location: Location, services: list[tuple[int, int]], latest_date: date) -> WaitlistEntry:
    if need_at(location, services) is None:
        raise ValidationError(_("Diese Leistungen werden an diesem Standort nicht angeboten."))
    if latest_date < timezone.localdate():
        raise ValidationError(_("Bitte wählen Sie ein Datum in der Zukunft."))
    active = WaitlistEntry.objects.filter(user=user, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED])
    if active.count() >= MAX_ACTIVE_ENTRIES:
        raise ValidationError(_("Sie stehen bereits auf %(n)s Wartelisten.") % {"n": MAX_ACTIVE_ENTRIES})
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(location=location, user=user, services=[list(s) for s in services],
                                             latest_date=latest_date)
        audit_log(actor=user, action="waitlist.joined", subject=entry)
    return entry


def waitlist_leave(*, user: Any, entry: WaitlistEntry) -> None:
    if entry.user_id != user.pk:
        raise ValidationError(_("Dieser Eintrag gehört nicht zu Ihrem Konto."))
    with transaction.atomic():
        WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistStatus.WAITING).update(status=WaitlistStatus.CANCELLED)
        audit_log(actor=user, action="waitlist.left", subject=entry)


def _held_back_starts(need: Need, now) -> list:
    """Starts where the whole need fits into places that are free when held-back
    places are included, and at least one unit is a held-back place (a freed place)."""
    location = need.location
    adjust = capacity_adjustments(location, now)
    held = set(SlotHoldback.objects.filter(slot__location=location, public_from__gt=now).values_list("slot_id", flat=True))
    if not held:
        return []
    earliest = now + timedelta(minutes=location.min_notice_minutes)
    step = timedelta(minutes=location.slot_minutes)
    rows = list(Slot.objects.filter(location=location, starts_at__gte=earliest).order_by("starts_at")
                .values_list("id", "starts_at", "capacity", "booked"))
    starts, run = [], []
    for slot_id, starts_at, capacity, booked in rows:
        # Held-back places count as free here (they are negative in `adjust`).
        free = capacity - booked + max(adjust.get(slot_id, 0), 0)
        if free <= 0:
            run = []
            continue
        if run and starts_at != run[-1][1] + step:
            run = []
        run.append((slot_id, starts_at))
        if len(run) >= need.units:
            window = run[-need.units:]
            if any(slot_id in held for slot_id, _start in window):
                starts.append(window[0][1])
    return starts


def _expire_offers(location: Location, now) -> None:
    """Offers not confirmed in time: the entry expires, the place is held back again
    for the next entry."""
    from .services import _release

    for entry in WaitlistEntry.objects.filter(location=location, status=WaitlistStatus.OFFERED).select_related(
            "offer_booking"):
        booking = entry.offer_booking
        if booking is not None and booking.status == BookingStatus.CONFIRMED:
            entry.status = WaitlistStatus.BOOKED
            entry.save(update_fields=["status"])
        elif booking is None or booking.status != BookingStatus.PENDING or (booking.expires_at and booking.expires_at <= now):
            with transaction.atomic():
                if booking is not None and booking.status == BookingStatus.PENDING:
                    slot_ids = list(BookingSlot.objects.filter(booking=booking).values_list("slot_id", flat=True))
                    from digitalstadt.core.locking import lock_rows

                    lock_rows(Slot.objects.filter(id__in=slot_ids), "location_id", "starts_at")
                    _release(booking, status=BookingStatus.EXPIRED, now=now, holdback=True)
                entry.status = WaitlistStatus.EXPIRED
                entry.save(update_fields=["status"])
                audit_log(actor=None, system="waitlist", action="waitlist.offer_expired", subject=entry)


def waitlist_offer_places(*, location_id: int) -> int:
    """Offer held-back places to waiting entries in order; returns offers made."""
    from .services import SlotUnavailable, _hash, _new_code, _take_places
    from .tasks import offer_freed_places

    location = Location.objects.get(pk=location_id)
    now = timezone.now()
    _expire_offers(location, now)
    offers = 0
    for entry in WaitlistEntry.objects.filter(location=location, status=WaitlistStatus.WAITING).select_related("user"):
        need = need_at(location, [tuple(s) for s in entry.services])
        if need is None:
            continue
        candidates = [s for s in _held_back_starts(need, now) if timezone.localdate(s) <= entry.latest_date]
        for starts_at in candidates:
            token = secrets.token_urlsafe(24)
            try:
                with transaction.atomic():
                    slots = _take_places(need, starts_at, now, use_holdback=True)
                    expires = now + timedelta(minutes=location.waitlist_offer_minutes)
                    booking = Booking.objects.create(
                        code=_new_code(), location=location, starts_at=starts_at,
                        ends_at=starts_at + timedelta(minutes=need.minutes), status=BookingStatus.PENDING,
                        expires_at=expires, user=entry.user, name=entry.user.get_full_name() or entry.user.email,
                        email=entry.user.email, language=entry.user.language, manage_token_hash=_hash(token))
                    BookingSlot.objects.bulk_create([BookingSlot(booking=booking, slot=s) for s in slots])
                    offers_by_service = {o.service_id: o for o in location.offered_services.all()}
                    BookingService.objects.bulk_create([
                        BookingService(booking=booking, service_id=sid, persons=persons,
                                       duration_minutes=offers_by_service[sid].duration_minutes * persons)
                        for sid, persons in entry.services])
                    entry.status = WaitlistStatus.OFFERED
                    entry.offer_booking = booking
                    entry.offered_at = now
                    entry.save(update_fields=["status", "offer_booking", "offered_at"])
                    _send_offer(booking=booking, token=token)
                    # Look again when the offer runs out, for the next entry.
                    offer_freed_places.using(run_after=expires + timedelta(seconds=5)).enqueue(location.pk)
                    audit_log(actor=None, system="waitlist", action="waitlist.offered", subject=entry)
            except SlotUnavailable:
                continue
            offers += 1
            break
    return offers


def _send_offer(*, booking: Booking, token: str) -> None:
    from digitalstadt.mailbox.services import outbox_enqueue_template
    from django.conf import settings

    with translation.override(booking.language):
        link = absolute_url("appointments:manage", kwargs={"code": booking.code}) + f"?t={token}"
    outbox_enqueue_template(
        to=booking.email, template_prefix="appointments/email/waitlist_offer", language=booking.language,
        context={"booking": booking, "location": booking.location, "link": link,
                 "platform_name": settings.PLATFORM_NAME}, purpose="appointments:waitlist_offer")
