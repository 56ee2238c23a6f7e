"""Reads of the register: address -> district and parking zone, a person's record."""

from __future__ import annotations

import re
from functools import lru_cache
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from .models import BulkyWasteItem, District, ParkingZone, PickupDate, Resident, Street

_NUMBER = re.compile(r"^\s*(\d{1,5})\s*([a-zA-Z]?)\s*$")


def parse_house_number(value: str) -> int | None:
    """'12', '12a', '12 A' -> 12; anything else -> None."""
    match = _NUMBER.match(value or "")
    return int(match.group(1)) if match else None


def street_find(*, name: str, postal_code: str = "") -> Street | None:
    """A street by its name as people type it ("Heinheimer Str." = "Heinheimer Straße")."""
    wanted = normalise_street(name)
    if not wanted:
        return None
    candidates = Street.objects.select_related("district")
    if postal_code:
        candidates = candidates.filter(postal_code=postal_code.strip())
    for street in candidates:
        if normalise_street(street.name) == wanted:
            return street
    return None


def normalise_street(name: str) -> str:
    value = (name or "").strip().lower().replace("ß", "ss")
    value = re.sub(r"str\.?$", "strasse", value)
    value = re.sub(r"\s+", " ", value.replace("-", " "))
    return value


def zone_for(*, street: Street, house_number: str) -> ParkingZone | None:
    number = parse_house_number(house_number)
    for assignment in street.zones.select_related("zone"):
        if assignment.number_from is None and assignment.number_to is None:
            return assignment.zone
        if number is not None and assignment.covers(number):
            return assignment.zone
    return None


def resident_for_user(*, user: Any) -> Resident | None:
    """The registration record of an account, linked only through its eID subject."""
    if not getattr(user, "is_authenticated", False) or not user.eid_subject:
        return None
    return (Resident.objects.select_related("street__district")
            .filter(eid_subject=user.eid_subject, kind=Resident.Kind.MAIN).first())


def districts() -> QuerySet[District]:
    return District.objects.order_by("name")


@lru_cache(maxsize=8)
def _public_holidays(year: int):
    import holidays

    return holidays.Germany(subdiv="HE", years=year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Hessian public holiday."""
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def pickup_cutoff(*, district: District, day: date) -> datetime:
    """Until when a pick-up on `day` can be ordered or cancelled: the district's time on
    the working day that lies `pickup_cutoff_days` working days before it (Europe/Berlin)."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    deadline = day
    remaining = district.pickup_cutoff_days
    while remaining > 0:
        deadline -= timedelta(days=1)
        if is_working_day(deadline):
            remaining -= 1
    return datetime.combine(deadline, district.pickup_cutoff_time, tzinfo=ZoneInfo(settings.TIME_ZONE))


def pickup_cutoff_of(*, pickup_id: int) -> datetime | None:
    """The cut-off of a booked pick-up day (None if the day no longer exists)."""
    pickup = PickupDate.objects.select_related("district").filter(pk=pickup_id).first()
    return pickup_cutoff(district=pickup.district, day=pickup.date) if pickup else None


def pickup_dates_open(*, district: District, now: datetime, limit: int = 12) -> list[PickupDate]:
    """Pick-up days of a district that still have room and whose cut-off has not passed."""
    from django.db.models import F
    from django.utils import timezone

    today = timezone.localdate(now)
    candidates = (PickupDate.objects.filter(district=district, date__gt=today, booked__lt=F("capacity"))
                  .select_related("district").order_by("date"))
    days = []
    for pickup in candidates.iterator():
        if now < pickup_cutoff(district=district, day=pickup.date):
            days.append(pickup)
            if len(days) >= limit:
                break
    return days


def bulky_waste_items() -> dict[str, list[BulkyWasteItem]]:
    """What the collection takes ("accepted") and what it leaves ("refused")."""
    items = list(BulkyWasteItem.objects.order_by("order", "name_de"))
    return {"accepted": [i for i in items if i.accepted], "refused": [i for i in items if not i.accepted]}


def address_of(*, street: Street, house_number: str, address_extra: str = ""):
    """An address with its district and resident-parking zone (register.types.Address)."""
    from .types import Address

    zone = zone_for(street=street, house_number=house_number)
    return Address(street=street.name, house_number=house_number, address_extra=address_extra,
                   postal_code=street.postal_code, district=street.district.name, district_slug=street.district.slug,
                   zone_code=zone.code if zone else "")


def household_of(*, resident: Resident) -> list[Resident]:
    """Who else is registered in the resident's dwelling (for "who moves along")."""
    from .registry import register_backend

    return register_backend().household(resident=resident)


def last_move(*, user: Any, case_reference: str):
    """The move recorded for this account's record by this case, as a MoveSummary."""
    from .models import ResidentMove
    from .types import MoveSummary

    resident = resident_for_user(user=user)
    if resident is None:
        return None
    record = (ResidentMove.objects.select_related("old_street__district")
              .filter(resident=resident, case_reference=case_reference).first())
    if record is None:
        return None
    moved = ResidentMove.objects.filter(case_reference=case_reference).select_related("resident")
    return MoveSummary(
        old=address_of(street=record.old_street, house_number=record.old_house_number,
                       address_extra=record.old_address_extra),
        new=address_of(street=resident.street, house_number=resident.house_number,
                       address_extra=resident.address_extra),
        moved_in=record.moved_in, case_reference=case_reference,
        persons=tuple(f"{m.resident.given_names} {m.resident.family_name}" for m in moved))


def landlord_confirmations_by(*, user: Any):
    from .models import LandlordConfirmation

    return LandlordConfirmation.objects.filter(landlord=user).select_related("street").order_by("-created_at")
