from django.urls import path

from . import partner_views

app_name = "partner"

urlpatterns = [
    path("<slug:org>/", partner_views.partner_home, name="home"),
    path("<slug:org>/veranstaltungen/", partner_views.series_list, name="series-list"),
    path("<slug:org>/veranstaltungen/neu/", partner_views.series_create, name="series-create"),
    path("<slug:org>/veranstaltungen/<slug:series>/", partner_views.series_detail, name="series"),
    path("<slug:org>/veranstaltungen/<slug:series>/termine/neu/", partner_views.date_create, name="date-create"),
    path("<slug:org>/termine/<int:pk>/", partner_views.date_edit, name="date"),
    path("<slug:org>/orte/neu/", partner_views.venue_create, name="venue-create"),
    path("<slug:org>/orte/<int:pk>/", partner_views.venue_edit, name="venue"),
]
