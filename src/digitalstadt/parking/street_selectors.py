"""Reads of street parking: zones and their tariffs (as the pure pricing's specs), a
driver's sessions and monthly statement, and the enforcement answer for a plate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from .models import ParkingSession, ResidentPermit, SessionStatus, StreetTariff, StreetTariffPeriod, StreetZone
from .plates import parse_plate
from .street_pricing import PeriodSpec, Quote, TariffSpec, quote, tariff_on

__all__ = ["REMINDER_MINUTES", "EnforcementAnswer", "enforcement_check", "session_for_user", "sessions_of_user",
           "statement_of_month", "street_quote", "street_zones", "tariff_specs", "zone_by_code", "zone_tariff_now"]

BERLIN = ZoneInfo("Europe/Berlin")
REMINDER_MINUTES = 10


def street_zones() -> QuerySet[StreetZone]:
    return StreetZone.objects.filter(active=True).select_related("resident_zone")


def zone_by_code(code: str) -> StreetZone | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    return street_zones().filter(code__iexact=code).first()


def tariff_specs(*, zone: StreetZone) -> list[TariffSpec]:
    """The zone's tariffs, all validity periods, as the pricing's plain specs."""
    tariffs = StreetTariff.objects.filter(zone=zone).prefetch_related(
        Prefetch("periods", queryset=StreetTariffPeriod.objects.order_by("weekday", "start_minute")))
    return [TariffSpec(t.valid_from, t.valid_until,
                       tuple(PeriodSpec(p.weekday, p.start_minute, p.end_minute, p.price_cents, p.unit_minutes)
                             for p in t.periods.all()),
                       max_stay_minutes=t.max_stay_minutes, free_minutes=t.free_minutes) for t in tariffs]


def zone_tariff_now(tariffs: list[TariffSpec], moment: dt.datetime) -> TariffSpec | None:
    return tariff_on(tariffs, moment.astimezone(BERLIN).date())


def street_quote(*, zone: StreetZone, start: dt.datetime, end: dt.datetime, voucher_minutes: int = 0) -> Quote:
    return quote(tariffs=tariff_specs(zone=zone), start=start, end=end, voucher_minutes=voucher_minutes)


def sessions_of_user(*, user: Any) -> QuerySet[ParkingSession]:
    return ParkingSession.objects.filter(user=user).select_related("zone")


def session_for_user(*, user: Any, session_id: int) -> ParkingSession | None:
    return sessions_of_user(user=user).filter(pk=session_id).first()


@dataclass
class Statement:
    year: int
    month: int
    sessions: list[ParkingSession] = field(default_factory=list)
    total_cents: int = 0


def statement_of_month(*, user: Any, year: int, month: int) -> Statement:
    """The driver's ended sessions that started in a (local) month, with the total."""
    start = timezone.make_aware(dt.datetime(year, month, 1))
    end = timezone.make_aware(dt.datetime(year + (month == 12), month % 12 + 1, 1))
    sessions = sessions_of_user(user=user).filter(status=SessionStatus.STOPPED, started_at__gte=start,
                                                  started_at__lt=end).order_by("started_at")
    total = sessions.aggregate(total=Sum("amount_cents"))["total"] or 0
    return Statement(year, month, list(sessions), total)


# --- enforcement -----------------------------------------------------------------------


@dataclass(frozen=True)
class EnforcementAnswer:
    """`result`: "session" (paid until `until`), "voucher" (covered by a park & shop
    voucher until `until`), "permit" (valid resident permit for the zone), "revoked"
    (the only permit for the zone is revoked), or "none"."""

    plate: str
    result: str
    zone: StreetZone | None = None
    until: dt.datetime | None = None
    session: ParkingSession | None = None
    permits: tuple[ResidentPermit, ...] = ()
    other_zone_permits: tuple[ResidentPermit, ...] = ()


def enforcement_check(*, plate: str, zone: StreetZone | None, now: dt.datetime) -> EnforcementAnswer:
    """A plate (raises PlateError if unreadable) and a street zone (None: any zone) in,
    the answer out. Two indexed queries: sessions running now by (plate, ends_at), and
    permits by plate."""
    canonical = parse_plate(plate).canonical
    sessions = ParkingSession.objects.filter(plate_normalised=canonical, ends_at__gt=now, started_at__lte=now)
    if zone is not None:
        sessions = sessions.filter(zone=zone)
    session = sessions.select_related("zone", "user").order_by("-ends_at").first()
    if session is not None:
        if session.voucher_until and now < session.voucher_until:
            return EnforcementAnswer(canonical, "voucher", session.zone, session.ends_at, session)
        return EnforcementAnswer(canonical, "session", session.zone, session.ends_at, session)
    day = timezone.localdate(now)
    covering = list(ResidentPermit.objects.filter(plate_normalised=canonical, valid_from__lte=day,
                                                  valid_until__gte=day).select_related("zone", "holder"))
    resident_zone_id = zone.resident_zone_id if zone is not None else None
    here = [p for p in covering if zone is None or p.zone_id == resident_zone_id]
    elsewhere = tuple(p for p in covering if p not in here and p.revoked_at is None)
    valid = tuple(p for p in here if p.revoked_at is None)
    if valid:
        return EnforcementAnswer(canonical, "permit", zone, None, permits=valid)
    if here:
        return EnforcementAnswer(canonical, "revoked", zone, None, permits=tuple(here))
    return EnforcementAnswer(canonical, "none", zone, other_zone_permits=elsewhere)
