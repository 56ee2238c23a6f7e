from django.urls import path

from . import staff_views

app_name = "appointments-staff"

urlpatterns = [
    path("", staff_views.index, name="index"),
    path("<slug:slug>/", staff_views.day_plan, name="day-plan"),
    path("<slug:slug>/einchecken/<str:code>/", staff_views.check_in, name="check-in"),
    path("<slug:slug>/einchecken/", staff_views.check_in_by_code, name="check-in-by-code"),
    path("<slug:slug>/wartenummer/", staff_views.walk_in, name="walk-in"),
    path("<slug:slug>/aufrufen/", staff_views.call_next, name="call-next"),
    path("<slug:slug>/nummer/<uuid:uuid>/<slug:action>/", staff_views.ticket_action, name="ticket-action"),
    path("<slug:slug>/statistik/", staff_views.statistics, name="statistics"),
]
