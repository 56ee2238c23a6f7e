from django.urls import path

from . import courier_views

app_name = "courier"

urlpatterns = [
    path("", courier_views.tour, name="tour"),
    path("sw.js", courier_views.service_worker, name="service-worker"),
    path("manifest.webmanifest", courier_views.manifest, name="manifest"),
    path("stopp/<int:stop_id>/", courier_views.stop, name="stop"),
    path("stopp/<int:stop_id>/abholung/", courier_views.confirm_pickup, name="pickup"),
    path("stopp/<int:stop_id>/zugestellt/", courier_views.confirm_delivered, name="delivered"),
    path("stopp/<int:stop_id>/nicht-zugestellt/", courier_views.confirm_failed, name="failed"),
    path("stopp/<int:stop_id>/zurueckgebracht/", courier_views.confirm_returned, name="returned"),
]
