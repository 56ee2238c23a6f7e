"""`db_worker` plus a heartbeat that /healthz reads.

A daemon thread writes `WorkerHeartbeat.last_seen` every WORKER_HEARTBEAT_INTERVAL
seconds; when the process stops, so does the heartbeat.
"""

import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from digitalstadt.core.models import WorkerHeartbeat


def beat(worker_id: str, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id[:64],
        defaults={"hostname": socket.gethostname()[:255], "pid": os.getpid(), "started_at": started_at,
                  "last_seen": timezone.now()},
    )


def heartbeat_loop(worker_id: str, stop: threading.Event) -> None:
    started_at = timezone.now()
    try:
        # Every worker start has a new id: forget workers that stopped long ago.
        WorkerHeartbeat.objects.filter(last_seen__lt=started_at - timedelta(days=1)).delete()
    except Exception:  # noqa: BLE001 - housekeeping only
        pass
    while not stop.is_set():
        try:
            close_old_connections()
            beat(worker_id, started_at)
        except Exception:  # noqa: BLE001 - a missed beat is reported by /healthz
            pass
        finally:
            connection.close()
        stop.wait(settings.WORKER_HEARTBEAT_INTERVAL)


class Command(DBWorkerCommand):
    help = "Run the database task worker with a heartbeat for /healthz."

    def handle(self, *args, **options):
        stop = threading.Event()
        thread = threading.Thread(target=heartbeat_loop, args=(options["worker_id"], stop), daemon=True)
        thread.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
