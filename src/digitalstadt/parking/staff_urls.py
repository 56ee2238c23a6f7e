from django.urls import path

from . import staff_views

app_name = "staff-parking"

urlpatterns = [
    path("ausweise/", staff_views.permit_check, name="permit-check"),
    path("kontrolle/", staff_views.enforcement, name="enforcement"),
]
