"""Shopper pages under /marktplatz/."""

from django.urls import include, path

urlpatterns = [
    path("warenkorb/", include("digitalstadt.marketplace.cart_urls")),
    path("bestellungen/", include("digitalstadt.marketplace.order_urls")),
    path("geschaefte/", include("digitalstadt.marketplace.directory_urls")),
    path("", include("digitalstadt.marketplace.public_urls")),
]
