"""Attendance, certificates and feedback pages (inside business's /weiterbildung/)."""

from django.urls import path

from . import attendance_views as views
from . import feedback_views

urlpatterns = [
    path("anwesenheit/<slug:partner>/", views.organiser_dates, name="attendance-dates"),
    path("anwesenheit/termin/<int:date_id>/", views.participants, name="attendance-list"),
    path("anwesenheit/termin/<int:date_id>/code/", views.scan, name="attendance-scan"),
    path("anwesenheit/termin/<int:date_id>/bescheinigungen/", views.issue_certificates, name="certificates-issue"),
    path("anwesenheit/termin/<int:date_id>/rueckmeldungen/", feedback_views.date_results, name="feedback-date"),
    path("anwesenheit/reihe/<int:series_id>/rueckmeldungen/", feedback_views.series_results,
         name="feedback-series"),
    path("tickets/", views.my_tickets, name="my-tickets"),
    path("tickets/<int:registration_id>/", views.ticket, name="ticket"),
    path("tickets/<int:registration_id>/rueckmeldung/", feedback_views.feedback, name="feedback"),
]
