from django.urls import path

from . import cart_views

app_name = "market-cart"

urlpatterns = [
    path("", cart_views.cart, name="cart"),
    # POST variant=<id>, quantity=<1..99>, next=<local path>: adds to the cart.
    path("hinzufuegen/", cart_views.add, name="add"),
    path("aendern/", cart_views.update, name="update"),
    path("kasse/", cart_views.checkout_page, name="checkout"),
]
