"""Street parking (Handyparken): saved vehicles, sessions (start, extend, stop), the
reminder before the paid time or the maximum stay ends, and the monthly bill. Every
write is one transaction with an audit entry; sessions of a driver are started one at
a time (the driver's row is locked), and a start token makes a double click start one
session, not two."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows, race_window

from .models import ParkingSession, PlateLock, SessionStatus, StreetZone, Vehicle
from .plates import PlateError, parse_plate
from .street_pricing import MAX_SESSION_MINUTES, charged_end, quote
from .street_providers import provider_in_use, street_parking_providers
from .street_selectors import REMINDER_MINUTES, tariff_specs, zone_tariff_now

__all__ = ["VoucherCover", "enforcement_check_audited", "street_session_extend", "street_session_remind", "street_session_start",
           "street_session_stop", "street_sessions_finish_expired", "street_statement_close",
           "vehicle_add", "vehicle_remove", "voucher_cover", "voucher_redeem_for_session"]

MAX_VEHICLES = 10
FINISH_BATCH = 5000


def _plate(value: str) -> str:
    try:
        return parse_plate(value).display
    except PlateError as exc:
        raise ValidationError(str(exc)) from None


# --- vehicles ------------------------------------------------------------------------


def vehicle_add(*, owner: Any, plate: str, label: str = "") -> Vehicle:
    display = _plate(plate)
    with transaction.atomic():
        lock_rows(get_user_model().objects.filter(pk=owner.pk))
        existing = Vehicle.objects.filter(owner=owner, plate_normalised=parse_plate(display).canonical).first()
        if existing is not None:
            return existing
        if Vehicle.objects.filter(owner=owner).count() >= MAX_VEHICLES:
            raise ValidationError(_("Sie können höchstens %(n)d Kennzeichen speichern.") % {"n": MAX_VEHICLES})
        vehicle = Vehicle.objects.create(owner=owner, plate=display, label=label.strip()[:40])
        audit_log(actor=owner, action="parking.vehicle_added", subject=vehicle, data_subject=owner,
                  data={"plate": display})
    return vehicle


def vehicle_remove(*, owner: Any, vehicle_id: int) -> None:
    with transaction.atomic():
        vehicle = Vehicle.objects.filter(owner=owner, pk=vehicle_id).first()
        if vehicle is None:
            raise PermissionDenied
        audit_log(actor=owner, action="parking.vehicle_removed", subject=vehicle, data_subject=owner,
                  data={"plate": vehicle.plate})
        vehicle.delete()


# --- vouchers ------------------------------------------------------------------------


@dataclass(frozen=True)
class VoucherCover:
    code: str
    minutes: int
    amount_cents: int


def voucher_cover(*, code: str, zone: StreetZone, starts_at: dt.datetime, ends_at: dt.datetime) -> VoucherCover:
    """What a park & shop voucher covers of a session from `starts_at` to `ends_at`: its
    minutes of charged time (after the free minutes), but never more than its value —
    fewer minutes when the zone is dearer than the shop's voucher pays for. Reads only;
    a used, expired or unknown code raises ValidationError with the reason."""
    from .voucher_services import VoucherRefused, voucher_validate

    try:
        voucher = voucher_validate(code=code, now=starts_at)
    except VoucherRefused as exc:
        raise ValidationError(exc.message) from None
    tariffs = tariff_specs(zone=zone)
    full = quote(tariffs=tariffs, start=starts_at, end=ends_at).cents

    def saving(minutes: int) -> int:
        return full - quote(tariffs=tariffs, start=starts_at, end=ends_at, voucher_minutes=minutes).cents

    minutes = voucher.minutes
    if saving(minutes) > voucher.max_value_cents:
        low, high = 0, minutes  # saving(low) <= value < saving(high); saving grows with minutes
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if saving(middle) <= voucher.max_value_cents else (low, middle)
        minutes = low
    amount = saving(minutes)
    if amount <= 0:
        raise ValidationError(_("Dieser Parkgutschein spart bei diesem Parkvorgang nichts (die Zeit ist kostenlos). "
                                "Er wird nicht eingelöst und bleibt gültig."))
    return VoucherCover(code=voucher.code, minutes=minutes, amount_cents=amount)


def voucher_redeem_for_session(*, cover: VoucherCover, session: ParkingSession, user: Any,
                               now: dt.datetime) -> None:
    """Redeem the voucher for a session being started, inside the start's transaction
    (a refusal rolls the start back): the shop's budget is charged what the covered
    minutes would have cost."""
    from .voucher_services import VoucherRefused, voucher_redeem

    try:
        voucher_redeem(code=cover.code, channel="street", amount_cents=cover.amount_cents,
                       session_ref=str(session.pk), actor=user, now=now)
    except VoucherRefused as exc:
        raise ValidationError(exc.message) from None


# --- sessions ------------------------------------------------------------------------


def _own_session(*, user: Any, session_id: int) -> ParkingSession:
    found = lock_rows(ParkingSession.objects.filter(pk=session_id).select_related("zone"))
    if not found or found[0].user_id != getattr(user, "pk", None):
        raise PermissionDenied
    return found[0]


def _check_max_stay(*, zone: StreetZone, start: dt.datetime, end: dt.datetime) -> None:
    tariffs = tariff_specs(zone=zone)
    tariff = zone_tariff_now(tariffs, start)
    if tariff is None or tariff.max_stay_minutes is None:
        return
    latest = charged_end(tariffs=tariffs, start=start, charged_minutes=tariff.max_stay_minutes, limit=end)
    if latest < end:
        raise ValidationError(_("In dieser Zone dürfen Sie höchstens %(minutes)d Minuten parken; Ihre Parkzeit "
                                "kann bis %(end)s gehen.")
                              % {"minutes": tariff.max_stay_minutes,
                                 "end": formats.date_format(timezone.localtime(latest), "SHORT_DATETIME_FORMAT")})


def _schedule_reminder(session: ParkingSession, now: dt.datetime) -> None:
    due = session.ends_at - dt.timedelta(minutes=REMINDER_MINUTES)
    if due <= now:
        session.reminder_due_at = None
        return
    session.reminder_due_at = due
    session.reminder_sent_at = None
    from .street_tasks import remind_street_session

    remind_street_session.using(run_after=due).enqueue(session.pk, due.isoformat())


def street_session_start(*, user: Any, zone_id: int, plate: str, minutes: int, start_token: str,
                         voucher_code: str = "", now: dt.datetime | None = None) -> ParkingSession:
    """Start parking now for `minutes` (the paid time; extend or stop later). The same
    `start_token` (one per confirmation page) returns the session it started."""
    now = now or timezone.now()
    display = _plate(plate)
    if not start_token or len(start_token) > 64:
        raise ValidationError(_("Bitte bestätigen Sie den Parkvorgang noch einmal."))
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_SESSION_MINUTES:
        raise ValidationError(_("Bitte wählen Sie eine Parkdauer."))
    zone = StreetZone.objects.filter(pk=zone_id, active=True).first()
    if zone is None:
        raise ValidationError(_("Diese Parkzone gibt es nicht."))
    end = now + dt.timedelta(minutes=minutes)
    canonical = parse_plate(display).canonical
    # The plate's lock row exists before the transaction (made in its own, so that two
    # first starts of a plate do not wait on each other's insert), and is locked in it.
    PlateLock.objects.get_or_create(plate_normalised=canonical)
    try:
        with transaction.atomic():
            lock_rows(get_user_model().objects.filter(pk=user.pk))
            again = ParkingSession.objects.filter(user=user, start_token=start_token).first()
            if again is not None:
                return again
            # one running session per car, whichever account starts it (lock order: the
            # driver, then the plate)
            lock_rows(PlateLock.objects.filter(plate_normalised=canonical))
            running = ParkingSession.objects.filter(plate_normalised=canonical, status=SessionStatus.ACTIVE,
                                                    ends_at__gt=now).select_related("zone").first()
            if running is not None:
                raise ValidationError(_("Für %(plate)s läuft schon ein Parkvorgang (Zone %(zone)s). Verlängern oder "
                                        "beenden Sie ihn.") % {"plate": display, "zone": running.zone.code})
            _check_max_stay(zone=zone, start=now, end=end)
            race_window("parking.street_session_start")
            provider = provider_in_use()
            session = ParkingSession(user=user, zone=zone, provider=provider.id, plate=display, started_at=now,
                                     ends_at=end, start_token=start_token)
            cover = None
            if voucher_code.strip():
                cover = voucher_cover(code=voucher_code.strip(), zone=zone, starts_at=now, ends_at=end)
                session.voucher_code, session.voucher_minutes = cover.code, cover.minutes
                free = quote(tariffs=tariff_specs(zone=zone), start=now, end=end).free_minutes
                session.voucher_until = charged_end(tariffs=tariff_specs(zone=zone), start=now,
                                                    charged_minutes=free + cover.minutes, limit=end)
            session.quoted_cents = quote(tariffs=tariff_specs(zone=zone), start=now, end=end,
                                         voucher_minutes=session.voucher_minutes or 0).cents
            session.save()
            if cover is not None:
                voucher_redeem_for_session(cover=cover, session=session, user=user, now=now)
            session.provider_reference = provider.start(session=session)[:64]
            _schedule_reminder(session, now)
            session.save(update_fields=["provider_reference", "reminder_due_at", "reminder_sent_at"])
            Vehicle.objects.filter(owner=user, plate_normalised=canonical).update(last_used_at=now)
            audit_log(actor=user, action="parking.street_session_started", subject=session, data_subject=user,
                      data={"zone": zone.code, "plate": display, "ends_at": end.isoformat(),
                            "quoted_cents": session.quoted_cents, "voucher": session.voucher_code})
    except IntegrityError:
        # a concurrent click with the same token won (the unique constraint is the last guard)
        again = ParkingSession.objects.filter(user=user, start_token=start_token).first()
        if again is None:
            raise
        return again
    return session


def street_session_extend(*, user: Any, session_id: int, minutes: int,
                          now: dt.datetime | None = None) -> ParkingSession:
    now = now or timezone.now()
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_SESSION_MINUTES:
        raise ValidationError(_("Bitte wählen Sie, um wie viel Sie verlängern."))
    with transaction.atomic():
        session = _own_session(user=user, session_id=session_id)
        if session.status != SessionStatus.ACTIVE or session.ends_at <= now:
            raise ValidationError(_("Dieser Parkvorgang ist beendet. Starten Sie einen neuen."))
        before = session.ends_at
        end = before + dt.timedelta(minutes=minutes)
        if end - session.started_at > dt.timedelta(minutes=MAX_SESSION_MINUTES):
            raise ValidationError(_("Ein Parkvorgang kann höchstens eine Woche dauern."))
        _check_max_stay(zone=session.zone, start=session.started_at, end=end)
        session.ends_at = end
        session.quoted_cents = quote(tariffs=tariff_specs(zone=session.zone), start=session.started_at, end=end,
                                     voucher_minutes=session.voucher_minutes or 0).cents
        street_parking_providers.registered(session.provider).extend(session=session)
        _schedule_reminder(session, now)
        session.save(update_fields=["ends_at", "quoted_cents", "reminder_due_at", "reminder_sent_at"])
        audit_log(actor=user, action="parking.street_session_extended", subject=session, data_subject=user,
                  data={"ends_at_before": before.isoformat(), "ends_at": end.isoformat(),
                        "quoted_cents": session.quoted_cents})
    return session


def _finish(session: ParkingSession, end: dt.datetime) -> None:
    session.ends_at = max(end, session.started_at)
    session.stopped_at = end
    session.status = SessionStatus.STOPPED
    session.amount_cents = quote(tariffs=tariff_specs(zone=session.zone), start=session.started_at,
                                 end=session.ends_at, voucher_minutes=session.voucher_minutes or 0).cents
    session.reminder_due_at = None
    street_parking_providers.registered(session.provider).stop(session=session)
    session.save(update_fields=["ends_at", "stopped_at", "status", "amount_cents", "reminder_due_at"])
    if session.voucher_code:
        _voucher_settle(session)


def _voucher_settle(session: ParkingSession) -> None:
    """The shop pays what its voucher really saved: the price of the time parked
    without the voucher minus the price with it. The start charged the planned time;
    the difference goes back to the shop's budget (in the stop's transaction)."""
    from .models import Redemption
    from .voucher_services import voucher_redemption_adjust

    redemption = (Redemption.unscoped_objects.filter(channel="street", session_ref=str(session.pk),
                                                     voucher__code=session.voucher_code)
                  .values_list("pk", flat=True).first())
    if redemption is None:
        return
    full = quote(tariffs=tariff_specs(zone=session.zone), start=session.started_at, end=session.ends_at).cents
    voucher_redemption_adjust(redemption_id=redemption, amount_cents=max(full - (session.amount_cents or 0), 0),
                              reason="street_session_stopped")


def street_session_stop(*, user: Any, session_id: int, now: dt.datetime | None = None) -> ParkingSession:
    """Stop now: the price is that of the minutes really parked (at most the paid
    time); it is booked on the driver's account for the monthly bill. Stopping twice
    changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _own_session(user=user, session_id=session_id)
        if session.status == SessionStatus.STOPPED:
            return session
        _finish(session, min(now, session.ends_at))
        audit_log(actor=user, action="parking.street_session_stopped", subject=session, data_subject=user,
                  data={"ends_at": session.ends_at.isoformat(), "amount_cents": session.amount_cents})
    return session


def street_sessions_finish_expired(*, now: dt.datetime | None = None) -> int:
    """Sessions whose paid time ran out without a stop end at their paid end (a job).
    Works in batches until none is left: the monthly bill runs right after it."""
    now = now or timezone.now()
    count, after = 0, 0
    while True:
        batch = list(ParkingSession.objects.filter(status=SessionStatus.ACTIVE, ends_at__lte=now, pk__gt=after)
                     .order_by("pk").values_list("pk", flat=True)[:FINISH_BATCH])
        if not batch:
            return count
        after = batch[-1]
        count += sum(_finish_expired_one(session_id) for session_id in batch)


def _finish_expired_one(session_id: int) -> int:
    with transaction.atomic():
        session = lock_rows(ParkingSession.objects.filter(pk=session_id).select_related("zone"))[0]
        if session.status != SessionStatus.ACTIVE:
            return 0
        _finish(session, session.ends_at)
        audit_log(actor=None, system="parking", action="parking.street_session_stopped", subject=session,
                  data_subject=session.user, data={"ends_at": session.ends_at.isoformat(),
                                                   "amount_cents": session.amount_cents, "expired": True})
    return 1


def street_session_remind(*, session_id: int, due: dt.datetime, now: dt.datetime | None = None) -> bool:
    """The reminder shortly before the paid time (or the maximum stay) ends: an e-mail
    through the outbox and a notice on the session page. Safe to run twice; a reminder
    made stale by an extension does nothing (the extension queued a new one)."""
    from digitalstadt.mailbox.services import outbox_enqueue_template

    now = now or timezone.now()
    with transaction.atomic():
        found = lock_rows(ParkingSession.objects.filter(pk=session_id).select_related("zone", "user"), of=("self",))
        if not found:
            return False
        session = found[0]
        if (session.status != SessionStatus.ACTIVE or session.reminder_sent_at is not None
                or session.reminder_due_at != due or session.ends_at <= now or session.user is None):
            return False
        session.reminder_sent_at = now
        session.save(update_fields=["reminder_sent_at"])
        language = getattr(session.user, "language", "") or settings.LANGUAGE_CODE
        outbox_enqueue_template(to=session.user.email, template_prefix="parking/email/street_reminder",
                                context={"session": session, "ends_at": timezone.localtime(session.ends_at),
                                         "site_url": getattr(settings, "SITE_URL", ""),
                                         "platform_name": settings.PLATFORM_NAME},
                                language=language, purpose="parking.street_reminder")
        audit_log(actor=None, system="parking", action="parking.street_reminder_sent", subject=session,
                  data_subject=session.user, data={"ends_at": session.ends_at.isoformat()})
    return True


def street_statement_close(*, user: Any, year: int, month: int, actor: Any = None) -> Any:
    """The monthly bill of a driver's account: one payment (payments provider registry,
    setting STREET_PARKING_PAYMENT_PROVIDER, default "giro") for the month's ended
    sessions not billed yet. None when nothing is owed. Run for the past month by a job.

    Every ended, unbilled session that started before the end of the month is on it,
    with no lower bound: a session that was still running when an earlier month's job
    ran (started 31 January 23:30, stopped 1 February 04:30) comes on the next bill
    instead of being lost."""
    from digitalstadt.payments.services import payment_create

    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationError(_("Diesen Monat gibt es nicht."))
    end = timezone.make_aware(dt.datetime(year + (month == 12), month % 12 + 1, 1))
    with transaction.atomic():
        lock_rows(get_user_model().objects.filter(pk=user.pk))
        sessions = list(ParkingSession.objects.filter(user=user, status=SessionStatus.STOPPED, started_at__lt=end, payment_reference="",
                                                      amount_cents__gt=0))
        total = sum(s.amount_cents for s in sessions)
        if not total:
            return None
        payment = payment_create(
            amount_cents=total, purpose=_("Handyparken %(month)02d/%(year)d") % {"month": month, "year": year},
            regarding=f"parking.street_statement:{user.pk}:{year}-{month:02d}", payer=user, actor=actor,
            provider=getattr(settings, "STREET_PARKING_PAYMENT_PROVIDER", "giro"))
        ParkingSession.objects.filter(pk__in=[s.pk for s in sessions]).update(payment_reference=payment.reference)
        audit_log(actor=actor, system="" if actor else "parking", action="parking.street_statement_closed",
                  subject=payment, data_subject=user, data={"month": f"{year}-{month:02d}", "sessions": len(sessions),
                                                            "amount_cents": total})
    return payment


# --- enforcement -----------------------------------------------------------------------


def enforcement_check_audited(*, plate: str, zone_code: str = "", actor: Any = None, via: str = "page",
                              device: str = "", organisation: Any = None, ip_address: str | None = None,
                              system: str = "", now: dt.datetime | None = None):
    """The enforcement answer for a plate (and a street zone, or any), written to the
    audit log in the officer's (or organisation's) name with what was found: every
    check reads personal data. Raises ValidationError for an unreadable plate or an
    unknown zone (nothing is logged then: nothing was read)."""
    from .street_selectors import enforcement_check, zone_by_code

    now = now or timezone.now()
    try:
        parse_plate(plate)
    except PlateError as exc:
        raise ValidationError(str(exc)) from None
    zone = None
    if zone_code.strip():
        zone = zone_by_code(zone_code)
        if zone is None:
            raise ValidationError(_("Diese Parkzone gibt es nicht."))
    answer = enforcement_check(plate=plate, zone=zone, now=now)
    data = {"result": answer.result, "zone": zone.code if zone else None, "via": via,
            "session": answer.session.pk if answer.session else None,
            "permits": [p.pk for p in answer.permits], "other_zone_permits": [p.pk for p in answer.other_zone_permits]}
    if device:
        data["device"] = device
    if organisation is not None:
        data["organisation"] = getattr(organisation, "slug", str(organisation))
    data_subject = (answer.session.user if answer.session else
                    answer.permits[0].holder if answer.permits else None)
    audit_log(actor=actor, system="" if actor else (system or "parking-enforcement"),
              action="parking.enforcement_checked",
              subject=answer.session or (answer.permits[0] if answer.permits else None), data_subject=data_subject,
              data=data, ip_address=ip_address)
    return answer
