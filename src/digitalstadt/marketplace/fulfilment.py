"""The marketplace's own fulfilment methods: click & collect (paid online, collected in
a pickup window) and the reservation in store (paid in the shop, held for the shop's
reservation hours). Same-day delivery is the delivery app's method (same registry).

Pickup windows lie inside the shop's opening hours, never on Hessian public holidays
or the shop's closure days, start no earlier than the shop's lead time, and hold at
most `pickup_slot_capacity` open orders each (checked again under the shop's row lock
at checkout).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import OPEN_ORDER_STATUSES, Fulfilment, Shop, ShopOrder
from .registry import FulfilmentMethod, PickupWindow


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def public_holidays(years) -> holidays.HolidayBase:
    return holidays.country_holidays(getattr(settings, "HOLIDAY_COUNTRY", "DE"),
                                     subdiv=getattr(settings, "HOLIDAY_SUBDIV", "HE"), years=sorted(set(years)))


def open_days(shop: Shop, start: date, days: int) -> dict[date, list[tuple[time, time]]]:
    """Each date from `start` on that the shop opens, with its opening periods."""
    hours: dict[int, list[tuple[time, time]]] = {}
    for row in shop.opening_hours.all():
        hours.setdefault(row.weekday, []).append((row.opens, row.closes))
    closed = {c.date for c in shop.closures.all() if start <= c.date <= start + timedelta(days=days)}
    feiertage = public_holidays(range(start.year, (start + timedelta(days=days)).year + 1))
    result = {}
    for offset in range(days + 1):
        day = start + timedelta(days=offset)
        if day in closed or day in feiertage or day.weekday() not in hours:
            continue
        result[day] = sorted(hours[day.weekday()])
    return result


def pickup_windows(*, shop: Shop, now: datetime | None = None, limit: int = 200) -> list[PickupWindow]:
    """The pickup windows a shopper can choose now, with the places still free."""
    now = now or timezone.now()
    tz = _tz()
    local_now = now.astimezone(tz)
    earliest = now + timedelta(minutes=shop.pickup_lead_minutes)
    length = timedelta(minutes=max(shop.pickup_slot_minutes, 5))
    windows: list[tuple[datetime, datetime]] = []
    for day, periods in open_days(shop, local_now.date(), shop.pickup_days_ahead).items():
        for opens, closes in periods:
            # DST-safe: each window is built from the local wall clock and made aware.
            start = datetime.combine(day, opens, tzinfo=tz)
            end_of_period = datetime.combine(day, closes, tzinfo=tz)
            while start + length <= end_of_period:
                if start >= earliest:
                    windows.append((start, start + length))
                start = (start.replace(tzinfo=None) + length).replace(tzinfo=tz)
    windows = windows[:limit]
    if not windows:
        return []
    taken = dict(ShopOrder.unscoped_objects.filter(
        shop=shop, fulfilment=Fulfilment.CLICK_COLLECT, status__in=OPEN_ORDER_STATUSES,
        pickup_from__gte=windows[0][0], pickup_from__lte=windows[-1][0],
    ).values_list("pickup_from").annotate(n=Count("pk")))
    return [PickupWindow(start=s, end=e, free=shop.pickup_slot_capacity - taken.get(s, 0))
            for s, e in windows if shop.pickup_slot_capacity - taken.get(s, 0) > 0]


def reservation_until(*, shop: Shop, now: datetime | None = None) -> datetime:
    """A reservation in store is held for the shop's reservation hours, counted until
    the shop's closing time if that falls on a closed day: at least until the end of the
    next opening day."""
    now = now or timezone.now()
    until = now + timedelta(hours=shop.reservation_hours)
    local = until.astimezone(_tz())
    days = open_days(shop, local.date(), 14)
    for day, periods in sorted(days.items()):
        closing = datetime.combine(day, periods[-1][1], tzinfo=_tz())
        if closing >= until:
            return closing
    return until


def _in_store_only(**kwargs) -> bool:
    return True


CLICK_COLLECT = FulfilmentMethod(
    Fulfilment.CLICK_COLLECT, _("Abholen im Laden (Click & Collect)"),
    _("Sie bezahlen jetzt online und holen die Ware im gewählten Zeitfenster ab."),
    pay_online=True, order=10, offered=_in_store_only, window_label=_("Abholfenster (bei Click & Collect)"),
    windows=lambda *, shop, now=None, **kwargs: pickup_windows(shop=shop, now=now))

RESERVE = FulfilmentMethod(
    Fulfilment.RESERVE, _("Im Laden reservieren und dort bezahlen"),
    _("Die Ware wird für Sie zurückgelegt; Sie bezahlen bei der Abholung im Laden."),
    pay_online=False, order=20, offered=_in_store_only,
    hold_until=lambda *, shop, now=None: reservation_until(shop=shop, now=now))
