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
