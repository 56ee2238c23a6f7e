from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from .models import ResidentPermit, normalise_plate


def permits_for_plate(*, plate: str, day: dt.date) -> QuerySet[ResidentPermit]:
    """Permits valid on `day` for a plate (enforcement look-up)."""
    return (ResidentPermit.objects.filter(plate_normalised=normalise_plate(plate), valid_from__lte=day,
                                          valid_until__gte=day, revoked_at__isnull=True).select_related("zone"))


def overlapping_permit(*, plate: str, zone_id: int, start: dt.date, end: dt.date) -> ResidentPermit | None:
    return (ResidentPermit.objects.filter(plate_normalised=normalise_plate(plate), zone_id=zone_id,
                                          revoked_at__isnull=True, valid_from__lte=end, valid_until__gte=start)
            .first())
