"""Erase payers' names and IBANs of incoming payments past their retention period
(run daily, next to purge_expired_data)."""

from django.core.management.base import BaseCommand

from digitalstadt.payments.services import transaction_personal_data_purge


class Command(BaseCommand):
    help = "Personenbezogene Daten von Zahlungseingängen nach Ablauf der Aufbewahrungsfrist löschen."

    def handle(self, *args, **options):
        count = transaction_personal_data_purge()
        self.stdout.write(f"{count} Zahlungseingänge bereinigt.")
