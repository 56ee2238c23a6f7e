"""Writes to the register: pick-up places taken and released, zone serialisation.

Other apps (the Sperrmüll and Bewohnerparkausweis plugins) change register rows only
through these functions; each runs inside the caller's transaction (they lock rows),
and every change of a pick-up place writes an audit entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows, race_window

from .models import ParkingZone, PickupDate

__all__ = ["parking_zone_lock", "pickup_place_release", "pickup_place_take"]


def _lock_pickup(*, pickup_id: int | None, district_id: int | None, day: dt.date | None) -> PickupDate | None:
    if pickup_id is not None:
        qs = PickupDate.objects.filter(pk=pickup_id)
    else:
        qs = PickupDate.objects.filter(district_id=district_id, date=day)
    found = lock_rows(qs)
    return found[0] if found else None


def pickup_place_take(*, district_id: int | None = None, day: dt.date | None = None, pickup_id: int | None = None,
                      actor: Any, regarding: str = "") -> PickupDate:
    """Take one place of a pick-up day (by id, or by district and date): the row is
    locked, capacity re-checked, and the check constraint is the last guard."""
    pickup = _lock_pickup(pickup_id=pickup_id, district_id=district_id, day=day)
    if pickup is None or pickup.booked >= pickup.capacity:
        raise ValidationError(_("Dieser Abholtag ist inzwischen ausgebucht. Bitte wählen Sie einen anderen Tag."))
    race_window("register.pickup_place_taken")
    PickupDate.objects.filter(pk=pickup.pk).update(booked=F("booked") + 1)
    pickup.booked += 1
    audit_log(actor=actor, system="applications", action="register.pickup_place_taken", subject=pickup,
              data={"regarding": regarding, "date": pickup.date.isoformat(), "booked": pickup.booked})
    return pickup


def pickup_place_release(*, pickup_id: int, actor: Any, regarding: str = "") -> PickupDate | None:
    """Give a taken place back (a rejected or withdrawn request). Never below zero."""
    pickup = _lock_pickup(pickup_id=pickup_id, district_id=None, day=None)
    if pickup is None or pickup.booked <= 0:
        return pickup
    PickupDate.objects.filter(pk=pickup.pk).update(booked=F("booked") - 1)
    pickup.booked -= 1
    audit_log(actor=actor, system="applications", action="register.pickup_place_released", subject=pickup,
              data={"regarding": regarding, "date": pickup.date.isoformat(), "booked": pickup.booked})
    return pickup


def parking_zone_lock(*, zone_id: int) -> ParkingZone:
    """Serialise writes that concern one zone (permits of a zone are issued one at a
    time). Locks the zone row until the caller's transaction ends."""
    found = lock_rows(ParkingZone.objects.filter(pk=zone_id))
    if not found:
        raise ValidationError(_("Diese Bewohnerparkzone gibt es nicht mehr."))
    return found[0]
