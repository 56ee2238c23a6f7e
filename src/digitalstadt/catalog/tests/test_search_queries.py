"""The search measured as a citizen uses it (issue 10): everyday words, phrases and typos,
each with the service that must be among the first three hits, on the seeded Darmstadt
demo catalogue."""

import pytest

from digitalstadt.catalog.selectors import search_services

QUERIES = [
    # Moving house
    ("Umzug", "ummeldung"),
    ("Umzug", "bewohnerparkausweis"),
    ("umziehen", "ummeldung"),
    ("Ummeldung", "ummeldung"),
    ("Anmeldung Wohnung", "ummeldung"),
    ("Adresse ändern", "ummeldung"),
    ("neue Wohnung", "ummeldung"),
    ("Wohnsitz anmelden", "ummeldung"),
    ("Umzg", "ummeldung"),
    ("Zweitwohnsitz", "nebenwohnung"),
    ("Wegzug ins Ausland", "abmeldung-wohnsitz"),
    ("abmelden Wohnung", "abmeldung-wohnsitz"),
    ("Meldebescheinigung", "meldebescheinigung"),
    ("Meldebestätigung", "meldebescheinigung"),
    ("Halteverbot Umzug", "halteverbot-umzug"),
    ("Parkverbot Umzugswagen", "halteverbot-umzug"),
    ("Umzugswagen parken", "halteverbot-umzug"),
    ("Sofa", "sperrmuell"),
    ("Couch entsorgen", "sperrmuell"),
    ("Möbel", "sperrmuell"),
    ("Sperrmül", "sperrmuell"),
    ("Matratze", "sperrmuell"),
    ("Mietzuschuss", "wohngeld"),
    ("Wohngeld", "wohngeld"),
    ("WBS", "wohnberechtigungsschein"),
    ("Sozialwohnung", "wohnberechtigungsschein"),
    ("Adresse herausfinden", "melderegisterauskunft"),
    ("Auskunftssperre", "uebermittlungssperre"),
    # ID and documents
    ("Personalausweis", "personalausweis"),
    ("Persoanlausweis", "personalausweis"),
    ("Perso", "personalausweis"),
    ("Ausweis abgelaufen", "personalausweis"),
    ("Reisepass", "reisepass"),
    ("Reisepas", "reisepass"),
    ("Kinderreisepass", "kinderreisepass"),
    ("Pass für Kinder", "kinderreisepass"),
    ("Ausweis verloren", "ausweis-verloren"),
    ("Notausweis", "vorlaeufiger-ausweis"),
    ("Führungszeugnis", "fuehrungszeugnis"),
    ("Fuehrungszeugnis", "fuehrungszeugnis"),
    ("Führungszeugniss", "fuehrungszeugnis"),
    ("Kopie beglaubigen", "beglaubigung"),
    ("PIN vergessen", "online-ausweis-pin"),
    # Family
    ("Geburtsurkunde", "geburtsurkunde"),
    ("Baby", "geburt-anzeigen"),
    ("heiraten", "eheschliessung"),
    ("Hochzeit", "eheschliessung"),
    ("Elterngeld", "elterngeld"),
    ("Kindergarten", "kita-platz"),
    ("Kita Platz", "kita-platz"),
    ("Kindergeld", "kindergeld"),
    ("Sorgerecht", "vaterschaft"),
    # Death
    ("Sterbeurkunde", "sterbefall"),
    ("gestorben", "sterbefall"),
    # Car and parking
    ("Parkausweis", "bewohnerparkausweis"),
    ("Anwohnerparken", "bewohnerparkausweis"),
    ("Bewohnerparkausweiss", "bewohnerparkausweis"),
    ("Handwerker parken", "handwerkerparkausweis"),
    ("Behindertenparkausweis", "parkausweis-schwerbehinderte"),
    ("Auto anmelden", "kfz-zulassung"),
    ("Kfz Zulassung", "kfz-zulassung"),
    ("Auto ummelden", "kfz-ummeldung"),
    ("Auto abmelden", "kfz-abmeldung"),
    ("Wunschkennzeichen", "wunschkennzeichen"),
    ("Führerschein", "fuehrerschein"),
    ("Führerschein umtauschen", "fuehrerschein-umtausch"),
    ("Knöllchen", "verwarnungsgeld"),
    ("Besucherkarte", "besucherparkausweis"),
    # Dogs
    ("Hund", "hundesteuer"),
    ("Hundesteuer", "hundesteuer"),
    ("Hund aus dem Tierheim", "hundesteuer"),
    ("Welpe", "hundesteuer"),
    ("Hundesteuer abmelden", "hundesteuer-abmeldung"),
    ("Kampfhund", "gefaehrlicher-hund"),
    # Work and business
    ("Gewerbe anmelden", "gewerbeanmeldung"),
    ("Firma gründen", "gewerbeanmeldung"),
    ("selbstständig machen", "gewerbeanmeldung"),
    ("Gewerbe abmelden", "gewerbeabmeldung"),
    ("Gewerbe ummelden", "gewerbeummeldung"),
    ("Container", "sondernutzung"),
    ("Restaurant eröffnen", "gaststaette"),
    # Building, welfare, elections, immigration, lost and found
    ("Bauantrag", "baugenehmigung"),
    ("Garage bauen", "baugenehmigung"),
    ("Schlagloch", "maengelmelder"),
    ("Schwerbehindertenausweis", "schwerbehindertenausweis"),
    ("GEZ", "rundfunkbeitrag-befreiung"),
    ("Briefwahl", "briefwahl"),
    ("wählen", "briefwahl"),
    ("Einbürgerung", "einbuergerung"),
    ("deutscher Pass", "einbuergerung"),
    ("Aufenthaltstitel verlängern", "aufenthaltstitel"),
    ("Visum verlängern", "aufenthaltstitel"),
    ("Fundbüro", "fundsachen"),
    ("Handy verloren", "fundsachen"),
    ("Schlüssel gefunden", "fundsache-abgeben"),
    ("Angelschein", "fischereischein"),
]


@pytest.fixture
def catalogue(db):
    from digitalstadt.accounts.services import office_ensure
    from digitalstadt.appointments.demo import seed as seed_appointments
    from digitalstadt.catalog.demo import seed as seed_catalogue

    for slug, name in [("strassenverkehrsamt", "Straßenverkehrsamt"), ("wirtschaftsfoerderung", "Wirtschaftsförderung")]:
        office_ensure(slug=slug, name=name)
    seed_appointments()
    seed_catalogue()


def test_the_list_is_long_enough():
    assert len(QUERIES) >= 60
    assert len({slug for _query, slug in QUERIES}) >= 50


def test_every_everyday_query_finds_its_service_in_the_top_three(catalogue):
    from digitalstadt.catalog.models import Service

    assert not {slug for _query, slug in QUERIES} - set(Service.objects.values_list("slug", flat=True))
    misses = []
    for query, slug in QUERIES:
        top = [service.slug for service in search_services(query=query)[:3]]
        if slug not in top:
            misses.append(f"{query!r}: {slug} not in {top}")
    assert misses == [], "\n".join(misses)
