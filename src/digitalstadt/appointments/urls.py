from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("", views.start, name="start"),
    path("standorte/", views.locations, name="locations"),
    path("standorte/<slug:slug>/", views.location_slots, name="location-slots"),
    path("reservieren/", views.reserve, name="reserve"),
    path("reservierung/<str:code>/", views.details, name="details"),
    path("reservierung/<str:code>/gesendet/", views.sent, name="sent"),
    path("reservierung/<str:code>/verlaengern/", views.hold_extend, name="hold-extend"),
    path("buchung/<str:code>/", views.manage, name="manage"),
    path("buchung/<str:code>/kalender.ics", views.ics, name="ics"),
    path("buchung/<str:code>/verschieben/", views.reschedule, name="reschedule"),
    path("meine-termine/", views.mine, name="mine"),
    path("ersatztermin/<uuid:uuid>/", views.alternative, name="alternative"),
    path("warteliste/", views.waitlist, name="waitlist"),
]
