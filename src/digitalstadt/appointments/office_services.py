"""Office admins change locations, services, counters, opening hours and closures.

Slots are regenerated after each change. A change never silently drops booked
appointments: bookings that no longer fit are listed, and staff decide to notify and
cancel them (the citizens get an explanation and a link to book again)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from digitalstadt.core.audit import audit_log

from .models import AlternativeOffer, Booking, BookingStatus, Closure, DateRule, Location, OfferStatus
from .schedule import capacity_by_start, ensure_slots, public_holidays


def affected_bookings(*, location: Location, extra_rule: DateRule | None = None) -> list[Booking]:
    """Upcoming bookings that no longer fit: their start lies outside the opening hours
    (closure, changed hours) or their slot has fewer counters than bookings (the
    bookings made last are the ones that do not fit). `extra_rule` is a date rule not
    saved yet: the preview shows what it would do, without saving anything."""
    now = timezone.now()
    upcoming = Booking.objects.filter(location=location, starts_at__gt=now,
                                      status__in=[BookingStatus.CONFIRMED, BookingStatus.PENDING])
    hours = list(location.opening_hours.all())
    today = timezone.localdate()
    closures = list(Closure.objects.filter(location=location, ends_on__gte=today))
    rules = list(DateRule.objects.filter(location=location, ends_on__gte=today))
    if extra_rule is not None:
        rules.append(extra_rule)
    result = []
    cache: dict = {}
    used: dict = {}
    feiertage = public_holidays(range(today.year, today.year + 2))
    step = timedelta(minutes=location.slot_minutes)
    for booking in upcoming.order_by("created_at", "pk"):
        day = timezone.localdate(booking.starts_at)
        if day not in cache:
            closed = day in feiertage or any(c.starts_on <= day <= c.ends_on for c in closures)
            cache[day] = capacity_by_start(location, day, hours=hours, closed=closed, rules=rules)
        capacity = cache[day]
        units = []
        t = booking.starts_at
        while t < booking.ends_at:
            units.append(timezone.localtime(t))
            t += step
        if all(used.get(u, 0) < capacity.get(u, 0) for u in units):
            for u in units:
                used[u] = used.get(u, 0) + 1
        else:
            result.append(booking)
    return sorted(result, key=lambda b: (b.starts_at, b.pk))


def location_changed(*, location: Location, actor: Any, what: str) -> dict:
    result = ensure_slots(location=location, actor=actor)
    audit_log(actor=actor, action=f"appointments.{what}", subject=location, data=result)
    return result


def cancel_affected(*, location: Location, bookings: list[Booking], actor: Any, reason: str) -> int:
    from .notifications import send_cancelled_by_office
    from .services import booking_cancel

    count = 0
    for booking in bookings:
        with transaction.atomic():
            cancelled = booking_cancel(booking=booking, actor=None, notify=False)
            send_cancelled_by_office(booking=cancelled, reason=reason)
            audit_log(actor=actor, action="appointments.cancelled_by_office", subject=cancelled)
            count += 1
    ensure_slots(location=location, actor=actor)
    return count


# --- Date rules with impact first: preview, a decision per booking, confirmation ---

KEEP, MOVE, CANCEL = "keep", "move", "cancel"
CHOICES = (KEEP, MOVE, CANCEL)


def _services_of(booking: Booking) -> list[tuple[int, int]]:
    return [(bs.service_id, bs.persons) for bs in booking.booked_services.all()]


def propose_alternative(*, booking: Booking, rule: DateRule, taken: set | None = None) -> Any:
    """The earliest free start for the same services that is not on a day the rule
    changes (and not already proposed to another booking of this change)."""
    from .selectors import free_starts, need_at

    need = need_at(booking.location, _services_of(booking))
    if need is None:
        return None
    taken = taken or set()
    after = timezone.now() + timedelta(minutes=booking.location.min_notice_minutes)
    for start in free_starts(need, limit=200, after=after):
        if not rule.covers(timezone.localdate(start)) and start not in taken:
            return start
    return None


def preview_date_rule(*, location: Location, rule: DateRule) -> list[dict]:
    """What the rule would do, nothing saved and nothing sent: each booking that would
    no longer fit, with a proposed alternative start."""
    rows = []
    taken: set = set()
    for booking in affected_bookings(location=location, extra_rule=rule):
        alternative = propose_alternative(booking=booking, rule=rule, taken=taken)
        if alternative is not None:
            taken.add(alternative)
        rows.append({"booking": booking, "alternative": alternative})
    return rows


def validate_decisions(*, preview: list[dict], decisions: dict[int, str]) -> dict[int, str]:
    """Every booking of the preview needs one choice; ids outside the preview are refused."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    ids = {row["booking"].pk for row in preview}
    unknown = set(decisions) - ids
    if unknown:
        raise ValidationError(_("Diese Auswahl gehört nicht zur Vorschau. Bitte prüfen Sie die Änderung erneut."))
    missing = ids - set(decisions)
    if missing:
        raise ValidationError(_("Bitte wählen Sie für jeden betroffenen Termin, was geschehen soll."))
    if any(choice not in CHOICES for choice in decisions.values()):
        raise ValidationError(_("Diese Auswahl gibt es nicht."))
    for row in preview:
        if decisions[row["booking"].pk] == MOVE and row["alternative"] is None:
            raise ValidationError(_("Für %(code)s gibt es keinen freien Ersatztermin. Bitte wählen Sie "
                                    "„behalten“ oder „absagen“.") % {"code": row["booking"].code})
    return decisions


def apply_date_rule(*, location: Location, rule: DateRule, decisions: dict[int, str], actor: Any) -> dict:
    """The admin confirmed: save the rule, regenerate the slots, then per booking keep
    it, hold the alternative start and offer it (e-mail and Postfach), or cancel it with
    the reason. Nothing of this happens before this call."""
    from .notifications import send_alternative_offer, send_cancelled_by_office
    from .services import SlotUnavailable, booking_cancel, booking_hold

    preview = preview_date_rule(location=location, rule=rule)
    validate_decisions(preview=preview, decisions=decisions)
    counts = {KEEP: 0, MOVE: 0, CANCEL: 0}
    with transaction.atomic():
        rule.location = location
        rule.created_by = actor if getattr(actor, "is_authenticated", False) else None
        rule.save()
        audit_log(actor=actor, action="appointments.date_rule_added", subject=location, data={
            "rule": rule.pk, "starts_on": rule.starts_on.isoformat(), "ends_on": rule.ends_on.isoformat(),
            "opens": rule.opens.strftime("%H:%M") if rule.opens else "",
            "closes": rule.closes.strftime("%H:%M") if rule.closes else "", "counters": rule.counters,
            "reason": rule.reason_de, "keep": sum(1 for c in decisions.values() if c == KEEP),
            "move": sum(1 for c in decisions.values() if c == MOVE),
            "cancel": sum(1 for c in decisions.values() if c == CANCEL)})
    ensure_slots(location=location, actor=actor)
    taken: set = set()
    for row in preview:
        booking, choice = row["booking"], decisions[row["booking"].pk]
        if choice == KEEP:
            audit_log(actor=actor, action="appointments.kept_by_office", subject=booking)
            counts[KEEP] += 1
            continue
        if choice == MOVE:
            offer = None
            candidates = [row["alternative"]]
            for _attempt in range(3):
                start = candidates[-1]
                if start is None:
                    break
                try:
                    with transaction.atomic():
                        held, _token = booking_hold(location=location, services=_services_of(booking),
                                                    starts_at=start, user=booking.user)
                        # The place stays held for the citizen until the original appointment.
                        held.expires_at = max(booking.starts_at, timezone.now() + timedelta(days=1))
                        held.name, held.email, held.phone, held.language = (
                            booking.name, booking.email, booking.phone, booking.language)
                        held.save(update_fields=["expires_at", "name", "email", "phone", "language"])
                        offer = AlternativeOffer.objects.create(original=booking, held=held, reason=rule.reason_de)
                        send_alternative_offer(offer=offer)
                        audit_log(actor=actor, action="appointments.alternative_offered", subject=booking,
                                  data_subject=booking.user, data={"held": held.code})
                    taken.add(start)
                    break
                except SlotUnavailable:
                    taken.add(start)
                    candidates.append(propose_alternative(booking=booking, rule=rule, taken=taken))
            if offer is not None:
                counts[MOVE] += 1
                continue
            # No free place any more: the booking is cancelled with the reason instead.
        with transaction.atomic():
            cancelled = booking_cancel(booking=booking, actor=None, notify=False)
            send_cancelled_by_office(booking=cancelled, reason=rule.reason_de)
            audit_log(actor=actor, action="appointments.cancelled_by_office", subject=cancelled)
        counts[CANCEL] += 1
    return counts


def alternative_accept(*, offer: AlternativeOffer, user: Any = None) -> Booking:
    """One click by the citizen: the held start becomes the confirmed appointment, the
    original one is given back. Both bookings' slot rows are locked in one ordered call
    (core.locking), so the place cannot be taken twice."""
    import secrets

    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext as _

    from digitalstadt.core.locking import lock_one, lock_rows

    from .models import BookingSlot, Slot
    from .services import _hash, _release

    now = timezone.now()
    with transaction.atomic():
        offer = lock_one(AlternativeOffer.objects.filter(pk=offer.pk))
        slot_ids = list(BookingSlot.objects.filter(booking_id__in=[offer.original_id, offer.held_id])
                        .values_list("slot_id", flat=True))
        lock_rows(Slot.objects.filter(id__in=slot_ids), "location_id", "starts_at")
        original = lock_one(Booking.objects.filter(pk=offer.original_id))
        held = lock_one(Booking.objects.filter(pk=offer.held_id))
        if user is not None and getattr(user, "is_authenticated", False) and original.user_id not in (None, user.pk):
            raise PermissionDenied
        if offer.status == OfferStatus.ACCEPTED:
            return held
        if (held.status != BookingStatus.HELD or held.expires_at is None or held.expires_at <= now
                or original.status not in (BookingStatus.CONFIRMED, BookingStatus.PENDING)):
            raise ValidationError(_("Dieses Angebot gilt nicht mehr. Bitte buchen Sie einen neuen Termin."))
        _release(original, status=BookingStatus.RESCHEDULED, now=now)
        token = secrets.token_urlsafe(24)
        held.status = BookingStatus.CONFIRMED
        held.expires_at = None
        held.confirmed_at = now
        held.manage_token_hash = _hash(token)
        held.calendar_uid = original.calendar_uid or original.uuid
        held.calendar_sequence = original.calendar_sequence + 1
        held.save(update_fields=["status", "expires_at", "confirmed_at", "manage_token_hash", "calendar_uid",
                                 "calendar_sequence"])
        original.moved_to = held
        original.save(update_fields=["moved_to"])
        offer.status = OfferStatus.ACCEPTED
        offer.accepted_at = now
        offer.save(update_fields=["status", "accepted_at"])
        from .notifications import schedule_reminder, send_rescheduled

        send_rescheduled(booking=held, previous=original, token=token)
        schedule_reminder(booking=held)
        audit_log(actor=user, system="appointments", action="appointments.alternative_accepted", subject=held,
                  data_subject=held.user, data={"previous": original.code})
    return held


def remove_date_rule(*, location: Location, rule: DateRule, actor: Any) -> None:
    data = {"rule": rule.pk, "starts_on": rule.starts_on.isoformat(), "ends_on": rule.ends_on.isoformat(),
            "counters": rule.counters, "reason": rule.reason_de}
    rule.delete()
    ensure_slots(location=location, actor=actor)
    audit_log(actor=actor, action="appointments.date_rule_removed", subject=location, data=data)


HISTORY_ACTIONS_PREFIX = "appointments."


def settings_history(*, location: Location, limit: int = 100):
    """Who changed this location's settings, what and when (the audit entries whose
    subject is the location), newest first."""
    from digitalstadt.core.models import AuditEntry

    return (AuditEntry.objects.filter(subject_type=location._meta.label_lower, subject_id=str(location.pk))
            .exclude(action="appointments.slots_generated").select_related("actor").order_by("-created_at", "-pk")[:limit])
