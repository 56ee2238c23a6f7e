"""Demo case-work settings: text blocks for the resident permit (safe to run twice).
Four-eyes release stays off in the demo (one case worker can try everything); turn it on
per service in the admin (Bearbeitungsregeln)."""

from __future__ import annotations

from .models import TextBlock

TEXT_BLOCKS = [
    ("bewohnerparkausweis", TextBlock.Kind.REQUEST, "Rückseite Fahrzeugschein",
     "Bitte laden Sie auch die Rückseite des Fahrzeugscheins (Zulassungsbescheinigung Teil I) hoch."),
    ("bewohnerparkausweis", TextBlock.Kind.REQUEST, "Nutzungsnachweis Firmenwagen",
     "Bitte laden Sie eine Bestätigung Ihres Arbeitgebers hoch, dass Sie den Firmenwagen auch privat nutzen."),
    ("bewohnerparkausweis", TextBlock.Kind.DECISION, "Keine Hauptwohnung in der Zone",
     "Sie sind unter der angegebenen Anschrift nicht mit Hauptwohnung gemeldet. Ein Bewohnerparkausweis "
     "setzt die Hauptwohnung in der Bewohnerparkzone voraus."),
]


def seed(stdout=None) -> None:
    for plugin, kind, title, text in TEXT_BLOCKS:
        TextBlock.objects.get_or_create(plugin=plugin, kind=kind, title=title, defaults={"text": text})
    if stdout is not None:
        stdout.write(f"Textbausteine: {len(TEXT_BLOCKS)}")
