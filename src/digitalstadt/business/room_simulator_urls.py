"""The platform's local demo room (language-neutral, like a video server: /raum-simulator/).
404 unless "simulator" is in ROOM_PROVIDERS."""

from django.urls import path

from . import room_views

app_name = "room-simulator"

urlpatterns = [
    path("<slug:room>/", room_views.room_simulator, name="room"),
]
