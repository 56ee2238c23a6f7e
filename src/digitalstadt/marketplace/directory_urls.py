"""The public shop directory under /marktplatz/geschaefte/."""

from django.urls import path

from . import directory_views

app_name = "market-directory"

urlpatterns = [
    path("", directory_views.directory, name="list"),
    path("<slug:slug>/", directory_views.shop_page, name="shop"),
]
