"""The local PSP simulator's hosted payment page (language-neutral, like a provider's)."""

from django.urls import path

from . import simulator

app_name = "psp-simulator"

urlpatterns = [
    path("", simulator.page, name="page"),
]
