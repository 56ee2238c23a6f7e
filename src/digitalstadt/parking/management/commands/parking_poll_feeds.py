"""Poll the car parks' occupancy feeds once (production: every 5 minutes from cron or a
systemd timer, see deploy/). `--every 300` keeps polling, for `make run`'s Procfile."""

import time

from django.core.management.base import BaseCommand

from digitalstadt.parking.carpark_services import feeds_poll


class Command(BaseCommand):
    help = "Poll every enabled car-park occupancy feed once (idempotent); --every N repeats every N seconds."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds (0: once)")

    def handle(self, *args, every: int = 0, **options):
        while True:
            stats = feeds_poll()
            for plugin, stored in sorted(stats.items()):
                self.stdout.write(f"{plugin}: {'failed' if stored < 0 else f'{stored} new readings'}")
            if every <= 0:
                return
            time.sleep(max(30, every))
