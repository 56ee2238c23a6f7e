"""The shop's import pages under /mein-geschaeft/<shop>/import/."""

from django.urls import path

from . import import_views as views

app_name = "market-import"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:batch>/zuordnung/", views.mapping, name="mapping"),
    path("<int:batch>/vorschau/", views.preview, name="preview"),
    path("<int:batch>/importieren/", views.confirm, name="confirm"),
    path("<int:batch>/ergebnis/", views.result, name="result"),
    path("lokales-inventar.tsv", views.local_inventory, name="local-inventory"),
]
