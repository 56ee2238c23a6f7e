"""Poll the car parks' occupancy feeds once. Production runs it every 5 minutes (deploy/)."""

from django.core.management.base import BaseCommand

from digitalstadt.parking.carpark_services import feeds_poll


class Command(BaseCommand):
    help = "Poll every enabled car-park occupancy feed once (idempotent)."

    def handle(self, *args, **options):
        stats = feeds_poll()
        for plugin, stored in sorted(stats.items()):
            self.stdout.write(f"{plugin}: {'failed' if stored < 0 else f'{stored} new readings'}")
