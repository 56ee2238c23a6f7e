from django.urls import path

from . import office_views

app_name = "appointments-office"

urlpatterns = [
    path("<slug:slug>/einstellungen/", office_views.settings_page, name="settings"),
    path("<slug:slug>/einstellungen/regel/", office_views.date_rule, name="date-rule"),
    path("<slug:slug>/einstellungen/regel/<int:pk>/entfernen/", office_views.remove_date_rule, name="remove-rule"),
    path("<slug:slug>/einstellungen/verlauf/", office_views.history, name="history"),
    path("<slug:slug>/einstellungen/<slug:kind>/<int:pk>/entfernen/", office_views.delete_item, name="delete"),
    path("<slug:slug>/einstellungen/betroffene-absagen/", office_views.cancel_affected, name="cancel-affected"),
]
