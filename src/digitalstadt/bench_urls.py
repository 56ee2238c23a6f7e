"""URLs for the benchmark server: the platform plus one trivial view as a baseline."""

from django.http import HttpResponse
from django.urls import path

from digitalstadt.urls import urlpatterns as platform_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *platform_urlpatterns]
