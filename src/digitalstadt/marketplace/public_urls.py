from django.urls import path

from . import public_views

app_name = "market"

urlpatterns: list = [
    path("", public_views.home, name="home"),
    path("suche/", public_views.search_results, name="search"),
    path("<slug:shop>/<int:product_id>/", public_views.product, name="product"),
]
