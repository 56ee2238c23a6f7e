from django.urls import path

from . import display_views

app_name = "appointments-public"

urlpatterns = [
    path("anzeige/<slug:slug>/", display_views.call_display, name="call-display"),
    path("wartenummer/<uuid:uuid>/", display_views.ticket, name="ticket"),
]
