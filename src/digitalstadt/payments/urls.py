from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("<uuid:uuid>/", views.payment_detail, name="detail"),
    path("<uuid:uuid>/bezahlen/<slug:provider>/", views.payment_start, name="start"),
]
