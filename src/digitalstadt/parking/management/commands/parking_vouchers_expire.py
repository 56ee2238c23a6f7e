"""Periodic job: park & shop vouchers past their validity expire and give their value
back to the shop's budget (safe to run at any time and twice)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Expire park & shop vouchers past their validity and return their reservation to the budget."

    def handle(self, *args, **options):
        from digitalstadt.parking.voucher_services import vouchers_expire

        self.stdout.write(f"{vouchers_expire()} vouchers expired")
