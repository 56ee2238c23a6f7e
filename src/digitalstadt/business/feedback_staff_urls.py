"""Business development staff: feedback results (/verwaltung/weiterbildung/rueckmeldungen/)."""

from django.urls import path

from . import feedback_views as views

app_name = "business-staff-feedback"

urlpatterns = [
    path("", views.staff_series_list, name="list"),
    path("reihe/<int:series_id>/", views.staff_series_results, name="series"),
    path("termin/<int:date_id>/", views.staff_date_results, name="date"),
]
