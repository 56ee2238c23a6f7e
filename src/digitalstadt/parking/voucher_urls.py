"""Park & shop pages: a shop's under /mein-geschaeft/<shop>/parkgutscheine/, a car-park
operator's statement under /parkhausbetreiber/<operator>/parkgutscheine/."""

from django.urls import path

from . import voucher_views as views

app_name = "parking-vouchers"

urlpatterns = [
    path("mein-geschaeft/<slug:shop>/parkgutscheine/", views.retailer, name="retailer"),
    path("mein-geschaeft/<slug:shop>/parkgutscheine/budget/", views.fund, name="fund"),
    path("mein-geschaeft/<slug:shop>/parkgutscheine/abrechnung/", views.retailer_statement, name="statement"),
    path("parkhausbetreiber/<slug:operator>/parkgutscheine/", views.operator_statement, name="operator"),
]
