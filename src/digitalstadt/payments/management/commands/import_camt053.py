"""Import a CAMT.053 bank statement (for a scheduled import from the bank's export
folder). Re-importing the same file is refused (exit code 1)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from digitalstadt.payments.services import statement_import_camt053


class Command(BaseCommand):
    help = "Kontoauszug im Format CAMT.053 importieren und Zahlungseingänge abgleichen."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Datei nicht lesbar: {exc}") from None
        try:
            record = statement_import_camt053(content=content, filename=file.name, actor=None, source="command")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"{file.name}: {record.credits_total} Gutschriften, {record.matched_count} zugeordnet, "
            f"{record.partial_count} Teilzahlungen, {record.overpaid_count} Überzahlungen, "
            f"{record.duplicate_count} doppelt, {record.unknown_count} unbekannt, "
            f"{record.skipped_count} übersprungen."
        )
