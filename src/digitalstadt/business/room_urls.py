"""The join page of a date's online room (mounted at /weiterbildung/raum/)."""

from django.urls import path

from . import room_views

app_name = "business-rooms"

urlpatterns = [
    path("<int:date_id>/", room_views.room_join, name="join"),
]
