from django.urls import path

from . import carpark_views

app_name = "carparks"

urlpatterns = [
    path("", carpark_views.carpark_list, name="list"),
    path("sw.js", carpark_views.service_worker, name="service-worker"),
    path("manifest.webmanifest", carpark_views.manifest, name="manifest"),
    path("parkhaus/<slug:slug>/", carpark_views.carpark_detail, name="detail"),
]
