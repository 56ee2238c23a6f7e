from django.urls import path

from . import operator_views

app_name = "carpark-operator"

urlpatterns = [
    path("<slug:operator>/", operator_views.overview, name="overview"),
]
