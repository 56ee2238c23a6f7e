"""Resident permits are issued, renewed and revoked here, and nowhere else; each
change writes an audit entry (the permit is personal data: holder and plate)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows
from digitalstadt.register.services import parking_zone_lock

from .models import ResidentPermit
from .selectors import overlapping_permit

__all__ = ["resident_permit_attach_document", "resident_permit_issue", "resident_permit_renew",
           "resident_permit_revoke", "resident_permit_revoke_by_id"]


def _refuse_overlap(*, plate: str, zone_id: int, start: dt.date, end: dt.date, exclude: int | None = None) -> None:
    existing = overlapping_permit(plate=plate, zone_id=zone_id, start=start, end=end, exclude=exclude)
    if existing is not None:
        raise ValidationError(_("Für dieses Kennzeichen gibt es in dieser Zone schon einen gültigen Ausweis "
                                "im selben Zeitraum (bis %(date)s).")
                              % {"date": formats.date_format(existing.valid_until, "SHORT_DATE_FORMAT")})


def resident_permit_issue(*, holder: Any, zone_id: int, plate: str, valid_from: dt.date, valid_until: dt.date,
                          number: str, case_reference: str = "", actor: Any) -> ResidentPermit:
    """Issue a permit. Permits of a zone are issued one at a time (zone row lock), each
    re-checked for an overlapping permit of the same plate."""
    with transaction.atomic():
        parking_zone_lock(zone_id=zone_id)
        _refuse_overlap(plate=plate, zone_id=zone_id, start=valid_from, end=valid_until)
        permit = ResidentPermit.objects.create(
            number=number, holder=holder, zone_id=zone_id, plate=plate, valid_from=valid_from,
            valid_until=valid_until, case_reference=case_reference)
        audit_log(actor=actor, action="parking.permit_issued", subject=permit, data_subject=holder,
                  data={"zone_id": zone_id, "valid_from": valid_from.isoformat(),
                        "valid_until": valid_until.isoformat(), "case": case_reference})
    return permit


def resident_permit_attach_document(*, permit_id: int, document: Any, actor: Any) -> None:
    """The sealed permit PDF, once the decision is issued (the QR code on it leads to
    the verification page, which finds the permit through this link)."""
    with transaction.atomic():
        permit = lock_rows(ResidentPermit.objects.filter(pk=permit_id))[0]
        permit.document = document
        permit.save(update_fields=["document"])
        audit_log(actor=actor, action="parking.permit_document_attached", subject=permit,
                  data_subject=permit.holder_id and permit.holder, data={"document": str(document.uuid)})


def resident_permit_renew(*, permit: ResidentPermit, valid_until: dt.date, actor: Any) -> ResidentPermit:
    """Extend a permit that is not revoked to a later end date."""
    with transaction.atomic():
        parking_zone_lock(zone_id=permit.zone_id)
        locked = lock_rows(ResidentPermit.objects.filter(pk=permit.pk))[0]
        if locked.revoked_at is not None:
            raise ValidationError(_("Ein widerrufener Ausweis kann nicht verlängert werden."))
        if valid_until <= locked.valid_until:
            raise ValidationError(_("Die Verlängerung muss nach dem bisherigen Ende liegen."))
        _refuse_overlap(plate=locked.plate, zone_id=locked.zone_id, start=locked.valid_until + dt.timedelta(days=1),
                        end=valid_until, exclude=locked.pk)
        before = locked.valid_until
        locked.valid_until = valid_until
        locked.save(update_fields=["valid_until"])
        audit_log(actor=actor, action="parking.permit_renewed", subject=locked, data_subject=locked.holder,
                  data={"valid_until_before": before.isoformat(), "valid_until": valid_until.isoformat()})
    return locked


def resident_permit_revoke(*, permit: ResidentPermit, reason: str, actor: Any) -> ResidentPermit:
    """Revoke a permit (moved away, car sold, obtained wrongly). Revoking twice changes nothing."""
    with transaction.atomic():
        locked = lock_rows(ResidentPermit.objects.filter(pk=permit.pk))[0]
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revocation_reason = reason[:2000]
            locked.save(update_fields=["revoked_at", "revocation_reason"])
            audit_log(actor=actor, action="parking.permit_revoked", subject=locked, data_subject=locked.holder,
                      data={"reason": reason[:500]})
    return locked


def resident_permit_revoke_by_id(*, permit_id: int, reason: str, actor: Any) -> ResidentPermit:
    return resident_permit_revoke(permit=ResidentPermit.objects.get(pk=permit_id), reason=reason, actor=actor)


def resident_permit_end_on_move(*, permit_id: int, last_day: dt.date, reason: str, actor: Any = None) -> tuple[
        ResidentPermit, int, int] | None:
    """A permit whose holder moved out of its zone ends on the moving day. Returns the
    permit and the days it would have run on and ran in all (for a pro-rata refund), or
    None when it had ended by then anyway."""
    with transaction.atomic():
        locked = lock_rows(ResidentPermit.objects.filter(pk=permit_id))[0]
        if locked.revoked_at is not None or locked.valid_until <= last_day:
            return None
        unused = (locked.valid_until - max(last_day, locked.valid_from - dt.timedelta(days=1))).days
        total = (locked.valid_until - locked.valid_from).days + 1
        before = locked.valid_until
        locked.valid_until = max(last_day, locked.valid_from)
        locked.save(update_fields=["valid_until"])
        audit_log(actor=actor, system="parking", action="parking.permit_ended_on_move", subject=locked,
                  data_subject=locked.holder, data={"valid_until_before": before.isoformat(),
                                                    "valid_until": locked.valid_until.isoformat(),
                                                    "reason": reason[:300]})
    return locked, min(unused, total), total
