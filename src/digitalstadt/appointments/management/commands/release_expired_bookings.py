from django.core.management.base import BaseCommand

from digitalstadt.appointments.services import release_expired_bookings


class Command(BaseCommand):
    help = "Mark expired holds and unconfirmed bookings as expired (run every few minutes; tidying only)."

    def handle(self, *args, **options):
        self.stdout.write(f"released: {release_expired_bookings()}")
