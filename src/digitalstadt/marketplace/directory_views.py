"""The public shop directory (/marktplatz/geschaefte/): live shops with a map beside
the list, and each shop's page with its profile, hours, legal texts and products."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from digitalstadt.core.params import query_choice

from . import shop_selectors as selectors
from .registry import shop_panels_html

SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _product_url(shop_slug: str, product_id: int) -> str:
    # The product page belongs to the search part (`market:product`, the shop's slug and
    # the product's id); until it is merged the list shows no links.
    for name in ("product", "pk", "product_id", "id"):
        try:
            return reverse("market:product", kwargs={"shop": shop_slug, name: product_id})
        except NoReverseMatch:
            continue
    return ""


def directory(request):
    categories = list(selectors.categories())
    districts = selectors.live_districts()
    category = query_choice(request.GET, "kategorie", [c.slug for c in categories], default="")
    district = query_choice(request.GET, "stadtteil", districts, default="")
    shops = list(selectors.live_shops(category=category, district=district))
    return render(request, "marketplace/shops/directory.html", {
        "shops": shops, "categories": categories, "districts": districts, "category": category,
        "district": district, "tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "mapped": [s for s in shops if s.latitude is not None],
    })


def shop_page(request, slug):
    shop = selectors.live_shop(slug=slug)
    if shop is None:
        raise Http404
    hours = selectors.opening_hours_by_day(shop=shop)
    products = selectors.live_shop_products(shop=shop)
    for product in products:
        product.url = _product_url(shop.slug, product.pk)
    return render(request, "marketplace/shops/shop_page.html", {
        "shop": shop, "hours": hours, "status": selectors.open_status(shop=shop), "products": products,
        "product_count": selectors.live_product_count(shop=shop), "today": timezone.localdate().weekday(),
        "jsonld": shop_jsonld(request, shop, hours), "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "panels": shop_panels_html(request=request, latitude=shop.latitude, longitude=shop.longitude, place=shop.name),
    })


def shop_jsonld(request, shop, hours) -> dict:
    """schema.org LocalBusiness for search engines."""
    data = {
        "@context": "https://schema.org", "@type": "LocalBusiness", "name": shop.name,
        "url": request.build_absolute_uri(reverse("market-directory:shop", kwargs={"slug": shop.slug})),
        "address": {"@type": "PostalAddress", "streetAddress": shop.street, "postalCode": shop.postal_code,
                    "addressLocality": shop.city, "addressCountry": "DE"},
        "openingHoursSpecification": [
            {"@type": "OpeningHoursSpecification", "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[row['weekday']]}",
             "opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")}
            for row in hours for opens, closes in row["times"]],
    }
    if shop.description:
        data["description"] = shop.description
    if shop.latitude is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": float(shop.latitude),
                       "longitude": float(shop.longitude)}
    if shop.phone:
        data["telephone"] = shop.phone
    if shop.email:
        data["email"] = shop.email
    if shop.website:
        data["sameAs"] = [shop.website]
    if shop.logo:
        data["logo"] = request.build_absolute_uri(shop.logo.url)
    return data
