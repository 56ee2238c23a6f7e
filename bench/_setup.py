"""Shared set-up for benchmarks: a fresh database (SQLite file or PostgreSQL) and Django."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# Benchmarks run on a fixed clock, like the tests: the same code measured at another
# hour or weekday would search other slots (a Saturday evening has none left today).
DEFAULT_INSTANT = "2026-12-01T09:30:00+01:00"


def start_fixed_clock() -> str:
    """Travel to BENCH_INSTANT (default: a Tuesday morning; time keeps ticking) and hand
    the same clock to subprocesses (the benchmark server follows DS_TEST_CLOCK)."""
    import datetime as dt
    import time

    import time_machine

    instant = os.environ.get("BENCH_INSTANT", DEFAULT_INSTANT)
    time_machine.travel(dt.datetime.fromisoformat(instant), tick=True).start()
    os.environ["DS_TEST_CLOCK"] = f"{instant}|{time.monotonic()!r}"
    return instant


def django_setup(*, database: str) -> str:
    """database: "sqlite" or "postgres". Returns a label. Creates a fresh database."""
    print(f"clock: {start_fixed_clock()} (BENCH_INSTANT)")
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitalstadt.settings.dev")
    os.environ["DEBUG"] = "0"
    if database == "postgres":
        import psycopg

        name = f"ds_bench_{os.getpid()}"
        base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = f"{base}/{name}"
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="ds_bench_")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    return database


def drop_postgres() -> None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]
