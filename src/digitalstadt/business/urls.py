"""Business's public pages (mounted at /weiterbildung/)."""

from django.urls import include, path

app_name = "business"
urlpatterns: list = [
    path("", include("digitalstadt.business.registration_urls")),
]
