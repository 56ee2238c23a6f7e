"""The one locking helper for scarce things (appointment slots, seats, stock, vouchers).

Rows are locked with SELECT ... FOR UPDATE in one fixed order (the given ordering,
then primary key), once per transaction, before the availability re-check; a database
constraint stays the last guard. On SQLite the IMMEDIATE transaction mode already
serialises writers, FOR UPDATE is a no-op there.

On PostgreSQL a lock that is not granted within `settings.LOCK_TIMEOUT_MS` raises
`LockTimeout` (a ValidationError with a "please try again" message in the user's
language) instead of leaving the request hanging; views show it like any refusal, and
`LockTimeoutMiddleware` answers 503 with the message where a view does not catch it.

Negative controls (tests that prove the race exists without the lock) use one
mechanism: `negative_control(unlock=[model labels], windows={name: callable})` turns
the lock off for those models and runs the test's callable at each named
`race_window(name)` that services mark between their availability check and their
write (the test widens the window there: a barrier, never a sleep in application code).
It works only where settings.NEGATIVE_CONTROLS_ALLOWED is true: the test settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: lock_timeout expired


class LockTimeout(ValidationError):
    def __init__(self):
        super().__init__(_("Gerade greifen viele gleichzeitig darauf zu. Bitte versuchen Sie es in einem Moment "
                           "noch einmal."), code="lock_timeout")


# Set only inside `negative_control` (tests): model labels whose rows are not locked,
# and the callables run at named race windows. Shared by every thread of the process
# (the live server's request threads included).
_control: dict = {"unlocked": frozenset(), "windows": {}}


@contextmanager
def negative_control(*, unlock: Iterable[str] = (), windows: dict[str, Callable[[], object]] | None = None
                     ) -> Iterator[None]:
    if not getattr(settings, "NEGATIVE_CONTROLS_ALLOWED", False):
        raise ImproperlyConfigured("negative controls switch locks off: only test settings allow them")
    previous = dict(_control)
    _control.update(unlocked=frozenset(label.lower() for label in unlock), windows=dict(windows or {}))
    try:
        yield
    finally:
        _control.clear()
        _control.update(previous)


def race_window(name: str) -> None:
    """Marks the point between an availability check and the write that depends on it.
    Does nothing unless a negative-control test hooks into it."""
    hook = _control["windows"].get(name)
    if hook is not None:
        hook()


def lock_rows(queryset: QuerySet, *ordering: str, of: tuple[str, ...] = ()) -> list:
    """Lock the rows of `queryset` (ordered by `ordering`, then pk) and return them.
    `of`: with select_related, lock only these tables (``("self",)``)."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_rows must be called inside transaction.atomic()")
    ordered = queryset.order_by(*ordering, "pk")
    if _control["unlocked"] and queryset.model._meta.label_lower in _control["unlocked"]:
        return list(ordered)
    if connection.vendor == "postgresql":
        timeout_ms = int(getattr(settings, "LOCK_TIMEOUT_MS", 5000))
        # The connection starts with the configured timeout (settings.database_config);
        # only a different value costs a statement, for the rest of this transaction.
        if f"lock_timeout={timeout_ms}ms" not in connection.settings_dict.get("OPTIONS", {}).get("options", ""):
            with connection.cursor() as cursor:  # 0 waits for ever
                cursor.execute(f"SET LOCAL lock_timeout = '{timeout_ms}ms'")
    try:
        # FOR NO KEY UPDATE: lockers still exclude each other, but rows that merely refer
        # to a locked row (a new order line's foreign key takes FOR KEY SHARE) can be
        # inserted meanwhile; with FOR UPDATE such an insert and a lock taken in the other
        # order deadlock. Locked rows have their counters updated, never their keys.
        return list(ordered.select_for_update(of=of, no_key=True))
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise LockTimeout() from exc
        raise


def lock_one(queryset: QuerySet, *, of: tuple[str, ...] = ()):
    """The one row of `queryset`, locked; the model's DoesNotExist if there is none.
    With `select_related` over a nullable foreign key pass `of=("self",)`: PostgreSQL
    refuses to lock the nullable side of an outer join."""
    rows = lock_rows(queryset, of=of)
    if not rows:
        raise queryset.model.DoesNotExist(f"no {queryset.model.__name__} to lock")
    return rows[0]


def lock_first(queryset: QuerySet, *, of: tuple[str, ...] = ()):
    """The first row of `queryset` (by pk), locked, or None."""
    rows = lock_rows(queryset, of=of)
    return rows[0] if rows else None
