from django.urls import path

from . import admin_views

app_name = "appointments-admin"

urlpatterns = [
    path("<slug:slug>/einstellungen/", admin_views.settings_page, name="settings"),
    path("<slug:slug>/einstellungen/<slug:kind>/<int:pk>/entfernen/", admin_views.delete_item, name="delete"),
    path("<slug:slug>/einstellungen/betroffene-absagen/", admin_views.cancel_affected, name="cancel-affected"),
]
