"""The local implementation of the population register (`REGISTER_BACKEND = "demo"`):
the demo register in this database. A city's real register (reached through XMeld)
is another class with the same two methods, registered under its own key."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from digitalstadt.core.locking import lock_rows

from .models import Resident, ResidentMove, Street
from .types import MoveSummary


class DemoRegister:
    key = "demo"
    label = "Demo-Melderegister (lokal)"

    def household(self, *, resident: Resident) -> list[Resident]:
        """The others registered in the same dwelling (main residence)."""
        return list(Resident.objects.filter(street=resident.street, house_number=resident.house_number,
                                            address_extra=resident.address_extra, kind=Resident.Kind.MAIN)
                    .exclude(pk=resident.pk).order_by("birth_date", "given_names"))

    def move(self, *, resident_ids: list[int], street: Street, house_number: str, address_extra: str,
             moved_in: dt.date, case_reference: str) -> MoveSummary:
        """Register the new main residence of these people, keeping the old one in the
        record's history; one transaction, rows locked (two approvals cannot interleave)."""
        from .selectors import address_of

        with transaction.atomic():
            residents = lock_rows(Resident.objects.filter(pk__in=resident_ids).select_related("street__district"))
            if not residents:
                raise LookupError("no resident to move")
            first = residents[0]
            old = address_of(street=first.street, house_number=first.house_number, address_extra=first.address_extra)
            for resident in residents:
                ResidentMove.objects.create(resident=resident, old_street=resident.street,
                                            old_house_number=resident.house_number,
                                            old_address_extra=resident.address_extra, moved_in=moved_in,
                                            case_reference=case_reference)
                resident.street, resident.house_number, resident.address_extra = street, house_number, address_extra
                resident.moved_in = moved_in
                resident.save(update_fields=["street", "house_number", "address_extra", "moved_in"])
        new = address_of(street=street, house_number=house_number, address_extra=address_extra)
        return MoveSummary(old=old, new=new, moved_in=moved_in, case_reference=case_reference,
                           persons=tuple(f"{r.given_names} {r.family_name}" for r in residents))
