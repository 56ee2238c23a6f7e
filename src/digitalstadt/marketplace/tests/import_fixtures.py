"""Shops, members and CSV files for the import tests."""

from __future__ import annotations

from digitalstadt.accounts.models import Membership, OrganisationKind, OrgRole
from digitalstadt.accounts.tests.factories import OrganisationFactory, UserFactory
from digitalstadt.core.scoping import organisation_scope
from digitalstadt.marketplace.models import Category, Shop, ShopStatus, Variant


def make_shop(slug: str = "buchladen", role: str = OrgRole.OWNER):
    """A live shop and a member with `role`."""
    member = UserFactory(email=f"{role}@{slug}.example.org")
    org = OrganisationFactory(kind=OrganisationKind.SHOP, name=f"Laden {slug}", slug=slug)
    Membership.objects.create(user=member, organisation=org, role=role)
    shop = Shop.objects.create(organisation=org, slug=slug, name=f"Laden {slug}", street="Luisenplatz 1",
                               postal_code="64283", status=ShopStatus.LIVE)
    return shop, member


def add_member(shop, role: str):
    member = UserFactory(email=f"{role}@{shop.slug}.example.org")
    Membership.objects.create(user=member, organisation=shop.organisation, role=role)
    return member


def make_categories():
    Category.objects.get_or_create(slug="buecher", defaults={"name_de": "Bücher", "name_en": "Books"})
    Category.objects.get_or_create(slug="spielwaren", defaults={"name_de": "Spielwaren", "name_en": "Toys"})


def variants(shop) -> dict[str, Variant]:
    with organisation_scope(shop.organisation):
        return {v.sku: v for v in Variant.objects.select_related("product", "product__category")}


# Valid GTIN-13s (check digit right) and one with the wrong check digit.
GTIN_A = "4006381333931"
GTIN_B = "4012345678901"
GTIN_BAD = "4006381333932"

GERMAN_CSV = (
    "Artikelnummer;EAN;Bezeichnung;Preis;MwSt;Bestand;Kategorie;Marke;Größe;Farbe;Nur im Laden\n"
    f"B-100;{GTIN_A};Darmstädter Stadtgeschichte;24,90;7;5;Bücher;Justus;;;nein\n"
    f"B-101;{GTIN_B};Großer Atlas;1.299,00;7 %;2;buecher;;;;ja\n"
    "S-200;;Holzkreisel;12,5x;19;3;Spielwaren;;;rot;nein\n"
    f"S-201;{GTIN_BAD};Würfelspiel;9,99;16;-1;Spielwaren;;;;nein\n"
    "S-202;;Puzzle 1000 Teile;14,99;19;10;Unbekannt;;;;nein\n"
)
