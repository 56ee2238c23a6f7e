"""Fixtures for online applications: catalogue, register, offices, people, the seal."""

from __future__ import annotations


import pytest

from digitalstadt.accounts.models import AssuranceLevel, Organisation, StaffRoleKind, User
from digitalstadt.accounts.tests.factories import CitizenFactory, StaffFactory
from digitalstadt.testing.files import Upload, tiny_pdf  # noqa: F401  (used by the engine tests)

OFFICES = [("buergeramt", "Bürger- und Ordnungsamt"), ("strassenverkehrsamt", "Straßenverkehrsamt"),
           ("wirtschaftsfoerderung", "Wirtschaftsförderung"),
           ("ead", "EAD – Eigenbetrieb für kommunale Aufgaben und Dienstleistungen")]
PHONES = {"ead": "06151 13-46000"}


@pytest.fixture(autouse=True)
def _clear_cache(request):
    from django.core.cache import cache

    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames:
        cache.clear()
    yield


@pytest.fixture
def city(db):
    """Offices, the demo catalogue and register (streets, zones, pick-up days)."""
    from digitalstadt.catalog.demo import seed as seed_catalog
    from digitalstadt.register.demo import seed as seed_register

    offices = {slug: Organisation.objects.create(slug=slug, name=name, kind="office", street="Luisenplatz 5",
                                                 postal_code="64283", city="Darmstadt", phone=PHONES.get(slug, ""))
               for slug, name in OFFICES}
    seed_catalog()
    seed_register()
    return offices


@pytest.fixture
def seal():
    from digitalstadt.core import signing
    from digitalstadt.core.tests.signing_helpers import ensure_seal_and_reset_caches

    ensure_seal_and_reset_caches()
    yield
    signing.load_signer.cache_clear()
    signing.trust_roots.cache_clear()


def permit_year_fee_cents(day) -> int:
    """The demo catalogue's one-year resident permit fee on `day` (raised on 1 April 2027)."""
    import datetime as dt

    return 12000 if day < dt.date(2027, 4, 1) else 18000


def make_citizen(email: str, *, level=AssuranceLevel.EMAIL, eid_subject: str | None = None, **extra) -> User:
    return CitizenFactory(email=email, assurance_level=level, eid_subject=eid_subject, **extra)


@pytest.fixture
def citizen(city):
    return make_citizen("berta@example.org")


@pytest.fixture
def eid_citizen(city):
    """Linked to the demo register record (Heinheimer Straße 20, zone WA1)."""
    return make_citizen("emil@example.org", level=AssuranceLevel.EID_HIGH, eid_subject="demo-eid-emil",
                        first_name="Emil", last_name="Eid")


def make_case_worker(email: str, *offices: Organisation) -> User:
    return StaffFactory(email=email, role=StaffRoleKind.CASE_WORKER, role__offices=list(offices))


@pytest.fixture
def case_worker(city):
    return make_case_worker("sami@stadt.example", *city.values())


def tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
