from django.urls import path

from . import views

app_name = "mailbox"

urlpatterns = [
    path("", views.message_list, name="list"),
    path("<uuid:uuid>/", views.message_detail, name="detail"),
]
