"""Benchmark: marketplace product search over 100,000 products in 150 live shops
(goal: p95 <= 25 ms), with and without facets, typo, compound and synonym queries
included, on SQLite and on PostgreSQL.

    .venv/bin/python bench/marketplace_search.py sqlite [products]     # default 100000
    .venv/bin/python bench/marketplace_search.py postgres [products]
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from _setup import django_setup, drop_postgres, percentile

PRODUCTS, SHOPS, SEARCHES, WARM_UP = 100_000, 150, 300, 30

NOUNS = ["Tasse", "Teller", "Kanne", "Pfanne", "Topf", "Messer", "Gabel", "Löffel", "Schüssel", "Glas",
         "Helm", "Schloss", "Lampe", "Pumpe", "Klingel", "Sattel", "Reifen", "Korb", "Rucksack", "Tasche",
         "Jacke", "Hose", "Mütze", "Schal", "Handschuhe", "Socken", "Pullover", "Hemd", "Kleid", "Mantel",
         "Schuhe", "Stiefel", "Sandalen", "Sneaker", "Hausschuhe", "Kaffee", "Tee", "Honig", "Marmelade", "Nudeln",
         "Reis", "Öl", "Essig", "Senf", "Schokolade", "Kekse", "Brot", "Käse", "Wein", "Saft",
         "Smartphone", "Kopfhörer", "Ladekabel", "Lautsprecher", "Notebook", "Maus", "Tastatur", "Fernseher",
         "Kamera", "Uhr", "Puzzle", "Teddybär", "Bauklötze", "Eisenbahn", "Brettspiel", "Ball", "Buch",
         "Kalender", "Stift", "Heft", "Seife", "Creme", "Zahnbürste", "Shampoo", "Kerze", "Vase", "Kissen",
         "Decke", "Teppich", "Spiegel"]
MODIFIERS = ["", "", "", "Kinder", "Damen", "Herren", "Winter", "Sommer", "Reise", "Wander", "Fahrrad", "Küchen",
             "Garten", "Kaffee", "Bio", "Lauf", "Regen", "Leder"]
ADJECTIVES = ["blau", "rot", "schwarz", "weiß", "grün", "groß", "klein", "leicht", "wasserdicht", "klassisch",
              "modern", "handgemacht", "regional", "robust", "weich", "edel", "praktisch", "faltbar"]
BRANDS = [f"{a}{b}" for a in ("Heiner", "Darm", "Mathilden", "Lui", "Bessunger", "Oden", "Berg", "Rhein")
          for b in ("werk", "haus", "kontor", "manufaktur", "design")]
FILLER = ["aus", "Darmstadt", "Qualität", "Material", "pflegeleicht", "nachhaltig", "hergestellt", "Region",
          "Geschenk", "Alltag", "ideal", "für", "jeden", "Tag", "langlebig", "Garantie", "Jahre", "geprüft"]
CATEGORIES = ["Haushalt", "Fahrrad", "Mode", "Schuhe", "Lebensmittel", "Elektronik", "Spielwaren", "Bücher",
              "Drogerie", "Wohnen"]
DISTRICTS = ["Innenstadt", "Bessungen", "Martinsviertel", "Johannesviertel", "Eberstadt", "Arheilgen",
             "Kranichstein", "Wixhausen", "Bessungen-Süd"]
# (query, facets) pairs: plain words, plurals, typos, compounds, synonyms, two words, filters.
QUERIES = ["Kaffee", "Tassen", "Kafee", "Fahrradhelm", "Fahradhelm", "Kinderfahrradhelm", "Handy", "Turnschuhe",
           "Rucksack", "Rucksak", "Jacke blau", "Winterjacke", "Regenjacke Damen", "Schokolade", "Schokolde",
           "Kopfhörer", "Kopfhoerer", "Teddy", "Brettspiele", "Heinerwerk", "Lampe", "Mütze", "Kinderschuhe",
           "Honig regional", "Pfanne", "Küchenmesser", "Laptop", "Pulli"]
FILTERS = [{}, {}, {}, {"district": "Bessungen"}, {"category": "fahrrad"}, {"in_stock_now": True},
           {"price_min": 1000, "price_max": 2500}]


def build(n_products: int) -> None:
    import datetime as dt

    from django.utils import timezone

    from digitalstadt.accounts.models import Organisation, OrganisationKind
    from digitalstadt.marketplace.models import Category, Product, Shop, ShopStatus, Variant
    from digitalstadt.marketplace.search_index import index_products

    rng = random.Random(5)
    now = timezone.now()
    t0 = time.perf_counter()
    categories = Category.objects.bulk_create([Category(slug=c.lower().replace("ü", "ue"), name_de=c, order=i)
                                               for i, c in enumerate(CATEGORIES)])
    orgs = Organisation.objects.bulk_create([Organisation(name=f"Geschäft {i}", slug=f"shop-{i}",
                                                          kind=OrganisationKind.SHOP) for i in range(SHOPS)])
    shops = Shop.objects.bulk_create([
        Shop(organisation=org, slug=f"shop-{i}", name=f"{rng.choice(BRANDS)} {rng.choice(NOUNS)}laden {i}",
             street="Markt 1", postal_code="64283", district=rng.choice(DISTRICTS), status=ShopStatus.LIVE)
        for i, org in enumerate(orgs)])
    for start in range(0, n_products, 5000):
        batch = []
        for _ in range(min(5000, n_products - start)):
            shop = rng.choice(shops)
            noun = rng.choice(NOUNS)
            modifier = rng.choice(MODIFIERS)
            title = (f"{modifier}{noun.lower()}" if modifier else noun) + f" {rng.choice(ADJECTIVES)} " \
                f"{rng.choice(BRANDS)} {rng.randint(1, 999)}"
            description = " ".join(rng.choice(FILLER + ADJECTIVES) for _ in range(12))
            batch.append(Product(organisation_id=shop.organisation_id, shop=shop, title=title,
                                 brand=rng.choice(BRANDS), category=rng.choice(categories), description=description))
        created = Product.unscoped_objects.bulk_create(batch)
        Variant.unscoped_objects.bulk_create([
            Variant(organisation_id=p.organisation_id, product=p, sku=f"{p.pk}-{k}", price_cents=rng.randint(99, 30000),
                    on_hand=rng.choice([0, 0, 1, 3, 10]), stock_updated_at=now - dt.timedelta(minutes=rng.randint(1, 90)))
            for p in created for k in range(rng.choice([1, 1, 2, 3]))])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum does after a bulk load (planner statistics)
    t1 = time.perf_counter()
    indexed = index_products()
    t2 = time.perf_counter()
    print(f"data: {n_products} products in {SHOPS} shops, {Variant.unscoped_objects.count()} variants: "
          f"inserted in {t1 - t0:.1f} s, {indexed} indexed in {t2 - t1:.1f} s")


def measure(label: str, *, facets: bool, rng: random.Random) -> list[float]:
    from digitalstadt.marketplace.search import search_products

    timings, hits = [], []
    for i in range(SEARCHES + WARM_UP):
        query = QUERIES[i % len(QUERIES)]
        filters = rng.choice(FILTERS) if facets else {}
        t0 = time.perf_counter()
        results = search_products(query=query, facets=facets, **filters)
        elapsed = (time.perf_counter() - t0) * 1000
        if i >= WARM_UP:
            timings.append(elapsed)
            hits.append(results.total)
    print(f"  {label}: p50 {percentile(timings, 50):.1f} ms   p95 {percentile(timings, 95):.1f} ms   "
          f"p99 {percentile(timings, 99):.1f} ms   max {max(timings):.1f} ms   mean {statistics.mean(timings):.1f} ms"
          f"   (hits median {statistics.median(hits):.0f}, max {max(hits)})   "
          f"p95 <= 25 ms: {'met' if percentile(timings, 95) <= 25 else 'NOT met'}")
    return timings


def per_query() -> None:
    from digitalstadt.marketplace.search import search_products

    for query in ("Kafee", "Kinderfahrradhelm", "Turnschuhe", "Jacke blau"):
        runs = []
        for _ in range(20):
            t0 = time.perf_counter()
            total = search_products(query=query, log=False).total
            runs.append((time.perf_counter() - t0) * 1000)
        print(f"  {query!r}: {total} hits, median {statistics.median(runs):.1f} ms with facets")


def main(database: str, n_products: int) -> None:
    django_setup(database=database)
    try:
        build(n_products)
        rng = random.Random(9)
        print(f"{database}: {SEARCHES} searches each ({len(QUERIES)} queries in turn, after {WARM_UP} warm-up)")
        measure("without facets", facets=False, rng=rng)
        measure("with facets and filters", facets=True, rng=rng)
        per_query()
    finally:
        drop_postgres()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sqlite", int(sys.argv[2]) if len(sys.argv) > 2 else PRODUCTS)
