from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from .models import ResidentPermit, mask_plate
from .plates import Plate, PlateError, normalise_plate, parse_plate

__all__ = ["Plate", "PlateError", "normalise_plate", "overlapping_permit", "parse_plate", "permit_is_revoked",
           "permit_verification_details", "permits_for_plate", "plate_check", "revoked_permits_for_plate"]


def permits_for_plate(*, plate: str, day: dt.date) -> QuerySet[ResidentPermit]:
    """Permits valid on `day` for a plate (enforcement look-up)."""
    return (ResidentPermit.objects.filter(plate_normalised=normalise_plate(plate), valid_from__lte=day,
                                          valid_until__gte=day, revoked_at__isnull=True).select_related("zone"))


def plate_check(*, plate: str, day: dt.date) -> tuple[str, list[ResidentPermit]]:
    """The enforcement answer for a plate on `day`: "valid" with the valid permits;
    "revoked" when the only permits covering the day were revoked (a car showing that
    permit is parked without one); "none" otherwise."""
    covering = list(ResidentPermit.objects.filter(plate_normalised=normalise_plate(plate), valid_from__lte=day,
                                                  valid_until__gte=day).select_related("zone")
                    .order_by("revoked_at", "valid_until"))
    valid = [permit for permit in covering if permit.revoked_at is None]
    if valid:
        return "valid", valid
    if covering:
        return "revoked", covering
    return "none", []


def revoked_permits_for_plate(*, plate: str, day: dt.date) -> QuerySet[ResidentPermit]:
    """Permits for a plate that would be valid on `day` but were revoked: enforcement
    sees "widerrufen", not just "no permit"."""
    return (ResidentPermit.objects.filter(plate_normalised=normalise_plate(plate), valid_from__lte=day,
                                          valid_until__gte=day, revoked_at__isnull=False).select_related("zone"))


def permit_is_revoked(*, permit_id: int) -> bool:
    return ResidentPermit.objects.filter(pk=permit_id, revoked_at__isnull=False).exists()


def overlapping_permit(*, plate: str, zone_id: int, start: dt.date, end: dt.date,
                       exclude: int | None = None) -> ResidentPermit | None:
    permits = ResidentPermit.objects.filter(plate_normalised=normalise_plate(plate), zone_id=zone_id,
                                            revoked_at__isnull=True, valid_from__lte=end, valid_until__gte=start)
    if exclude is not None:
        permits = permits.exclude(pk=exclude)
    return permits.first()


def permit_verification_details(*, document, user, ip_address=None) -> list[tuple[str, str]]:
    """What the public verification page shows for a resident permit: zone, validity and
    the plate masked ('DA-AB 1**'), so that a copied QR code does not "prove" any car.
    Parking enforcement officers who passed the second factor see the whole plate, to
    compare it with the car; that is a staff read of personal data and is audit-logged."""
    from django.utils import formats, timezone
    from django.utils.translation import gettext as _

    permit = (ResidentPermit.objects.filter(document=document).select_related("zone", "holder").first()
              if document is not None else None)
    if permit is None:
        return []
    today = timezone.localdate()
    valid_now = permit.revoked_at is None and permit.valid_from <= today <= permit.valid_until
    rows = [(_("Bewohnerparkzone"), f"{permit.zone.name} ({permit.zone.code})"),
            (_("Gültigkeit"), f"{formats.date_format(permit.valid_from, 'SHORT_DATE_FORMAT')} – "
                              f"{formats.date_format(permit.valid_until, 'SHORT_DATE_FORMAT')}"),
            (_("Heute gültig"), _("ja") if valid_now else _("nein"))]
    from digitalstadt.accounts.selectors import user_has_staff_role

    if user_has_staff_role(user=user, role="parking_enforcement"):
        from digitalstadt.core.audit import audit_log

        audit_log(actor=user, action="parking.permit_checked", subject=permit, data_subject=permit.holder,
                  ip_address=ip_address)
        rows.append((_("Kennzeichen"), permit.plate))
    else:
        rows.append((_("Kennzeichen (teilweise verdeckt)"), mask_plate(permit.plate)))
    return rows
