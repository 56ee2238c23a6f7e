from django.urls import path

from . import office_views

app_name = "appointments-office"

urlpatterns = [
    path("<slug:slug>/einstellungen/", office_views.settings_page, name="settings"),
    path("<slug:slug>/einstellungen/<slug:kind>/<int:pk>/entfernen/", office_views.delete_item, name="delete"),
    path("<slug:slug>/einstellungen/betroffene-absagen/", office_views.cancel_affected, name="cancel-affected"),
]
