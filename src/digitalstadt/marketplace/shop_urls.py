"""The retailer's own pages under /mein-geschaeft/ (onboarding, profile, manual products)."""

from django.urls import path

from . import shop_views

app_name = "market-shop"

urlpatterns = [
    path("", shop_views.shop_list, name="list"),
    path("anlegen/", shop_views.shop_create, name="create"),
    path("<slug:shop>/", shop_views.shop_detail, name="detail"),
    path("<slug:shop>/profil/", shop_views.shop_profile, name="profile"),
    path("<slug:shop>/oeffnungszeiten/", shop_views.shop_hours, name="hours"),
    path("<slug:shop>/position/", shop_views.shop_position, name="position"),
    path("<slug:shop>/einreichen/", shop_views.shop_submit, name="submit"),
    path("<slug:shop>/produkte/", shop_views.product_list, name="products"),
    path("<slug:shop>/produkte/neu/", shop_views.product_edit, name="product-create"),
    path("<slug:shop>/produkte/<int:pk>/", shop_views.product_edit, name="product-edit"),
]
