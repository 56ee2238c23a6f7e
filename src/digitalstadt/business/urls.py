"""Business's public pages (mounted at /weiterbildung/)."""

from django.urls import include, path

from . import calendar_views
from .attendance_urls import urlpatterns as attendance_urlpatterns

app_name = "business"
urlpatterns = [
    path("", calendar_views.calendar, name="calendar"),
    path("kalender.ics", calendar_views.calendar_ics, name="calendar-ics"),
    path("angebote/<slug:series>/", calendar_views.series_page, name="series"),
    path("angebote/<slug:series>/termine/<int:pk>/", calendar_views.date_page, name="date"),
    path("angebote/<slug:series>/termine/<int:pk>.ics", calendar_views.date_ics, name="date-ics"),
    path("", include("digitalstadt.business.registration_urls")),
]
urlpatterns += attendance_urlpatterns
