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


def all_at_once(calls: list[Callable[[], object]], *, timeout: float = 90.0) -> list[object]:
    """Run every call in its own thread, all released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
