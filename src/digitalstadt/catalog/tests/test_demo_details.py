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
