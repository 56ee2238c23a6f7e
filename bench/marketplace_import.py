"""5,000 products into one shop, by CSV file (upload, mapping, import through the
services the pages call) and by the till API (5 x 1,000 items over HTTP with the test
client, Idempotency-Key), first as new products and then again as updates. Prints
seconds and queries per product. Goal (issue 12): a 5,000-row CSV in at most 60 s.

    .venv/bin/python bench/marketplace_import.py sqlite [rows]     # default 5000
    .venv/bin/python bench/marketplace_import.py postgres [rows]
"""

from __future__ import annotations

import json
import sys
import time

from _setup import django_setup, drop_postgres

GTIN_PREFIX = "400638"


def gtin(n: int) -> str:
    body = f"{GTIN_PREFIX}{n:06d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def csv_bytes(rows: int, price_offset: int = 0) -> bytes:
    lines = ["Artikelnummer;EAN;Bezeichnung;Beschreibung;Marke;Kategorie;Preis;MwSt;Größe;Farbe;Bestand;"
             "Füllmenge;Grundpreis je"]
    for n in range(rows):
        cents = 199 + (n * 37 + price_offset) % 20000
        lines.append(f"A-{n:05d};{gtin(n)};Artikel Nummer {n};Ein schönes Stück aus Darmstadt;Marke {n % 40};"
                     f"Bücher;{cents // 100},{cents % 100:02d};{7 if n % 3 else 19};{'SML'[n % 3]};"
                     f"{['rot', 'blau', 'grün'][n % 3]};{n % 25};{250 + n % 4};g")
    return ("\n".join(lines) + "\n").encode("cp1252")


def main() -> None:
    database = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    label = django_setup(database=database)
    try:
        run(label, rows)
    finally:
        if database == "postgres":
            from django.db import connections

            connections.close_all()
            drop_postgres()


def run(label: str, rows: int) -> None:
    from allauth.mfa.totp.internal.auth import TOTP
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from digitalstadt.accounts import services as accounts
    from digitalstadt.accounts.models import Membership, Organisation, OrganisationKind, OrgRole, User
    from digitalstadt.marketplace import catalogue_services as services
    from digitalstadt.marketplace.models import Category, Shop, ShopStatus

    Category.objects.get_or_create(slug="buecher", defaults={"name_de": "Bücher"})
    owner = User.objects.create_user(email="bench-owner@example.org", password="Sicher-genug-2026")
    TOTP.activate(owner, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    figures = []
    for round_no, (kind, org_slug) in enumerate((("CSV", "bench-csv"), ("API", "bench-api"))):
        org = Organisation.objects.create(name=f"Bench {kind}", slug=org_slug, kind=OrganisationKind.SHOP,
                                          city="Darmstadt")
        Membership.objects.create(user=owner, organisation=org, role=OrgRole.OWNER)
        shop = Shop.objects.create(organisation=org, slug=org_slug, name=f"Bench {kind}", street="Luisenplatz 1",
                                   postal_code="64283", status=ShopStatus.LIVE)
        for phase, offset in (("new", 0), ("update", 11)):
            raw = csv_bytes(rows, offset)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                if kind == "CSV":
                    batch = services.import_batch_create(shop=shop, actor=owner, filename="bench.csv", raw=raw)
                    services.import_batch_map(batch=batch, actor=owner, mapping=batch.mapping)
                    result = services.import_batch_confirm(batch=batch, actor=owner)
                    assert result.failed == 0, result.errors[:3]
                else:
                    _t, secret = accounts.api_token_create(actor=owner, organisation=org, name=f"Kasse {phase}",
                                                           scopes=["marketplace:stock:write"])
                    client = Client(HTTP_HOST="localhost")
                    lines = raw.decode("cp1252").splitlines()[1:]
                    items = []
                    for line in lines:
                        c = line.split(";")
                        items.append({"sku": c[0], "gtin": c[1], "title": c[2], "description": c[3],
                                      "brand": c[4], "category": c[5], "price": c[6], "vat_rate": int(c[7]),
                                      "size": c[8], "colour": c[9], "on_hand": int(c[10]), "net_quantity": c[11],
                                      "base_unit": c[12]})
                    for start in range(0, len(items), 1000):
                        response = client.post("/api/v1/marketplace/products/bulk",
                                               data=json.dumps({"items": items[start:start + 1000]}),
                                               content_type="application/json",
                                               HTTP_AUTHORIZATION=f"Bearer {secret}",
                                               HTTP_IDEMPOTENCY_KEY=f"bench-{phase}-{start}")
                        assert response.status_code == 200, response.content[:300]
                        assert response.json()["failed"] == 0
                seconds = time.perf_counter() - started
            figures.append((kind, phase, seconds, len(queries)))
            print(f"{label} {kind:3} {phase:6} {rows} rows: {seconds:6.2f} s, {rows / seconds:7.0f} rows/s, "
                  f"{len(queries)} queries ({len(queries) / rows:.3f} per product)", flush=True)
        del round_no
    worst_csv = max(s for k, _p, s, _q in figures if k == "CSV")
    print(f"goal: {rows}-row CSV in at most 60 s: {'met' if worst_csv <= 60 else 'NOT met'} ({worst_csv:.1f} s)")


if __name__ == "__main__":
    main()
