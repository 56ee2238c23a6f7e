from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("", views.landlord_confirmation, name="landlord"),
    path("<str:code>/", views.landlord_done, name="landlord-done"),
]
