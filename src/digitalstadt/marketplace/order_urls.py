from django.urls import path

from . import order_views

app_name = "market-order"

urlpatterns = [
    path("", order_views.order_list, name="list"),
    path("<uuid:uuid>/", order_views.order_detail, name="detail"),
    path("<uuid:uuid>/<int:pk>/bezahlen/", order_views.pay, name="pay"),
    path("<uuid:uuid>/<int:pk>/stornieren/", order_views.cancel, name="cancel"),
    path("<uuid:uuid>/<int:pk>/widerrufen/", order_views.withdraw, name="withdraw"),
]
