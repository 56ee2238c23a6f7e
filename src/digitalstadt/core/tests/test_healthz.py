"""/healthz: 200 while the database answers, a worker beats and the queue moves; 503 otherwise."""

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from digitalstadt.core.models import WorkerHeartbeat

from .conftest import PRODUCTION_ENV, free_port_closed, subprocess_env

ROOT = Path(__file__).resolve().parents[4]


def wait_for_status(client, status: int, *, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get("/healthz")
        if response.status_code == status:
            return response.json()
        if time.monotonic() > deadline:
            beats = list(WorkerHeartbeat.objects.values_list("last_seen", flat=True))
            raise AssertionError(f"/healthz stayed {response.status_code}: {response.json()}; "
                                 f"now {timezone.now().isoformat()}, heartbeats {beats}")
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_healthz_follows_the_real_worker_heartbeat(client, settings, start_worker):
    # Beats every 0.5 s; 5 s of silence is a dead worker (a loaded CI machine may delay
    # a beat by a second or two, which must not count as dead).
    settings.WORKER_HEARTBEAT_MAX_AGE = 5
    assert client.get("/healthz").status_code == 503  # no worker yet

    worker = start_worker(WORKER_HEARTBEAT_INTERVAL="0.5")
    # A loaded CI machine (two test processes and browsers on two cores) may need a
    # minute or more to start a Python process that imports every app: wait for the
    # first beat on its own, then /healthz must follow it promptly.
    deadline = time.monotonic() + 240
    while not WorkerHeartbeat.objects.exists():
        if worker.poll() is not None:
            raise AssertionError(f"the worker exited ({worker.returncode}): {worker.stdout.read()}")
        assert time.monotonic() < deadline, "the worker sent no heartbeat within 240 s"
        time.sleep(0.2)
    body = wait_for_status(client, 200, timeout=30)

    assert body == {"status": "ok", "checks": {"database": "ok", "worker": "ok", "queue": "ok"}}
    beat = WorkerHeartbeat.objects.get()
    assert beat.pid == worker.pid
    first_seen = beat.last_seen
    deadline = time.monotonic() + 15
    while WorkerHeartbeat.objects.get().last_seen <= first_seen:  # it keeps beating
        assert time.monotonic() < deadline, "the heartbeat stopped"
        time.sleep(0.2)

    worker.kill()
    worker.wait(timeout=10)
    body = wait_for_status(client, 503, timeout=20)
    assert body["checks"]["worker"] == "no recent heartbeat"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_a_ready_task_waiting_too_long_makes_healthz_fail(client, settings):
    from django_tasks_db.models import DBTaskResult

    from digitalstadt.mailbox.tasks import send_outbound_email

    settings.TASK_QUEUE_MAX_WAIT = 60
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=now, last_seen=now)
    send_outbound_email.enqueue(1)
    assert client.get("/healthz").status_code == 200  # just enqueued

    DBTaskResult.objects.update(enqueued_at=now - timedelta(seconds=61))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == "tasks waiting too long"

    # A task scheduled for later is not "waiting" until its run_after has passed.
    DBTaskResult.objects.update(enqueued_at=now - timedelta(hours=1), run_after=now + timedelta(minutes=5))
    assert client.get("/healthz").status_code == 200
    DBTaskResult.objects.update(run_after=now - timedelta(seconds=61))
    assert client.get("/healthz").status_code == 503


@pytest.mark.parametrize("settings_module", ["digitalstadt.settings.test", "digitalstadt.settings.production"])
def test_healthz_answers_503_when_the_database_is_unreachable(settings_module):
    """A real process whose database is a PostgreSQL port nobody listens on. With the
    production settings the plain-HTTP probe of a load balancer is answered, not
    redirected to HTTPS."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz')\n"
        "print(r.status_code, r.content.decode())\n"
    )
    env = {key: value for key, value in subprocess_env().items()
           if key not in {"DS_TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    if settings_module.endswith("production"):
        env.update(PRODUCTION_ENV)
        env["ALLOWED_HOSTS"] = "testserver"
    env.update({"DJANGO_SETTINGS_MODULE": settings_module,
                "DATABASE_URL": f"postgres://nobody@127.0.0.1:{free_port_closed()}/nothing",
                "PYTHONPATH": str(ROOT / "src")})
    result = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert '"database": "unreachable"' in body
