from django.core.management.base import BaseCommand

from digitalstadt.core.retention import purge_expired_data


class Command(BaseCommand):
    help = "Delete personal data whose retention period has ended (run daily)."

    def handle(self, *args, **options):
        counts = purge_expired_data()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
