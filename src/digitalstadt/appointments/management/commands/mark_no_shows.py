from django.core.management.base import BaseCommand

from digitalstadt.appointments.queue import mark_no_shows


class Command(BaseCommand):
    help = "Confirmed appointments that ended without check-in become no-shows (run nightly)."

    def handle(self, *args, **options):
        self.stdout.write(f"no-shows: {mark_no_shows()}")
