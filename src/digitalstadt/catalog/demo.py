"""Darmstadt demo data for the service catalogue (called by `manage.py seed_demo` after
the appointments seeder, which creates the counter services).

Fees from shared/data/darmstadt.md where known (Bewohnerparkausweis 120 EUR a year,
Hundesteuer 120/156/192 EUR, dangerous dog 600 EUR; Sperrmüll pick-up free); the
federal fees for identity card (37 EUR), passport (70 EUR) and certificate of good
conduct (13 EUR) are nationwide. Figures without a Darmstadt source are marked as demo
values (`is_demo`).

LeiKa keys, legal bases, processing times and Easy Read texts of the online services
are demo content written for this platform (the keys are plausible 14-digit values,
not checked against the LeiKa/FIM catalogue): those services carry `is_demo`.

The catalogue itself is data: data/services.json holds the services citizens most often
look for (texts in German and English, everyday search words, life situations, office,
fees, evidence and the way: online here, by appointment here, an external online
service, or information only), the life situations, the search synonyms and the
offices. Re-seeding creates what is missing and fills empty texts, never overwriting
what staff entered; search words are added, not replaced.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.db import transaction

from digitalstadt.accounts.selectors import offices as office_list
from digitalstadt.accounts.services import office_ensure

from .models import Evidence, Fee, LifeSituation, SearchSynonym, Service

# The catalogue as data: services, life situations, search synonyms and offices.
DATA_FILE = Path(__file__).resolve().parent / "data" / "services.json"

EXTRA_SERVICES = [
    # slug, name_de, name_en, synonyms, summary_de, maturity, office slug
    ("meldebescheinigung", "Meldebescheinigung", "Certificate of registration",
     "Meldebestätigung\nWohnsitzbescheinigung\nAufenthaltsbescheinigung",
     "Bescheinigung über Ihre aktuelle Anschrift, sofort als signiertes PDF in Ihrem Postfach.", 4, "buergeramt"),
    ("bewohnerparkausweis", "Bewohnerparkausweis", "Resident parking permit",
     "Anwohnerparkausweis\nParkausweis\nAnwohnerparken\nParkplakette",
     "Parken in Ihrer Bewohnerparkzone, zum Beispiel im Martinsviertel (WA1, WA2).", 3, "strassenverkehrsamt"),
    ("gewerbeanmeldung", "Gewerbeanmeldung", "Business registration",
     "Gewerbe anmelden\nSelbstständigkeit\nFirma gründen\nGewerbeschein",
     "Anmeldung eines Gewerbes beim Gewerbeamt; die Kammern und Behörden werden benachrichtigt.", 3,
     "wirtschaftsfoerderung"),
    ("hundesteuer", "Hundesteuer-Anmeldung", "Dog tax registration", "Hund anmelden\nHundesteuer\nHundemarke",
     "Anmeldung Ihres Hundes zur Hundesteuer; Sie erhalten einen Steuerbescheid.", 3, "buergeramt"),
    ("sperrmuell", "Sperrmüll-Abholung", "Bulky waste collection", "Sperrmüll\nMöbel entsorgen\nSperrgut",
     "Kostenlose Abholung von Sperrmüll zu einem Termin in Ihrem Stadtteil.", 3, "ead"),
]


def catalogue_data() -> dict:
    with DATA_FILE.open(encoding="utf-8") as f:
        return json.load(f)


# English for the demo texts above (staff enter both languages; German is the fallback).
ENGLISH = {
    "Bescheinigung über Ihre aktuelle Anschrift, sofort als signiertes PDF in Ihrem Postfach.":
        "Certificate of your current address, straight away as a signed PDF in your mailbox.",
    "Parken in Ihrer Bewohnerparkzone, zum Beispiel im Martinsviertel (WA1, WA2).":
        "Parking in your resident parking zone, for example in the Martinsviertel (WA1, WA2).",
    "Anmeldung eines Gewerbes beim Gewerbeamt; die Kammern und Behörden werden benachrichtigt.":
        "Registering a business with the trade office; the chambers and authorities are notified.",
    "Anmeldung Ihres Hundes zur Hundesteuer; Sie erhalten einen Steuerbescheid.":
        "Registering your dog for dog tax; you receive a tax assessment.",
    "Kostenlose Abholung von Sperrmüll zu einem Termin in Ihrem Stadtteil.":
        "Free collection of bulky waste on a date in your district.",
    "Personalausweis (ab 24 Jahren)": "Identity card (aged 24 and over)",
    "Personalausweis (unter 24 Jahren)": "Identity card (under 24)",
    "Reisepass (ab 24 Jahren)": "Passport (aged 24 and over)",
    "Führungszeugnis": "Certificate of good conduct",
    "Meldebescheinigung": "Certificate of registration",
    "Bewohnerparkausweis, ein Jahr": "Resident parking permit, one year",
    "Bewohnerparkausweis, ein halbes Jahr": "Resident parking permit, six months",
    "Gewerbeanmeldung": "Business registration",
    "Erster Hund (Steuer pro Jahr)": "First dog (tax per year)",
    "Zweiter Hund (Steuer pro Jahr)": "Second dog (tax per year)",
    "Jeder weitere Hund (Steuer pro Jahr)": "Each further dog (tax per year)",
    "Gefährlicher Hund (Steuer pro Jahr)": "Dangerous dog (tax per year)",
    "Abholung von Sperrmüll": "Bulky waste collection",
    "Fahrzeugschein (Zulassungsbescheinigung Teil I)": "Vehicle registration certificate (Part I)",
    "Nachweis der Nutzung bei Firmen- oder Leihwagen": "Proof of use for a company or borrowed car",
    "Personalausweis oder Reisepass": "Identity card or passport",
    "Erlaubnis bei erlaubnispflichtigen Gewerben": "Permit for trades that need one",
    "Nachweis der Haftpflichtversicherung für gefährliche Hunde": "Proof of liability insurance for dangerous dogs",
    "Zeugnis der bestandenen Begleithundeprüfung und Nachweis der Haftpflichtversicherung":
        "Certificate of the passed companion dog test (Begleithundeprüfung) and proof of liability insurance",
    "Nachweis über die Lage des Gehöfts (mehr als 400 m vom Ort entfernt), zum Beispiel ein Lageplan":
        "Proof of where the farm lies (more than 400 m from the village), for example a site plan",
}

FEES = [
    # service slug, code, label, cents, demo?, valid from, valid until
    ("personalausweis", "", "Personalausweis (ab 24 Jahren)", 3700, False, date(2025, 1, 1), None),
    ("personalausweis", "", "Personalausweis (unter 24 Jahren)", 2280, False, date(2025, 1, 1), None),
    ("reisepass", "", "Reisepass (ab 24 Jahren)", 7000, False, date(2025, 1, 1), None),
    ("fuehrungszeugnis", "", "Führungszeugnis", 1300, False, date(2025, 1, 1), None),
    ("meldebescheinigung", "standard", "Meldebescheinigung", 1000, True, date(2025, 1, 1), None),
    ("meldebescheinigung-vor-ort", "standard", "Meldebescheinigung", 1000, True, date(2025, 1, 1), None),
    ("bewohnerparkausweis", "year", "Bewohnerparkausweis, ein Jahr", 12000, False, date(2025, 1, 1),
     date(2027, 3, 31)),
    ("bewohnerparkausweis", "half_year", "Bewohnerparkausweis, ein halbes Jahr", 7000, False, date(2025, 1, 1),
     date(2027, 3, 31)),
    # The planned rise (press: "up to 50 %", Oct 2025): date and amount are demo values.
    ("bewohnerparkausweis", "year", "Bewohnerparkausweis, ein Jahr", 18000, True, date(2027, 4, 1), None),
    ("bewohnerparkausweis", "half_year", "Bewohnerparkausweis, ein halbes Jahr", 10500, True, date(2027, 4, 1),
     None),
    ("gewerbeanmeldung", "standard", "Gewerbeanmeldung", 2600, True, date(2025, 1, 1), None),
    ("hundesteuer", "first", "Erster Hund (Steuer pro Jahr)", 12000, False, date(2018, 1, 1), None),
    ("hundesteuer", "second", "Zweiter Hund (Steuer pro Jahr)", 15600, False, date(2018, 1, 1), None),
    ("hundesteuer", "further", "Jeder weitere Hund (Steuer pro Jahr)", 19200, False, date(2018, 1, 1), None),
    ("hundesteuer", "dangerous", "Gefährlicher Hund (Steuer pro Jahr)", 60000, False, date(2018, 1, 1), None),
    ("sperrmuell", "standard", "Abholung von Sperrmüll", 0, False, date(2025, 1, 1), None),
]

# slug: (LeiKa key (demo), legal basis, processing time de/en, Easy Read text)
DETAILS = {
    "meldebescheinigung": (
        "99115005000000", "§ 18 Bundesmeldegesetz (BMG)",
        "sofort nach Zahlungseingang (eine Überweisung braucht ein bis zwei Bankarbeitstage)",
        "immediately after payment (a bank transfer takes one or two banking days)",
        "Eine Meldebescheinigung zeigt: Hier wohnen Sie.\nSie brauchen dafür die Online-Ausweis-Funktion.\n"
        "Sie bezahlen 10 Euro.\nDann kommt die Bescheinigung sofort in Ihr Postfach."),
    "bewohnerparkausweis": (
        "99058012000000", "§ 45 Abs. 1b Nr. 2a Straßenverkehrs-Ordnung (StVO), § 6a Abs. 5a "
        "Straßenverkehrsgesetz (StVG), Bewohnerparkgebührenordnung der Wissenschaftsstadt Darmstadt",
        "in der Regel 3 Werktage nach Zahlungseingang", "usually 3 working days after payment",
        "Sie wohnen in einer Bewohner-Park-Zone?\nDann dürfen Sie mit dem Ausweis dort parken.\n"
        "Sie laden ein Foto vom Fahrzeug-Schein hoch.\nDer Ausweis kostet 120 Euro für ein Jahr."),
    "gewerbeanmeldung": (
        "99050012104000", "§ 14 und § 15 Abs. 1 Gewerbeordnung (GewO), Gewerbeanzeigeverordnung (GewAnzV)",
        "in der Regel 5 Werktage nach Zahlungseingang", "usually 5 working days after payment",
        "Sie wollen ein Geschäft oder eine Firma anfangen?\nDann melden Sie Ihr Gewerbe an.\n"
        "Sie bekommen eine Bestätigung.\nDie Stadt sagt den Kammern und dem Finanz-Amt Bescheid."),
    "hundesteuer": (
        "99037008001000", "§ 7 Hessisches Gesetz über kommunale Abgaben (KAG) in Verbindung mit der "
        "Hundesteuersatzung der Wissenschaftsstadt Darmstadt",
        "in der Regel 2 Wochen", "usually 2 weeks",
        "Haben Sie einen Hund?\nDann müssen Sie ihn bei der Stadt anmelden.\nSie zahlen jedes Jahr Hunde-Steuer.\n"
        "Für den ersten Hund sind es 120 Euro im Jahr."),
    "ummeldung": (
        "99115001000000", "§ 17, § 19 und § 23 Bundesmeldegesetz (BMG)",
        "sofort mit dem Code des Wohnungsgebers, sonst in der Regel 3 Werktage",
        "straight away with the landlord's code, otherwise usually 3 working days",
        "Sie sind in Darmstadt umgezogen?\nDann melden Sie Ihre neue Adresse.\nSie brauchen die Online-Ausweis-Funktion.\n"
        "Ihr Vermieter gibt Ihnen einen Code.\nDas kostet nichts."),
    "sperrmuell": (
        "99028006000000", "§ 20 Kreislaufwirtschaftsgesetz (KrWG), Abfallsatzung der Wissenschaftsstadt Darmstadt",
        "Bestätigung sofort, Abholung am gewählten Tag", "confirmation straight away, collection on the chosen day",
        "Sie haben alte Möbel?\nDie Stadt holt sie kostenlos ab.\nSie wählen einen Tag.\n"
        "Stellen Sie die Sachen an dem Tag an die Straße."),
}

# The services citizens apply for online (applications plugins exist for them).
ONLINE_SERVICES = ["meldebescheinigung", "bewohnerparkausweis", "gewerbeanmeldung", "hundesteuer", "sperrmuell",
                   "ummeldung"]

EVIDENCE = [
    ("bewohnerparkausweis", "Fahrzeugschein (Zulassungsbescheinigung Teil I)", True),
    ("bewohnerparkausweis", "Nachweis der Nutzung bei Firmen- oder Leihwagen", False),
    ("gewerbeanmeldung", "Personalausweis oder Reisepass", True),
    ("gewerbeanmeldung", "Erlaubnis bei erlaubnispflichtigen Gewerben", False),
    ("hundesteuer", "Nachweis der Haftpflichtversicherung für gefährliche Hunde", False),
    # Only for the 50 % reductions of the statute (darmstadt.md); asked for by the plugin.
    ("hundesteuer", "Zeugnis der bestandenen Begleithundeprüfung und Nachweis der Haftpflichtversicherung", False),
    ("hundesteuer", "Nachweis über die Lage des Gehöfts (mehr als 400 m vom Ort entfernt), zum Beispiel ein "
     "Lageplan", False),
]


def seed(stdout=None) -> None:
    data = catalogue_data()
    with transaction.atomic():
        for slug, name in data["offices"].items():
            office_ensure(slug=slug, name=name)
        offices = {o.slug: o for o in office_list()}
        for slug, name_de, name_en, synonyms, summary, maturity, office in EXTRA_SERVICES:
            Service.objects.get_or_create(slug=slug, defaults={
                "name_de": name_de, "name_en": name_en, "synonyms": synonyms, "summary_de": summary,
                "summary_en": ENGLISH.get(summary, ""), "ozg_maturity": maturity, "office": offices.get(office)})
        # The demo name until December 2026 read "Meldebescheinigung online online beantragen" as a title.
        Service.objects.filter(slug="meldebescheinigung", name_de="Meldebescheinigung online").update(
            name_de="Meldebescheinigung", name_en="Certificate of registration")
        for entry in data["services"]:
            _ensure_service(entry, offices)
        # A database seeded before the EAD office existed: the EAD takes bulky waste over.
        if "ead" in offices:
            Service.objects.filter(slug="sperrmuell", office__slug="buergeramt").update(office=offices["ead"])
        Service.objects.filter(location_offers__isnull=False, ozg_maturity=0).update(ozg_maturity=1)
        services = {s.slug: s for s in Service.objects.all()}
        members: dict[str, list[Service]] = {}
        for entry in data["services"]:
            for situation_slug in entry.get("situations", []):
                members.setdefault(situation_slug, []).append(services[entry["slug"]])
        for order, (slug, name_de, name_en) in enumerate(data["situations"]):
            situation, _ = LifeSituation.objects.get_or_create(slug=slug, defaults={
                "name_de": name_de, "name_en": name_en, "order": order})
            situation.services.add(*members.get(slug, []))
        for term, expansion in data["synonyms"]:
            SearchSynonym.objects.get_or_create(term=term, defaults={"expansion": expansion})
        fees = list(FEES) + [(entry["slug"], "", label_de, cents, demo, date(2025, 1, 1), None)
                             for entry in data["services"] for label_de, _en, cents, demo in entry.get("fees", [])]
        english = ENGLISH | {label_de: label_en for entry in data["services"]
                             for label_de, label_en, *_rest in entry.get("fees", []) + entry.get("evidence", [])}
        for slug, code, label, cents, demo, valid_from, valid_until in fees:
            if slug in services:
                fee, created = Fee.objects.get_or_create(
                    service=services[slug], label_de=label, valid_from=valid_from, defaults={
                        "label_en": english.get(label, ""), "amount_cents": cents, "is_demo": demo,
                        "code": code, "valid_until": valid_until})
                if not created and (fee.code, fee.valid_until) != (code, valid_until):
                    Fee.objects.filter(pk=fee.pk).update(code=code, valid_until=valid_until)
        # Applied, paid and decided online, the sealed decision in the Postfach: OZG level 4.
        Service.objects.filter(slug__in=ONLINE_SERVICES).update(online_application=True)
        Service.objects.filter(slug__in=ONLINE_SERVICES, ozg_maturity__lt=4).update(ozg_maturity=4)
        for slug, (key, legal, time_de, time_en, easy) in DETAILS.items():
            # Fill only what staff have not entered themselves.
            Service.objects.filter(slug=slug, leika_key="").update(leika_key=key, is_demo=True)
            Service.objects.filter(slug=slug, legal_basis="").update(legal_basis=legal)
            Service.objects.filter(slug=slug, processing_time_de="").update(processing_time_de=time_de,
                                                                             processing_time_en=time_en)
            Service.objects.filter(slug=slug, easy_language_de="").update(easy_language_de=easy)
        evidence = list(EVIDENCE) + [(entry["slug"], name_de, required) for entry in data["services"]
                                     for name_de, _en, required in entry.get("evidence", [])]
        for order, (slug, name, required) in enumerate(evidence):
            if slug in services:
                Evidence.objects.get_or_create(service=services[slug], name_de=name, defaults={
                    "name_en": english.get(name, ""), "required": required, "order": order})
    if stdout:
        stdout.write("Catalogue demo data ready.")


def _ensure_service(entry: dict, offices: dict) -> None:
    """Create the service of a data-file entry, or fill in what an existing one lacks
    (texts, office, external link) and add its search words; what staff or another
    app's demo data entered is never overwritten."""
    synonyms = "\n".join(entry.get("synonyms", []))
    office = offices.get(entry.get("office") or "")
    service, created = Service.objects.get_or_create(slug=entry["slug"], defaults={
        "name_de": entry.get("name_de", entry["slug"]), "name_en": entry.get("name_en", ""), "synonyms": synonyms,
        "summary_de": entry.get("summary_de", ""), "summary_en": entry.get("summary_en", ""), "office": office,
        "external_url": entry.get("external_url"), "is_demo": entry.get("demo", False)})
    if created:
        return
    changes = {}
    for field in ("summary_de", "summary_en"):
        if not getattr(service, field) and entry.get(field):
            changes[field] = entry[field]
    if service.office_id is None and office:
        changes["office"] = office
    if not service.external_url and entry.get("external_url"):
        changes["external_url"] = entry["external_url"]
    have = {line.strip().casefold() for line in service.synonyms.splitlines()}
    new = [word for word in entry.get("synonyms", []) if word.casefold() not in have]
    if new:
        changes["synonyms"] = "\n".join([*service.synonyms.splitlines(), *new]).strip()
    if changes:
        Service.objects.filter(pk=service.pk).update(**changes)
