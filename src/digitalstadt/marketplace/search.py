"""Product search for shoppers (selectors): ranked hits of live shops with facets.

`search_products` costs a fixed number of statements whatever the catalogue's size: a
few on the vocabulary (`search_index.plan_query`), one for the page of hits, the total
and every facet count (a UNION over one materialised match), one for the page's
products (shop, price range, availability, thumbnail), the facet labels, and the search
log row. The match itself runs in the full-text index (FTS5 or a GIN-indexed tsvector);
no Python loop ever sees more than one page of products.

Facets are counted "disjunctively": each facet's counts apply every other filter but its
own, so a shopper who picked one shop still sees how many hits the other shops have.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import search_index

__all__ = ["PAGE_SIZE", "PRICE_BANDS", "FacetValue", "SearchResults", "search_products"]

PAGE_SIZE = 20
MAX_PAGE = 500
# Price bands of the facet, in cents: [low, high) with None for no upper limit.
PRICE_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 1000), (1000, 2500), (2500, 5000), (5000, 10000), (10000, None))
# bm25 weights of the FTS5 columns (title, brand, category, description, shop, compound
# tails); on PostgreSQL the tsvector carries weights A (title), B (brand, category),
# C (shop, compound tails), D (description).
FTS5_WEIGHTS = "10.0, 4.0, 4.0, 1.0, 2.0, 2.0"


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResults:
    query: str
    products: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    in_stock_count: int = 0
    corrections: dict[str, list[str]] = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def price_band_label(low: int, high: int | None) -> str:
    from digitalstadt.core.money import format_eur

    if high is None:
        return str(_("ab %(low)s") % {"low": format_eur(low)})
    return str(_("%(low)s bis %(high)s") % {"low": format_eur(low), "high": format_eur(high)})


def _match_sql(plan: search_index.QueryPlan) -> tuple[str, list]:
    """The matching documents with their score (higher is better) and facet columns, of
    live shops only (a second guard: a shop suspended before its products were
    unindexed shows nothing)."""
    columns = "d.shop_id, d.category_id, d.district, d.price_cents, d.in_stock"
    live = "d.shop_id IN (SELECT id FROM marketplace_shop WHERE status = 'live')"
    if connection.vendor == "postgresql":
        # The tsvector lives in the document row itself: one GIN-driven scan, no self-join;
        # OFFSET 0 keeps it a scan of its own, done first (joined into the shop check, the
        # planner may run the GIN scan once per shop).
        if plan.empty:
            return f"SELECT d.product_id AS pid, 0.0 AS score, {columns} FROM marketplace_searchdocument d " \
                   f"WHERE {live}", []
        return (f"SELECT h.* FROM (SELECT d.product_id AS pid, ts_rank(d.document, q) AS score, {columns} "
                "FROM marketplace_searchdocument d, to_tsquery('simple', %s) q WHERE d.document @@ q OFFSET 0) h "
                f"WHERE {live.replace('d.', 'h.')}", [search_index.match_expression(plan)])
    if plan.empty:
        return f"SELECT d.product_id AS pid, 0.0 AS score, {columns} FROM marketplace_searchdocument d " \
               f"WHERE {live}", []
    # CROSS JOIN keeps the full-text match the outer loop (left to itself the planner may
    # start from a filter's index and run the match once per row), and the shop is
    # joined, not tested with IN (which SQLite turns into one index probe per live shop
    # and hit).
    return (f"SELECT m0.pid, m0.score, {columns} FROM (SELECT rowid AS pid, "
            f"-bm25(marketplace_search_fts, {FTS5_WEIGHTS}) AS score FROM marketplace_search_fts "
            "WHERE marketplace_search_fts MATCH %s) m0 "
            "CROSS JOIN marketplace_searchdocument d ON d.product_id = m0.pid "
            "CROSS JOIN marketplace_shop s ON s.id = d.shop_id AND s.status = 'live'",
            [search_index.match_expression(plan)])


def _filters(*, category, shop, district, price_min, price_max, in_stock_now) -> dict[str, tuple[str, list]]:
    filters: dict[str, tuple[str, list]] = {}
    if category:
        filters["category"] = ("m.category_id = (SELECT id FROM marketplace_category WHERE slug = %s)", [category])
    if shop:
        filters["shop"] = ("m.shop_id = (SELECT id FROM marketplace_shop WHERE slug = %s)", [shop])
    if district:
        filters["district"] = ("m.district = %s", [district])
    price = []
    if price_min is not None:
        price.append(("m.price_cents >= %s", [price_min]))
    if price_max is not None:
        price.append(("m.price_cents < %s", [price_max]))
    if price:
        filters["price"] = (" AND ".join(p[0] for p in price), [v for p in price for v in p[1]])
    if in_stock_now:
        filters["in_stock"] = ("m.in_stock", [])
    return filters


def _where(filters: dict[str, tuple[str, list]], *, without: str = "") -> tuple[str, list]:
    chosen = [f for name, f in filters.items() if name != without]
    if not chosen:
        return "", []
    return " WHERE " + " AND ".join(f"({sql})" for sql, _p in chosen), [p for _s, ps in chosen for p in ps]


def _band_case() -> str:
    arms = " ".join(f"WHEN m.price_cents < {high} THEN {i}" for i, (_low, high) in enumerate(PRICE_BANDS) if high)
    return f"CASE {arms} ELSE {len(PRICE_BANDS) - 1} END"


def _run(match: str, match_params: list, filters, *, page: int, facets: bool) -> list[tuple]:
    """One statement over one materialised match: the page of hits ("page" rows with
    their score), the total, and with `facets` every facet's counts with their labels.
    Rows are (kind, key, count, score, slug, name, name_en)."""
    where, where_params = _where(filters)
    arms = [f"SELECT 'page', CAST(pid AS TEXT), 0, score, '', '', '' FROM (SELECT pid, score FROM m{where} "
            "ORDER BY score DESC, pid DESC LIMIT %s OFFSET %s) page",
            f"SELECT 'total', '', COUNT(*), 0, '', '', '' FROM m{where}"]
    params = where_params + [PAGE_SIZE, (page - 1) * PAGE_SIZE] + where_params

    def arm(facet: str, key_sql: str, without: str, *, count: str = "COUNT(*)", labels: str = "'', '', ''",
            join: str = "", group: str = "") -> None:
        where, where_params = _where(filters, without=without)
        if key_sql:
            where = (where + " AND " if where else " WHERE ") + f"{key_sql} IS NOT NULL"
            arms.append(f"SELECT '{facet}', CAST({key_sql} AS TEXT), {count}, 0, {labels} FROM m{join}{where} "
                        f"GROUP BY {key_sql}{group}")
        else:
            arms.append(f"SELECT '{facet}', '', {count}, 0, {labels} FROM m{where}")
        params.extend(where_params)

    if facets:
        # The labels come with the counts (no second look-up); the shop join keeps live shops only.
        arm("category", "m.category_id", "category", labels="c.slug, c.name_de, c.name_en",
            join=" JOIN marketplace_category c ON c.id = m.category_id", group=", c.slug, c.name_de, c.name_en")
        arm("shop", "m.shop_id", "shop", labels="s.slug, s.name, ''",
            join=" JOIN marketplace_shop s ON s.id = m.shop_id", group=", s.slug, s.name")
        arm("district", "NULLIF(m.district, '')", "district")
        arm("price", _band_case(), "price")
        arm("in_stock", "", "in_stock", count="SUM(CASE WHEN m.in_stock THEN 1 ELSE 0 END)")
    sql = f"WITH m AS MATERIALIZED ({match}) " + " UNION ALL ".join(arms)
    with connection.cursor() as cursor:
        cursor.execute(sql, match_params + params)
        return [(kind, key, int(count or 0), float(score or 0), slug, name, name_en)
                for kind, key, count, score, slug, name, name_en in cursor.fetchall()]


@dataclass
class ShopRef:
    slug: str
    name: str
    district: str
    status: str


@dataclass
class ProductHit:
    """A product as the list of hits shows it (read in one statement for the page)."""

    pk: int
    title: str
    shop: ShopRef
    net_quantity: Decimal | None
    base_unit: str
    min_price_cents: int
    price_varies: bool
    available_now: int
    thumbnail_url: str
    alt_text: str


def _products(ids: list[int]) -> list[ProductHit]:
    """The page's products with their shop, price range, availability and first
    thumbnail: one statement (ids come from the index of live shops; a public read)."""
    from .models import ProductImage

    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        "SELECT p.id, p.title, p.net_quantity, p.base_unit, s.slug, s.name, s.district, s.status, "
        "(SELECT MIN(v.price_cents) FROM marketplace_variant v WHERE v.product_id = p.id), "
        "(SELECT MAX(v.price_cents) FROM marketplace_variant v WHERE v.product_id = p.id), "
        "(SELECT SUM(CASE WHEN v.on_hand > v.reserved THEN v.on_hand - v.reserved ELSE 0 END) "
        " FROM marketplace_variant v WHERE v.product_id = p.id), "
        "(SELECT i.thumbnail FROM marketplace_productimage i WHERE i.product_id = p.id AND i.thumbnail <> '' "
        " ORDER BY i.\"order\", i.id LIMIT 1), "
        "(SELECT i.alt_text FROM marketplace_productimage i WHERE i.product_id = p.id AND i.thumbnail <> '' "
        " ORDER BY i.\"order\", i.id LIMIT 1) "
        f"FROM marketplace_product p JOIN marketplace_shop s ON s.id = p.shop_id WHERE p.id IN ({marks})")
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = cursor.fetchall()
    storage = ProductImage._meta.get_field("thumbnail").storage
    by_id = {}
    for (pk, title, quantity, unit, slug, name, district, status, low, high, available, thumb, alt) in rows:
        by_id[pk] = ProductHit(
            pk=pk, title=title, shop=ShopRef(slug, name, district, status),
            net_quantity=Decimal(str(quantity)) if quantity is not None else None, base_unit=unit or "",
            min_price_cents=int(low or 0), price_varies=(low != high), available_now=int(available or 0),
            thumbnail_url=storage.url(thumb) if thumb else "", alt_text=alt or "")
    return [by_id[i] for i in ids if i in by_id]


def _labelled(rows, *, category, shop, district, price_min, price_max) -> dict[str, list[FacetValue]]:
    english = (translation.get_language() or "de").split("-")[0] == "en"

    def by_count(values):
        return sorted(values, key=lambda f: (-f.count, f.label))

    facets: dict[str, list[FacetValue]] = {
        "category": by_count(FacetValue(slug, (name_en if english and name_en else name), n, slug == category)
                             for kind, _k, n, _s, slug, name, name_en in rows if kind == "category"),
        "shop": by_count(FacetValue(slug, name, n, slug == shop)
                         for kind, _k, n, _s, slug, name, _e in rows if kind == "shop"),
        "district": by_count(FacetValue(k, k, n, k == district) for kind, k, n, *_rest in rows if kind == "district"),
    }
    bands = {int(k): n for kind, k, n, *_rest in rows if kind == "price"}
    facets["price"] = [
        FacetValue(f"{low}-{high if high is not None else ''}", price_band_label(low, high), bands[i],
                   price_min == low and price_max == high)
        for i, (low, high) in enumerate(PRICE_BANDS) if bands.get(i)]
    return facets


def search_products(*, query: str = "", category: str = "", shop: str = "", district: str = "",
                    price_min: int | None = None, price_max: int | None = None, in_stock_now: bool = False,
                    page: int = 1, facets: bool = True, log: bool = True) -> SearchResults:
    """Products of live shops matching every word of `query` (stemmed, typo-tolerant,
    with synonyms and compound splits), best first, one page of PAGE_SIZE. `category`
    and `shop` are slugs; prices are cents ([price_min, price_max)); `in_stock_now`
    keeps products with a variant available in the shop now. Every search with words is
    logged with its hit count (page 1 only: turning pages is the same search)."""
    from .models import SearchLog

    query = (query or "").strip()[:200]
    page = max(1, min(int(page or 1), MAX_PAGE))
    plan = search_index.plan_query(query)
    filters = _filters(category=category, shop=shop, district=district, price_min=price_min, price_max=price_max,
                       in_stock_now=in_stock_now)
    match, match_params = _match_sql(plan)
    rows = _run(match, match_params, filters, page=page, facets=facets)
    results = SearchResults(query=query, page=page, corrections=plan.corrections)
    results.total = next((row[2] for row in rows if row[0] == "total"), 0)
    results.pages = math.ceil(results.total / PAGE_SIZE)
    if facets:
        results.in_stock_count = next((row[2] for row in rows if row[0] == "in_stock"), 0)
        results.facets = _labelled(rows, category=category, shop=shop, district=district, price_min=price_min,
                                   price_max=price_max)
    hits = sorted(((row[3], int(row[1])) for row in rows if row[0] == "page"), reverse=True)
    results.products = _products([pid for _score, pid in hits])
    if log and query and page == 1:
        SearchLog.objects.create(query=query, hits=results.total)
    return results


# --- the other reads (and the view counter) of the shopper's pages ---------------------


def featured_shops(*, limit: int = 6) -> list:
    from .models import Shop

    return list(Shop.live.order_by("-verified_at", "name")[:limit])


def suggestions(results: SearchResults) -> dict:
    """What to offer when nothing was found: the categories, and searches that found
    something in the last 30 days (most asked first)."""
    import datetime as dt

    from django.db.models import Count
    from django.utils import timezone

    from .models import Category, SearchLog

    since = timezone.now() - dt.timedelta(days=30)
    popular = (SearchLog.objects.filter(created_at__gte=since, hits__gt=0).values("query")
               .annotate(n=Count("pk")).order_by("-n", "query")[:5])
    return {"categories": list(Category.objects.all()[:12]), "popular": [row["query"] for row in popular]}


def product_page(*, shop_slug: str, product_id: int):
    """A product of a live shop with its variants (cheapest first) and images, or None."""
    from .models import Product, ProductImage, ShopStatus, Variant

    # Public read across organisations: live shops and visible products only.
    product = (Product.unscoped_objects.select_related("shop", "category")
               .prefetch_related(Prefetch("variants", queryset=Variant.unscoped_objects.order_by("price_cents", "pk")),
                                 Prefetch("images", queryset=ProductImage.unscoped_objects.all()))
               .filter(pk=product_id, shop__slug=shop_slug, shop__status=ShopStatus.LIVE, active=True).first())
    if product is None:
        return None
    product.variants_shown = list(product.variants.all())
    product.images_shown = [i for i in product.images.all() if i.thumbnail or i.original]
    product.min_price_cents = min((v.price_cents for v in product.variants_shown), default=None)
    product.price_varies = len({v.price_cents for v in product.variants_shown}) > 1
    product.available_now = sum(v.available for v in product.variants_shown)
    product.first_available_id = next((v.pk for v in product.variants_shown if v.available), None)
    product.stock_updated_at = max((v.stock_updated_at for v in product.variants_shown if v.stock_updated_at),
                                   default=None)
    return product


def product_viewed(*, product_id: int) -> None:
    """Counts a view of the product page (one UPDATE, no read-modify-write race)."""
    from django.db.models import F

    from .models import Product

    Product.unscoped_objects.filter(pk=product_id).update(views=F("views") + 1)
