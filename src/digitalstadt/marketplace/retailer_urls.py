"""The shop's own pages under /mein-geschaeft/ (members of a shop organisation)."""

from django.urls import include, path

urlpatterns = [
    path("<slug:shop>/import/", include("digitalstadt.marketplace.import_urls")),
    path("<slug:shop>/bestellungen/", include("digitalstadt.marketplace.retailer_order_urls")),
    path("", include("digitalstadt.marketplace.shop_urls")),
]
