from django.urls import path

from . import street_views

app_name = "street-parking"

urlpatterns = [
    path("", street_views.home, name="home"),
    path("starten/", street_views.start, name="start"),
    path("starten/bestaetigen/", street_views.confirm, name="confirm"),
    path("vorgang/<int:session_id>/", street_views.session_page, name="session"),
    path("vorgang/<int:session_id>/stand/", street_views.session_status, name="session-status"),
    path("vorgang/<int:session_id>/verlaengern/", street_views.extend, name="extend"),
    path("vorgang/<int:session_id>/beenden/", street_views.stop, name="stop"),
    path("kennzeichen/", street_views.vehicles, name="vehicles"),
    path("kennzeichen/<int:vehicle_id>/entfernen/", street_views.vehicle_remove, name="vehicle-remove"),
    path("abrechnung/", street_views.statement, name="statement"),
    path("abrechnung/<int:year>/<int:month>/", street_views.statement, name="statement-month"),
    path("abrechnung/<int:year>/<int:month>/csv/", street_views.statement_csv, name="statement-csv"),
]
