"""Helpers for negative-control tests (see core.locking.negative_control)."""

from __future__ import annotations

import threading
from collections.abc import Callable


def meeting_point(parties: int, *, timeout: float = 10.0) -> Callable[[], None]:
    """A race window that holds every client until all `parties` have passed their
    availability check, so that all of them write on what they read: the race happens
    every time instead of by luck of timing. A client that never arrives (refused
    earlier) breaks the barrier after `timeout` and the others go on."""
    barrier = threading.Barrier(parties, timeout=timeout)

    def wait() -> None:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass

    return wait
