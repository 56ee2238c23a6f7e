"""Product search: relevance on a generated catalogue (the same list of queries on SQLite
and, with DATABASE_URL, on PostgreSQL), facets and their counts, live shops only, the
search log, and hostile input."""

from __future__ import annotations

import pytest

from digitalstadt.marketplace.models import SearchLog, ShopStatus
from digitalstadt.marketplace.search import search_products
from digitalstadt.marketplace.search_index import index_products, unindex_products

from .search_catalogue import NAMED, QUERIES, build_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """One catalogue for the module's relevance tests (read only)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_catalogue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_the_catalogue_is_big_enough():
    assert len(QUERIES) >= 50
    assert len(NAMED) >= 50


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _e in QUERIES])
def test_each_query_finds_its_product_in_the_top_five(catalogue, query, expected):
    results = search_products(query=query, facets=False, log=False)
    top = [p.title for p in results.products[:5]]
    assert expected in top, f"{query!r}: {top} (plan corrections {results.corrections})"
    assert all(p.shop.status == ShopStatus.LIVE for p in results.products)


# --- facets, filters and the index's life cycle ------------------------------------------
# (Tests that change the catalogue do so inside their own transaction, rolled back after
# each test, within the module's catalogue.)


def _live_products(cat, **filters):
    from django.db.models import Prefetch

    from digitalstadt.marketplace.models import Product, Variant

    return list(Product.unscoped_objects.filter(shop__status=ShopStatus.LIVE, **filters)
                .select_related("shop", "category")
                .prefetch_related(Prefetch("variants", queryset=Variant.unscoped_objects.all())))


def test_facet_counts_match_the_catalogue(catalogue):
    from digitalstadt.marketplace.search import PRICE_BANDS

    results = search_products(query="", category="fahrrad", log=False)
    expected = _live_products(catalogue, category__slug="fahrrad")
    assert results.total == len(expected)
    by_shop = {}
    for p in expected:
        by_shop[p.shop.slug] = by_shop.get(p.shop.slug, 0) + 1
    assert {f.key: f.count for f in results.facets["shop"]} == by_shop
    # The category facet ignores its own filter: every category's count over the whole catalogue.
    everything = _live_products(catalogue)
    by_category = {}
    for p in everything:
        by_category[p.category.slug] = by_category.get(p.category.slug, 0) + 1
    assert {f.key: f.count for f in results.facets["category"]} == by_category
    assert [f.key for f in results.facets["category"] if f.selected] == ["fahrrad"]
    bands = {}
    for p in expected:
        price = min(v.price_cents for v in p.variants.all())
        i = next(i for i, (low, high) in enumerate(PRICE_BANDS) if price >= low and (high is None or price < high))
        bands[i] = bands.get(i, 0) + 1
    assert [f.count for f in results.facets["price"]] == [bands[i] for i in sorted(bands)]
    in_stock = [p for p in expected if any(v.on_hand > v.reserved for v in p.variants.all())]
    assert results.in_stock_count == len(in_stock)


def test_filters_narrow_the_hits_and_the_page_follows(catalogue):
    all_hits = search_products(query="Zoll", log=False)
    assert {p.title for p in all_hits.products} >= {"Kinderfahrrad 20 Zoll", "Notebook 14 Zoll"}
    radhaus = search_products(query="Zoll", shop="radhaus", log=False)
    assert radhaus.total == len([p for p in all_hits.products if p.shop.slug == "radhaus"])
    assert {p.shop.slug for p in radhaus.products} == {"radhaus"}
    # Disjunctive: the shop facet still counts the other shops' hits.
    assert {f.key for f in radhaus.facets["shop"]} == {p.shop.slug for p in all_hits.products}
    cheap = search_products(query="Zoll", price_min=0, price_max=50000, log=False)
    assert cheap.products and all(p.min_price_cents < 50000 for p in cheap.products)
    district = search_products(query="Zoll", district="Bessungen", log=False)
    assert {p.shop.district for p in district.products} == {"Bessungen"}
    assert search_products(query="Zoll", category="gibt-es-nicht", log=False).total == 0


def test_pages_of_twenty_ordered_and_complete(catalogue):
    first = search_products(query="", page=1, log=False)
    assert first.total > 300 and first.pages == -(-first.total // 20)
    seen = set()
    for page in range(1, first.pages + 1):
        ids = [p.pk for p in search_products(query="", page=page, facets=False, log=False).products]
        assert not seen & set(ids)
        seen.update(ids)
    assert len(seen) == first.total
    assert search_products(query="", page=first.pages + 1, log=False).products == []


def test_in_stock_now_counts_what_is_available_not_what_is_held(catalogue):
    from digitalstadt.marketplace.models import Variant

    cat = catalogue
    helm = cat.products["Fahrradhelm Urban"]
    Variant.unscoped_objects.filter(product=helm).update(on_hand=3, reserved=0)
    assert helm.pk in [p.pk for p in search_products(query="Fahrradhelm", in_stock_now=True, log=False).products]
    # Everything held by open orders: nothing left to take away in the shop.
    Variant.unscoped_objects.filter(product=helm).update(reserved=3)
    results = search_products(query="Fahrradhelm", in_stock_now=True, log=False)
    assert helm.pk not in [p.pk for p in results.products]


def test_products_of_a_shop_that_is_not_live_never_show(catalogue):
    from digitalstadt.marketplace.models import Product, Shop

    cat = catalogue
    hidden_ids = set(Product.unscoped_objects.filter(shop=cat.hidden_shop).values_list("pk", flat=True))
    assert hidden_ids
    for title, *_rest in NAMED[:10]:
        shown = {p.pk for p in search_products(query=title, log=False).products}
        assert shown and not shown & hidden_ids
    # Suspended: gone at once, even before anyone unindexes its products.
    Shop.objects.filter(pk=cat.shops["radhaus"].pk).update(status=ShopStatus.SUSPENDED)
    assert search_products(query="Fahrradhelm", log=False).total == 0
    assert search_products(query="", shop="radhaus", log=False).total == 0
    # Reindexed after suspension: the documents themselves are gone.
    index_products(product_ids=Product.unscoped_objects.filter(shop=cat.shops["radhaus"]).values_list("pk", flat=True))
    from digitalstadt.marketplace.models import SearchDocument

    assert not SearchDocument.objects.filter(shop=cat.shops["radhaus"]).exists()


def test_reindex_and_unindex_follow_the_products(catalogue):
    from digitalstadt.marketplace.models import Product

    cat = catalogue
    honey = cat.products["Honig aus dem Odenwald"]
    Product.unscoped_objects.filter(pk=honey.pk).update(title="Waldhonig aus dem Odenwald")
    index_products(product_ids=[honey.pk])
    assert [p.pk for p in search_products(query="Waldhonig", log=False).products] == [honey.pk]
    unindex_products(product_ids=[honey.pk])
    assert search_products(query="Waldhonig", log=False).total == 0
    Product.unscoped_objects.filter(pk=honey.pk).update(active=False)
    assert index_products(product_ids=[honey.pk]) == 0


def test_every_search_is_logged_with_its_hits_once(catalogue):
    results = search_products(query="Kafee")
    search_products(query="Kafee", page=2)
    search_products(query="Quietscheentchen")
    search_products(query="")
    logged = list(SearchLog.objects.order_by("pk").values_list("query", "hits"))
    assert logged == [("Kafee", results.total), ("Quietscheentchen", 0)]
    assert results.total >= 1


@pytest.mark.parametrize("query", [
    '"', '""', "*", "Kaffee*", "AND", "OR OR", "NOT Kaffee", "NEAR(a b)", "title:Kaffee", "a:* & b | !c",
    "'", "'; DROP TABLE marketplace_product; --", "%", "_", "\\", "()", "{}", "^Kaffee", "Kaffee-", "-Kaffee",
    "k" * 300, "Kaffee " * 50, "ünïcödé 咖啡 ☕", "0", "12345678901234567890", "\t\n",
])
def test_hostile_queries_search_safely(catalogue, query):
    results = search_products(query=query)
    assert results.total >= 0


def test_the_search_log_is_purged_after_its_retention_period(catalogue, clock):
    import datetime as dt

    from digitalstadt.core.retention import purge_expired_data

    search_products(query="Kaffee")
    clock.shift(dt.timedelta(days=89))
    search_products(query="Tasse")
    clock.shift(dt.timedelta(days=2))  # the first search is 91 days old, the second 2
    counts = purge_expired_data()
    assert counts["marketplace_search_log"] == 1
    assert list(SearchLog.objects.values_list("query", flat=True)) == ["Tasse"]


def test_the_rebuild_command_indexes_the_live_catalogue(catalogue):
    from io import StringIO

    from django.core.management import call_command

    from digitalstadt.marketplace.models import SearchDocument

    out = StringIO()
    call_command("marketplace_search_index", stdout=out)
    assert out.getvalue().strip() == f"{SearchDocument.objects.count()} products indexed"
    assert "Kaffee Crema ganze Bohne" in [p.title for p in search_products(query="Kafee", log=False).products[:5]]


def test_in_stock_follows_every_stock_write_without_reindexing(catalogue):
    from digitalstadt.marketplace.models import SearchDocument, Variant

    lamp = catalogue.products["Fahrradlampe LED Set"]
    Variant.unscoped_objects.filter(product=lamp).delete()  # no variant: nothing available
    assert SearchDocument.objects.get(product=lamp).in_stock is False
    variant = Variant.unscoped_objects.create(organisation_id=lamp.organisation_id, product=lamp, sku="LAMP-NEW",
                                              price_cents=3490, on_hand=2)
    assert SearchDocument.objects.get(product=lamp).in_stock is True
    variant.reserved = 2
    variant.save(update_fields=["reserved"])
    assert SearchDocument.objects.get(product=lamp).in_stock is False
    assert lamp.pk not in [p.pk for p in search_products(query="Fahrradlampe", in_stock_now=True, log=False).products]
    Variant.unscoped_objects.filter(pk=variant.pk).update(on_hand=5)  # a till report
    assert lamp.pk in [p.pk for p in search_products(query="Fahrradlampe", in_stock_now=True, log=False).products]
