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

__all__ = ["landlord_confirmation_covers", "landlord_confirmation_create", "landlord_confirmation_find",
           "landlord_confirmation_landlord_id", "landlord_confirmation_release", "landlord_confirmation_use",
           "parking_zone_lock", "pickup_place_release", "pickup_place_take", "residents_move"]


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


# --- moving house ---------------------------------------------------------------------

# Codes people read out and type: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
# A confirmation is for a move that has happened or is about to (BMG § 19: within two weeks).
LANDLORD_CONFIRMATION_VALID_DAYS = 183


def _new_code() -> str:
    import secrets

    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """ABCDE23456 -> ABCDE-23456 (read out in two halves)."""
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


def landlord_confirmation_create(*, user: Any, landlord_name: str, landlord_address: str, is_owner: bool,
                                 owner_name: str, street, house_number: str, address_extra: str,
                                 moved_in: dt.date, tenants: list[str]):
    """The landlord's confirmation of a move-in (§ 19 BMG), with its Zuordnungsmerkmal."""
    from django.db import IntegrityError, transaction

    from .models import LandlordConfirmation

    names = [t.strip() for t in tenants if t.strip()]
    if not names:
        raise ValidationError(_("Bitte nennen Sie mindestens eine Person, die einzieht."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                confirmation = LandlordConfirmation.objects.create(
                    code=_new_code(), landlord=user, landlord_name=landlord_name.strip(),
                    landlord_address=landlord_address.strip(), is_owner=is_owner, owner_name=owner_name.strip(),
                    street=street, house_number=house_number.strip(), address_extra=address_extra.strip(),
                    moved_in=moved_in, tenants="\n".join(names))
                audit_log(actor=user, system="register", action="register.landlord_confirmed", subject=confirmation,
                          data={"street": street.name, "house_number": house_number, "moved_in": moved_in.isoformat(),
                                "persons": len(names)})
                return confirmation
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a unique code")


def landlord_confirmation_find(*, code: str, street, house_number: str, moved_in: dt.date):
    """The unused confirmation with this code for exactly this dwelling and day, else a
    ValidationError that says what does not match (never which address a code is for)."""
    from django.utils import timezone

    from .models import LandlordConfirmation
    found = LandlordConfirmation.objects.select_related("street").filter(code=normalise_code(code)).first()
    if found is None:
        raise ValidationError(_("Diesen Code kennen wir nicht. Bitte prüfen Sie ihn (zehn Zeichen, zum Beispiel "
                                "ABCDE-23456) oder laden Sie die Wohnungsgeberbestätigung hoch."), code="unknown")
    if found.used_at is not None:
        raise ValidationError(_("Dieser Code wurde schon für eine Anmeldung verwendet. Bitte bitten Sie Ihren "
                                "Wohnungsgeber um eine neue Bestätigung."), code="used")
    if (timezone.localdate() - found.created_at.date()).days > LANDLORD_CONFIRMATION_VALID_DAYS:
        raise ValidationError(_("Diese Bestätigung ist abgelaufen. Bitte bitten Sie Ihren Wohnungsgeber um eine "
                                "neue."), code="expired")
    same_place = found.street_id == street.pk and _number(found.house_number) == _number(house_number)
    if not same_place or found.moved_in != moved_in:
        raise ValidationError(_("Der Code passt nicht zu der Anschrift oder dem Einzugsdatum, die Sie angegeben "
                                "haben. Bitte vergleichen Sie Ihre Angaben mit der Bestätigung Ihres "
                                "Wohnungsgebers."), code="mismatch")
    return found


def _number(value: str) -> str:
    """'12 a', '12A' and '12a' are one house number."""
    return "".join((value or "").split()).lower()


def _words(value: str) -> str:
    return " ".join((value or "").replace(".", " ").replace(",", " ").casefold().split())


def landlord_confirmation_covers(*, code: str, names: list[tuple[str, str]], address_extra: str) -> str:
    """Why a confirmation does not plainly cover this registration ("" if it does): every
    person moving must be named among its tenants (family name and a given name), and the
    flat's position must be the same where both name one. The engine then leaves the case
    to a case worker instead of deciding it automatically."""
    from .models import LandlordConfirmation

    found = LandlordConfirmation.objects.filter(code=normalise_code(code)).first()
    if found is None:
        return "Wohnungsgeberbestätigung nicht gefunden"
    tenants = [set(_words(line).split()) for line in found.tenants.splitlines() if line.strip()]
    for family, given in names:
        wanted_family = set(_words(family).split())
        wanted_given = set(_words(given).split())
        if not any(wanted_family <= t and wanted_given & t for t in tenants):
            return f"{given} {family} ist in der Wohnungsgeberbestätigung nicht genannt"
    if found.address_extra and address_extra and _words(found.address_extra) != _words(address_extra):
        return "Lage der Wohnung weicht von der Wohnungsgeberbestätigung ab"
    return ""


def landlord_confirmation_landlord_id(*, code: str) -> int | None:
    from .models import LandlordConfirmation

    return LandlordConfirmation.objects.filter(code=normalise_code(code)).values_list("landlord_id", flat=True).first()


def landlord_confirmation_release(*, code: str, case_reference: str) -> None:
    """A rejected registration gives its code back (the landlord need not confirm again)."""
    from .models import LandlordConfirmation

    LandlordConfirmation.objects.filter(code=normalise_code(code), used_by_case=case_reference).update(
        used_at=None, used_by_case="")


def landlord_confirmation_use(*, code: str, case_reference: str) -> None:
    """Mark the confirmation used by this case (under a lock: one code, one registration)."""
    from django.utils import timezone

    from .models import LandlordConfirmation

    rows = lock_rows(LandlordConfirmation.objects.filter(code=normalise_code(code)))
    if not rows:
        raise ValidationError(_("Diesen Code kennen wir nicht."))
    confirmation = rows[0]
    if confirmation.used_at is not None and confirmation.used_by_case != case_reference:
        raise ValidationError(_("Dieser Code wurde schon für eine Anmeldung verwendet."))
    confirmation.used_at = timezone.now()
    confirmation.used_by_case = case_reference
    confirmation.save(update_fields=["used_at", "used_by_case"])


def residents_move(*, resident_ids: list[int], street, house_number: str, address_extra: str, moved_in: dt.date,
                   case_reference: str, actor: Any = None):
    """Register the move in the population register in use (register.registry)."""
    from .registry import register_backend

    summary = register_backend().move(resident_ids=resident_ids, street=street, house_number=house_number,
                                      address_extra=address_extra, moved_in=moved_in, case_reference=case_reference)
    audit_log(actor=actor, system="register", action="register.residents_moved", data={
        "case": case_reference, "persons": len(resident_ids), "district": summary.new.district_slug})
    return summary
