"""The online services in the demo catalogue carry every field the catalogue promises."""

import pytest

from digitalstadt.accounts.models import Organisation
from digitalstadt.catalog.demo import ONLINE_SERVICES, seed
from digitalstadt.catalog.models import Service

pytestmark = pytest.mark.django_db


def test_online_services_have_key_legal_basis_time_easy_read_office_and_fees():
    for slug in ("buergeramt", "strassenverkehrsamt", "wirtschaftsfoerderung", "ead"):
        Organisation.objects.create(slug=slug, name=slug, kind="office")
    seed()
    seed()  # idempotent, and never overwrites what is there
    for service in Service.objects.filter(slug__in=ONLINE_SERVICES):
        assert len(service.leika_key) == 14 and service.leika_key.isdigit(), service.slug
        assert service.legal_basis and service.processing_time_de and service.processing_time_en, service.slug
        assert service.easy_language_de and service.office and service.online_application, service.slug
        assert service.fees.exists() and service.is_demo, service.slug
    Service.objects.filter(slug="hundesteuer").update(legal_basis="Satzung (von Hand gepflegt)")
    seed()
    assert Service.objects.get(slug="hundesteuer").legal_basis == "Satzung (von Hand gepflegt)"


def test_the_catalogue_data_file_has_60_services_each_with_a_way_that_works():
    from digitalstadt.appointments.demo import seed as seed_appointments
    from digitalstadt.catalog.demo import catalogue_data

    for slug in ("strassenverkehrsamt", "wirtschaftsfoerderung", "ead"):
        Organisation.objects.create(slug=slug, name=slug, kind="office")
    seed_appointments()
    seed()
    entries = catalogue_data()["services"]
    assert len(entries) >= 60 and Service.objects.count() >= 60
    for entry in entries:
        service = Service.objects.get(slug=entry["slug"])
        bookable = service.location_offers.exists()
        way = entry["way"]
        assert way in {"online", "appointment", "external", "info"}, service.slug
        assert (way == "online") == (service.slug in ONLINE_SERVICES), service.slug
        # Online services may also be bookable at the counter (the Ummeldung online within the
        # city, by appointment when moving here from elsewhere).
        assert bookable if way == "appointment" else (way == "online" or not bookable), service.slug
        if way == "external":
            assert service.external_url.startswith("https://"), service.slug
        assert service.summary_de and service.summary_en and service.name_en, service.slug
        assert service.life_situations.exists(), service.slug
        assert service.office or way == "external", service.slug
    ummeldung = Service.objects.get(slug="ummeldung")
    assert ummeldung.name_de == "Wohnsitz anmelden oder ummelden" and ummeldung.fees.get().amount_cents == 0
    assert "Sofa" in Service.objects.get(slug="sperrmuell").synonyms.splitlines()
    assert Service.objects.get(slug="meldebescheinigung").name_de == "Meldebescheinigung"


def test_reseeding_adds_search_words_but_keeps_what_staff_wrote():
    from digitalstadt.catalog.demo import _ensure_service

    service = Service.objects.create(slug="sperrmuell", name_de="Sperrmüll (Stadt)", synonyms="Sperrgut",
                                     summary_de="Von Hand gepflegt.")
    _ensure_service({"slug": "sperrmuell", "name_de": "Anders", "summary_de": "Neu", "summary_en": "New",
                     "synonyms": ["sperrgut", "Sofa"], "external_url": "https://example.org/"}, {})
    service.refresh_from_db()
    assert service.name_de == "Sperrmüll (Stadt)" and service.summary_de == "Von Hand gepflegt."
    assert service.summary_en == "New" and service.synonyms == "Sperrgut\nSofa"
    assert service.external_url == "https://example.org/"


def test_bulky_waste_belongs_to_the_ead_also_in_a_database_seeded_before():
    """A demo database from before the EAD office: re-seeding hands bulky waste over."""
    from digitalstadt.catalog.models import Service

    buergeramt = Organisation.objects.create(slug="buergeramt", name="Bürger- und Ordnungsamt", kind="office")
    seed()
    assert Service.objects.get(slug="sperrmuell").office is None
    Service.objects.filter(slug="sperrmuell").update(office=buergeramt)
    ead = Organisation.objects.create(slug="ead", name="EAD", kind="office")
    seed()
    assert Service.objects.get(slug="sperrmuell").office == ead
    assert Service.objects.get(slug="hundesteuer").office == buergeramt
