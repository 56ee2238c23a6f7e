"""The registration part's pages, included from business.urls (under /weiterbildung/)."""

from django.urls import path

from . import registration_views as views

urlpatterns = [
    path("termin/<int:date_id>/anmelden/", views.register, name="register"),
    path("termin/<int:date_id>/absagen/", views.date_cancel, name="date-cancel"),
    path("meine-anmeldungen/", views.my_registrations, name="my-registrations"),
    path("anmeldungen/<int:registration_id>/stornieren/", views.cancel, name="registration-cancel"),
    path("anmeldungen/<int:registration_id>/platz/", views.offer, name="registration-offer"),
    path("anmeldungen/<int:registration_id>/kalender.ics", views.calendar_file, name="registration-ics"),
    path("unternehmen/<slug:slug>/anmeldungen/", views.company_registrations, name="company-registrations"),
]
