"""A memo for one pass of many checks about the same person.

The staff navigation asks every app's work area whether it is this person's; most of
them ask the same question ("has this person the business development role?"), one
query each. Inside `memo_scope()` a check wrapped in `memoized(key, compute)` is
computed once; outside a scope nothing is remembered, so a role granted a moment ago
always counts."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("digitalstadt_memo", default=None)


@contextmanager
def memo_scope() -> Iterator[None]:
    token = _memo.set({}) if _memo.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _memo.reset(token)


def memoized(key: Hashable, compute: Callable[[], T]) -> T:
    store = _memo.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]
