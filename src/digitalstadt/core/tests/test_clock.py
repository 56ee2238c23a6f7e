"""The test suite's clock itself: named instants, parametrised runs, subprocesses."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from digitalstadt.testing import clock as test_clock

from .conftest import subprocess_env


def test_every_test_runs_at_a_named_instant_not_today(clock):
    assert clock.name == test_clock.default_instant_name()
    assert abs(timezone.now() - test_clock.resolve(clock.name)) < dt.timedelta(minutes=5)


@pytest.mark.instants("new-years-eve", "dst-end", "leap-day")
def test_marked_tests_run_once_at_each_instant(clock, request):
    assert request.node.name.endswith(f"[at-{clock.name}]")
    assert timezone.localdate() == test_clock.INSTANTS[clock.name].astimezone(test_clock.BERLIN).date()


@pytest.mark.instants("dst-start")
def test_shifting_across_the_spring_clock_change(clock):
    assert timezone.localtime().strftime("%H:%M %Z") == "01:50 CET"
    clock.shift(dt.timedelta(minutes=20))  # 02:00-03:00 does not exist on this night
    assert timezone.localtime().strftime("%H:%M %Z") == "03:10 CEST"


def test_a_subprocess_runs_on_the_same_clock(clock):
    """Also after its start-up: a task worker's heartbeat must not lag the test's clock
    by the seconds the child needed to start."""
    clock.move_to(dt.datetime(2031, 5, 6, 7, 8, tzinfo=test_clock.BERLIN))
    script = "import time; print(time.time())"
    root = Path(__file__).resolve().parents[4]
    env = {**subprocess_env(), "PYTHONPATH": str(root / "src")}
    before = clock.now().timestamp()
    out = subprocess.run([sys.executable, "-c", "import django; django.setup();" + script], env=env, cwd=root,
                         capture_output=True, text=True, check=True, timeout=60)
    after = clock.now().timestamp()
    child = float(out.stdout.strip())
    assert before - 0.5 <= child <= after + 0.5, (before, child, after)
    assert dt.datetime.fromtimestamp(child, test_clock.BERLIN).date() == dt.date(2031, 5, 6)


def test_unknown_instant_names_are_refused():
    with pytest.raises(ValueError):
        test_clock.resolve("someday")
