from django.core.management.base import BaseCommand

from digitalstadt.mailbox.services import outbox_sweep


class Command(BaseCommand):
    help = "Send every due e-mail in the outbox (run every minute from cron/systemd)."

    def handle(self, *args, **options):
        counts = outbox_sweep()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due")
