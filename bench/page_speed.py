"""Citizen page throughput against a trivial view, as the product is served.

gunicorn with 2 sync workers, DEBUG off, the embedded SQLite with the Darmstadt demo
data (`seed_demo`), static files through whitenoise. 50 concurrent clients (threads,
one new connection per request, like browsers that do not share one) fetch one URL for
a fixed number of requests; the trivial view (`/bench/trivial`, plain "ok") is measured
before and after every page in the same run, and each page's throughput is printed as a
ratio of the trivial view's mean. One client alone gives the unloaded latency.

    .venv/bin/python bench/page_speed.py [requests per page, default 600]

Goal (issue 10): every citizen page at least 0.25 of the trivial view.
The load generator runs on the same 2 cores as the server, which caps the trivial
view's throughput too; the ratios are what compares across machines.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from _setup import ROOT, django_setup, percentile

CONCURRENCY = 50
GOAL = 0.25
PAGES = [
    ("home", "/"),
    ("catalogue", "/leistungen/"),
    ("catalogue search", "/leistungen/?q=Umzug"),
    ("catalogue search, typo", "/leistungen/?q=Personalausweiss"),
    ("service page", "/leistungen/meldebescheinigung/"),
    ("appointment start", "/termine/"),
    ("Bürgeramt page", "/themen/buergeramt/"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, float]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        status = response.status
    return status, (time.perf_counter() - t0) * 1000


def load(url: str, requests: int, concurrency: int = CONCURRENCY) -> tuple[float, list[float]]:
    """Requests per second and latencies (ms) of `requests` GETs, `concurrency` at a time."""
    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda _i: fetch(url), range(requests)))
    seconds = time.perf_counter() - t0
    bad = [status for status, _ms in results if status != 200]
    if bad:
        raise SystemExit(f"{url}: {len(bad)} answers were not 200 ({bad[:3]})")
    return requests / seconds, sorted(ms for _status, ms in results)


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    django_setup(database="sqlite")
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "digitalstadt.settings.bench", "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "digitalstadt.wsgi", "-w", "2",
                               "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--backlog", "512"],
                              env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if fetch(f"{base}/bench/trivial")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        for _name, path in PAGES:  # warm-up: templates, translations, caches
            for _ in range(5):
                fetch(base + path)
        load(f"{base}/bench/trivial", 200)
        print(f"page speed: gunicorn -w 2, SQLite demo data, {CONCURRENCY} concurrent clients, "
              f"{requests} requests per page")
        print(f"| page | req/s | trivial req/s | ratio | p50 (50 clients) | p95 | one client p50 | goal {GOAL} |")
        print("|---|---|---|---|---|---|---|---|")
        missed = []
        for name, path in PAGES:
            before, _lat = load(f"{base}/bench/trivial", requests)
            rate, latencies = load(base + path, requests)
            after, _lat = load(f"{base}/bench/trivial", requests)
            trivial = (before + after) / 2
            alone = statistics.median(fetch(base + path)[1] for _ in range(30))
            ratio = rate / trivial
            verdict = "met" if ratio >= GOAL else "not met"
            if ratio < GOAL:
                missed.append(name)
            print(f"| {name} (`{path}`) | {rate:.0f} | {trivial:.0f} | {ratio:.2f} | "
                  f"{percentile(latencies, 50):.0f} ms | {percentile(latencies, 95):.0f} ms | {alone:.1f} ms | {verdict} |")
        print("goal missed for: " + ", ".join(missed) if missed else "goal met for every page")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
