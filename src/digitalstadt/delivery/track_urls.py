from django.urls import path

from . import track_views

app_name = "delivery-track"

urlpatterns = [
    path("<uuid:token>/", track_views.job_tracking, name="job"),
]
