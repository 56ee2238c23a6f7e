"""The shop's order pages, mounted at /mein-geschaeft/<shop slug>/bestellungen/ (kwarg `shop`)."""

from django.urls import path

from . import retailer_order_views as views

app_name = "market-orders"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("abholung/", views.pickup, name="pickup"),
    path("statistik/", views.statistics, name="statistics"),
    path("<int:order_id>/", views.detail, name="detail"),
    path("<int:order_id>/rechnung/", views.invoice, name="invoice"),
    path("<int:order_id>/<slug:action>/", views.action, name="action"),
]
