"""The one locking helper for scarce things (appointment slots, seats, stock, vouchers).

Rows are locked with SELECT ... FOR UPDATE in one fixed order (the given ordering,
then primary key), once per transaction, before the availability re-check; a database
constraint stays the last guard. On SQLite the IMMEDIATE transaction mode already
serialises writers, FOR UPDATE is a no-op there.

On PostgreSQL a lock that is not granted within `settings.LOCK_TIMEOUT_MS` raises
`LockTimeout` (a ValidationError with a "please try again" message in the user's
language) instead of leaving the request hanging; views show it like any refusal, and
`LockTimeoutMiddleware` answers 503 with the message where a view does not catch it.

`settings.LOCKING_DISABLED_FOR_TESTS` switches the lock off for negative-control tests
that prove the race exists without it; production settings never set it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: lock_timeout expired


class LockTimeout(ValidationError):
    def __init__(self):
        super().__init__(_("Gerade greifen viele gleichzeitig darauf zu. Bitte versuchen Sie es in einem Moment "
                           "noch einmal."), code="lock_timeout")


def lock_rows(queryset: QuerySet, *ordering: str, of: tuple[str, ...] = ()) -> list:
    """Lock the rows of `queryset` (ordered by `ordering`, then pk) and return them.
    `of`: with select_related, lock only these tables (``("self",)``)."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_rows must be called inside transaction.atomic()")
    ordered = queryset.order_by(*ordering, "pk")
    if getattr(settings, "LOCKING_DISABLED_FOR_TESTS", False):
        return list(ordered)
    if connection.vendor == "postgresql":
        timeout_ms = int(getattr(settings, "LOCK_TIMEOUT_MS", 5000))
        with connection.cursor() as cursor:  # for the rest of this transaction (0 waits for ever)
            cursor.execute(f"SET LOCAL lock_timeout = '{timeout_ms}ms'")
    try:
        return list(ordered.select_for_update(of=of))
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise LockTimeout() from exc
        raise


def lock_one(queryset: QuerySet):
    """The one row of `queryset`, locked; the model's DoesNotExist if there is none."""
    rows = lock_rows(queryset)
    if not rows:
        raise queryset.model.DoesNotExist(f"no {queryset.model.__name__} to lock")
    return rows[0]


def lock_first(queryset: QuerySet):
    """The first row of `queryset` (by pk), locked, or None."""
    rows = lock_rows(queryset)
    return rows[0] if rows else None
