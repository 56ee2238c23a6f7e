"""Shopper pages of the search part: the marketplace home, search results with facets,
and the public product page. Thin: parse, call the selectors, render."""

from __future__ import annotations

from django.http import Http404, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from digitalstadt.core.money import cents_to_decimal
from digitalstadt.core.params import query_choice, query_int, query_text

from . import search
from .models import Category

MAX_PRICE_CENTS = 100_000_000


def home(request):
    return render(request, "marketplace/search/home.html", {
        "categories": Category.objects.all(), "shops": search.featured_shops(),
    })


def _search_params(request) -> dict:
    data = request.GET
    return {
        "query": query_text(data, "q", max_length=100),
        "category": query_text(data, "kategorie", max_length=80),
        "shop": query_text(data, "geschaeft", max_length=80),
        "district": query_text(data, "stadtteil", max_length=100),
        "price_min": query_int(data, "preis_von", minimum=0, maximum=MAX_PRICE_CENTS),
        "price_max": query_int(data, "preis_bis", minimum=1, maximum=MAX_PRICE_CENTS),
        "in_stock_now": query_choice(data, "vorraetig", ["1"], default="") == "1",
        "page": query_int(data, "seite", default=1, maximum=search.MAX_PAGE),
    }


# URL parameter of each search argument (the page's GET form and its links use these).
PARAMS = {"query": "q", "category": "kategorie", "shop": "geschaeft", "district": "stadtteil",
          "price_min": "preis_von", "price_max": "preis_bis", "in_stock_now": "vorraetig", "page": "seite"}


def _url(params: dict, **changes) -> str:
    """The search URL with `params` changed (None removes one); any change but the page
    goes back to page 1."""
    merged = {**params, **changes}
    if "page" not in changes:
        merged["page"] = 1
    query = QueryDict(mutable=True)
    for name, value in merged.items():
        if value in (None, "", False) or (name == "page" and value == 1):
            continue
        query[PARAMS[name]] = "1" if value is True else str(value)
    return reverse("market:search") + ("?" + query.urlencode() if query else "")


def search_results(request):
    params = _search_params(request)
    results = search.search_products(**params)
    facets = []
    for name, title, key in (("category", _("Kategorie"), "category"), ("shop", _("Geschäft"), "shop"),
                             ("district", _("Stadtteil"), "district"), ("price", _("Preis"), None)):
        values = []
        for value in results.facets.get(name, []):
            if key:
                link = _url(params, **{key: None if value.selected else value.key})
            else:
                low, high = value.key.split("-")
                link = (_url(params, price_min=None, price_max=None) if value.selected else
                        _url(params, price_min=int(low), price_max=int(high) if high else None))
            values.append((value, link))
        if values:
            facets.append((name, title, values))
    active = any(params[k] for k in ("category", "shop", "district", "in_stock_now")) or \
        params["price_min"] is not None or params["price_max"] is not None
    return render(request, "marketplace/search/results.html", {
        "params": params, "results": results, "facets": facets, "filtered": active,
        "clear_url": _url({"query": params["query"]}),
        "previous_url": _url(params, page=results.page - 1) if results.has_previous else "",
        "next_url": _url(params, page=results.page + 1) if results.has_next else "",
        "suggestions": search.suggestions(results) if not results.total else None,
        "hidden": [(PARAMS[k], params[k]) for k in ("category", "shop", "district", "price_min", "price_max")
                   if params[k] not in (None, "")],
    })


def product(request, shop, product_id):
    found = search.product_page(shop_slug=shop, product_id=product_id)
    if found is None:
        raise Http404
    search.product_viewed(product_id=found.pk)
    return render(request, "marketplace/search/product.html", {
        "product": found, "variants": found.variants_shown, "json_ld": _json_ld(found, request),
        "next": request.get_full_path(),
    })


def _json_ld(product, request) -> dict:
    """schema.org Product with one Offer per variant (rendered by core's json_ld filter)."""
    seller = {"@type": "LocalBusiness", "name": product.shop.name,
              "address": {"@type": "PostalAddress", "streetAddress": product.shop.street,
                          "postalCode": product.shop.postal_code, "addressLocality": product.shop.city}}
    data = {
        "@context": "https://schema.org", "@type": "Product", "name": product.title,
        "url": request.build_absolute_uri(), "sku": product.variants_shown[0].sku if product.variants_shown else "",
        "offers": [{
            "@type": "Offer", "sku": v.sku, "price": str(cents_to_decimal(v.price_cents)), "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock" if v.available else "https://schema.org/OutOfStock",
            "seller": seller,
            **({"name": " ".join(x for x in (v.size, v.colour) if x)} if (v.size or v.colour) else {}),
            **({"gtin": v.gtin} if v.gtin else {}),
        } for v in product.variants_shown],
    }
    if product.description:
        data["description"] = product.description
    if product.brand:
        data["brand"] = {"@type": "Brand", "name": product.brand}
    if product.category:
        data["category"] = product.category.name_de
    if product.images_shown:
        image = product.images_shown[0]
        data["image"] = request.build_absolute_uri((image.original or image.thumbnail).url)
    return data
