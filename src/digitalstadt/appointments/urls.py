from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("buchung/<str:code>/", views.manage, name="manage"),
]
