"""Language-neutral machine endpoint for payment providers' webhooks."""

from django.urls import path

from . import views

app_name = "payments-webhooks"

urlpatterns = [
    path("<slug:provider>/", views.webhook, name="webhook"),
]
