import pytest

from digitalstadt.catalog.models import SearchSynonym, Service
from digitalstadt.catalog.selectors import search_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    data = [
        ("anmeldung", "Anmeldung einer Wohnung", "Wohnsitz anmelden\nZuzug", "Sie melden Ihre neue Wohnung an."),
        ("nebenwohnung", "Anmeldung einer Nebenwohnung", "Zweitwohnsitz", ""),
        ("meldebescheinigung", "Meldebescheinigung", "Meldebestätigung", "Bescheinigung über Ihre Anmeldung."),
        ("bewohnerparkausweis", "Bewohnerparkausweis", "Anwohnerparken", "Parken in Ihrer Parkzone."),
        ("personalausweis", "Personalausweis beantragen", "Perso\nAusweis", ""),
        ("fuehrungszeugnis", "Führungszeugnis beantragen", "polizeiliches Führungszeugnis", ""),
        ("hundesteuer", "Hundesteuer-Anmeldung", "Hund anmelden", "Steuer für Hunde in Darmstadt."),
        ("gewerbe", "Gewerbeanmeldung", "Gewerbe anmelden\nSelbstständigkeit", ""),
    ]
    for slug, name, synonyms, summary in data:
        Service.objects.create(slug=slug, name_de=name, synonyms=synonyms, summary_de=summary)
    SearchSynonym.objects.create(term="Umzug", expansion="Anmeldung Ummeldung Wohnsitz")
    SearchSynonym.objects.create(term="Auto", expansion="Parkausweis Parken Fahrzeug")


def slugs(query):
    return [s.slug for s in search_services(query=query)]


def test_umzug_finds_the_registration_services_through_the_synonym_table(catalogue):
    found = slugs("Umzug")
    assert {"anmeldung", "nebenwohnung"} <= set(found)
    assert "personalausweis" not in found and "fuehrungszeugnis" not in found


def test_part_of_a_compound_finds_the_compound(catalogue):
    assert slugs("Parkausweis")[0] == "bewohnerparkausweis"
    assert slugs("parkausweise")[0] == "bewohnerparkausweis"  # plural, stemmed


def test_a_compound_query_finds_services_named_with_its_parts(catalogue):
    assert slugs("Hundesteueranmeldung")[0] == "hundesteuer"


def test_stemming_umlauts_and_spelling_variants(catalogue):
    assert slugs("Führungszeugnisse") == ["fuehrungszeugnis"]
    assert slugs("fuehrungszeugnis") == ["fuehrungszeugnis"]
    assert slugs("FUHRUNGSZEUGNIS") == ["fuehrungszeugnis"]
    assert slugs("Perso") == ["personalausweis"]


def test_every_word_must_match_and_names_rank_first(catalogue):
    assert slugs("Gewerbe anmelden") == ["gewerbe"]
    found = slugs("Anmeldung")
    assert found[0] in {"anmeldung", "nebenwohnung"} and "meldebescheinigung" in found
    assert slugs("Anmeldung Hund") == ["hundesteuer"]
    assert slugs("Reisepass") == []


def test_same_results_for_an_empty_query_and_no_crash_on_punctuation(catalogue):
    assert len(slugs("")) == Service.objects.count()
    assert slugs("!!! ??") == slugs("")
