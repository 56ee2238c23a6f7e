from django.core.management.base import BaseCommand

from digitalstadt.appointments.models import Location
from digitalstadt.appointments.schedule import ensure_slots


class Command(BaseCommand):
    help = "Create slot rows for every active location's booking window (run daily)."

    def handle(self, *args, **options):
        for location in Location.objects.filter(is_active=True):
            result = ensure_slots(location=location)
            self.stdout.write(f"{location.slug}: {result}")
