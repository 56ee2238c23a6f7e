"""The one locking helper for scarce things (appointment slots, seats, stock, vouchers).

Rows are locked with SELECT ... FOR UPDATE in one fixed order (the given ordering,
then primary key), once per transaction, before the availability re-check; a database
constraint stays the last guard. On SQLite the IMMEDIATE transaction mode already
serialises writers, FOR UPDATE is a no-op there.

`settings.LOCKING_DISABLED_FOR_TESTS` switches the lock off for negative-control tests
that prove the race exists without it; production settings never set it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet


def lock_rows(queryset: QuerySet, *ordering: str) -> list:
    if not connection.in_atomic_block:
        raise RuntimeError("lock_rows must be called inside transaction.atomic()")
    ordered = queryset.order_by(*ordering, "pk")
    if getattr(settings, "LOCKING_DISABLED_FOR_TESTS", False):
        return list(ordered)
    return list(ordered.select_for_update())
