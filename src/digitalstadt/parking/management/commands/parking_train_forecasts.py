"""Train the car parks' forecasts on their stored history. Production runs it nightly (deploy/)."""

from django.core.management.base import BaseCommand

from digitalstadt.parking.forecast_services import forecasts_train_all


class Command(BaseCommand):
    help = "Train the free-space forecast of every active car park (safe to run twice; a few seconds each)."

    def handle(self, *args, **options):
        stats = forecasts_train_all()
        self.stdout.write(f"trained: {stats['trained']}, too little history: {stats['skipped']}, "
                          f"failed: {stats['failed']}")
