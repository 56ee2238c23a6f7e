from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.index, name="index"),
    path("lebenslage/<slug:slug>/", views.situation, name="situation"),
    path("<slug:slug>/", views.detail, name="detail"),
]
