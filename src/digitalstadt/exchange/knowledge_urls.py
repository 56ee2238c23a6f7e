"""The knowledge base's public pages (mounted at /wissen/)."""

from django.urls import path

from . import knowledge_views as views

app_name = "knowledge"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.toolkit, name="toolkit"),
    path("<slug:slug>/version-<int:number>/", views.version, name="version"),
    path("<slug:slug>/version-<int:number>/download.<slug:fmt>", views.download, name="download"),
]
