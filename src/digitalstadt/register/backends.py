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

    def household(self, *, resident: Resident, on: dt.date | None = None) -> list[Resident]:
        """The minors registered in the same flat, whom a parent registers along (§ 17
        Abs. 3 BMG). The demo register has no family links: same street, house number and
        position of the flat stands in for them; adults register themselves, and nobody
        else's data is shown."""
        from django.utils import timezone

        on = on or timezone.localdate()
        try:
            adult_born_by = on.replace(year=on.year - 18)
        except ValueError:  # 29 February
            adult_born_by = on.replace(year=on.year - 18, day=28)
        return list(Resident.objects.filter(street=resident.street, house_number=resident.house_number,
                                            address_extra=resident.address_extra, kind=Resident.Kind.MAIN,
                                            family_name=resident.family_name, birth_date__gt=adult_born_by)
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
