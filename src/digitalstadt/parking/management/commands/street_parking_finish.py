"""Street-parking sessions whose paid time ran out without a stop end at their paid end
(deploy/: every 5 minutes)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "End street-parking sessions whose paid time ran out."

    def handle(self, *args, **options):
        from digitalstadt.parking.street_services import street_sessions_finish_expired

        self.stdout.write(f"{street_sessions_finish_expired()} sessions ended")
