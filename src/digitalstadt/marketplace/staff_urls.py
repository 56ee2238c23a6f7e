"""Platform staff: verification of shops (/verwaltung/marktplatz/)."""

from django.urls import path

from . import staff_views

app_name = "market-staff"

urlpatterns = [
    path("geschaefte/", staff_views.shop_queue, name="list"),
    path("geschaefte/<slug:slug>/", staff_views.shop_review, name="review"),
]
