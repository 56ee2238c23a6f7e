"""The business development office's editing of the toolkits (mounted at /verwaltung/wissen/)."""

from django.urls import path

from . import knowledge_staff_views as views

app_name = "knowledge-staff"

urlpatterns = [
    path("", views.toolkit_list, name="list"),
    path("<slug:slug>/neue-version/", views.publish, name="publish"),
]
