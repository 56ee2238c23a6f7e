"""The test suite's clock.

Every test runs at a fixed, named instant (time-machine, ticking from there), never at
today's date or the time of day the suite happens to run. Date-sensitive tests are
marked `@pytest.mark.instants(...)` and run once at each named instant. The live
server of the browser tests runs in the test process, so it shares this clock; the
browser gets the same instant through Playwright's `clock`.

`DS_TEST_INSTANT=<name or ISO datetime>` runs the whole suite at another instant, to
show that no test depends on the day it runs.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import time_machine

BERLIN = ZoneInfo("Europe/Berlin")

INSTANTS: dict[str, dt.datetime] = {
    # A Tuesday morning in December: the default for every test.
    "1-december": dt.datetime(2026, 12, 1, 9, 30, tzinfo=BERLIN),
    # Ten minutes before the year ends (and a Thursday night).
    "new-years-eve": dt.datetime(2026, 12, 31, 23, 50, tzinfo=BERLIN),
    # Last Sunday of March: at 02:00 CET the clocks jump to 03:00 CEST.
    "dst-start": dt.datetime(2027, 3, 28, 0, 50, tzinfo=dt.UTC),  # 01:50 CET
    # Last Sunday of October: at 03:00 CEST the clocks go back to 02:00 CET.
    "dst-end": dt.datetime(2027, 10, 31, 0, 50, tzinfo=dt.UTC),  # 02:50 CEST
    # A leap day (a Tuesday).
    "leap-day": dt.datetime(2028, 2, 29, 11, 0, tzinfo=BERLIN),
    # Fronleichnam (Corpus Christi): a public holiday in Hesse, not in all of Germany.
    "hessian-holiday": dt.datetime(2027, 5, 27, 10, 0, tzinfo=BERLIN),
    # A Saturday evening, after every office has closed.
    "saturday-evening": dt.datetime(2026, 12, 5, 19, 30, tzinfo=BERLIN),
}
DEFAULT_INSTANT = "1-december"
# The instants every date-sensitive test runs at: `@pytest.mark.instants(*ALL_INSTANTS)`.
ALL_INSTANTS = tuple(INSTANTS)


def resolve(name: str) -> dt.datetime:
    if name in INSTANTS:
        return INSTANTS[name]
    value = dt.datetime.fromisoformat(name)
    return value if value.tzinfo else value.replace(tzinfo=BERLIN)


def default_instant_name() -> str:
    return os.environ.get("DS_TEST_INSTANT") or DEFAULT_INSTANT


@dataclass
class Clock:
    """The running test's clock: `now()`, `shift(timedelta)`, `move_to(datetime)`.
    Browser journeys register their browser contexts so that shifting moves them too."""

    name: str
    start: dt.datetime
    traveller: time_machine.Coordinates
    browsers: list = field(default_factory=list)

    def now(self) -> dt.datetime:
        return dt.datetime.now(BERLIN)

    def today(self) -> dt.date:
        return self.now().date()

    def shift(self, delta: dt.timedelta) -> None:
        """Let `delta` pass at once, on the server and in every registered browser
        (whose due timers fire, as if the time had really passed)."""
        self.traveller.shift(delta)
        for context in self.browsers:
            if delta >= dt.timedelta(0):
                context.clock.fast_forward(int(delta.total_seconds() * 1000))
            else:  # back in time: no timer fires
                context.clock.set_system_time(self.now())

    def move_to(self, moment: dt.datetime) -> None:
        self.shift(moment - self.now())

    def set_time_of_day(self, hour: int, minute: int = 0) -> None:
        """Stay on today's date, at this wall-clock time (e.g. while an office is open)."""
        self.move_to(self.now().replace(hour=hour, minute=minute, second=0, microsecond=0))

    def install_in(self, context) -> None:
        context.clock.install(time=self.now())
        self.browsers.append(context)


_current: Clock | None = None


def current() -> Clock:
    if _current is None:
        raise RuntimeError("no test clock is running (the `clock` fixture is autouse in tests)")
    return _current


def start(name: str):
    """Context manager: travel to the named instant (time keeps ticking from there)."""
    import contextlib

    @contextlib.contextmanager
    def running():
        global _current
        moment = resolve(name)
        with time_machine.travel(moment, tick=True) as traveller:
            _current = Clock(name=name, start=moment, traveller=traveller)
            try:
                yield _current
            finally:
                _current = None

    return running()


def subprocess_env() -> dict[str, str]:
    """What a subprocess started by a test (a task worker, a server) needs to run on
    the test's clock: the instant now, and the real time it was taken at (the child
    starts a while later and catches up by that much). Test settings read it."""
    import time

    if _current is None:
        return {}
    # CLOCK_MONOTONIC is one clock for every process of the machine (and not travelled).
    return {"DS_TEST_CLOCK": f"{current().now().isoformat()}|{time.monotonic()!r}"}


def follow_parent() -> None:
    """In a subprocess started by a test: run on the parent test's clock."""
    value = os.environ.get("DS_TEST_CLOCK")
    if not value:
        return
    import time

    moment, _, taken_at = value.partition("|")
    elapsed = max(0.0, time.monotonic() - float(taken_at)) if taken_at else 0.0
    time_machine.travel(dt.datetime.fromisoformat(moment) + dt.timedelta(seconds=elapsed), tick=True).start()


def fresh_totp(secret: str) -> str:
    """A TOTP code that stays valid for a while: near the end of a 30-second window the
    clock moves on to the next window instead of sleeping."""
    import pyotp

    totp = pyotp.TOTP(secret)
    now = current().now().timestamp()
    remaining = totp.interval - now % totp.interval
    if remaining < 10:
        current().shift(dt.timedelta(seconds=remaining + 0.5))
    return totp.now()
