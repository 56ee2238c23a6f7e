from django.core.management.base import BaseCommand

from digitalstadt.marketplace.checkout import order_holds_expire


class Command(BaseCommand):
    help = "Expire unpaid checkout holds and uncollected reservations in store; gives their stock back."

    def handle(self, *args, **options):
        self.stdout.write(f"expired: {order_holds_expire()}")
