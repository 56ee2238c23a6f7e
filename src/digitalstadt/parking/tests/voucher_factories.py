"""Shops with a funded park & shop programme, paid click & collect orders, car-park
operators with a redemption token: real services all the way."""

from __future__ import annotations

from digitalstadt.accounts import services as accounts
from digitalstadt.accounts.models import Membership, OrganisationKind, OrgRole
from digitalstadt.accounts.tests.factories import CitizenFactory, OrganisationFactory
from digitalstadt.accounts.tests.test_organisations import make_user
from digitalstadt.marketplace import checkout
from digitalstadt.marketplace.fulfilment import pickup_windows
from digitalstadt.marketplace.models import Cart, ShopOrder
from digitalstadt.marketplace.tests.checkout_factories import make_shop, make_variant
from digitalstadt.parking import voucher_services as services
from digitalstadt.parking.models import FundingStatus, VoucherProgramme
from digitalstadt.payments.models import Payment
from digitalstadt.payments.providers.epay import notification_body

from .carpark_factories import carpark_make

EPAY_SECRET = "epay-test-secret"


def shop_with_programme(name="Kaffeerösterei am Markt", *, slug=None, budget_cents=1000, max_value_cents=200,
                        min_order_cents=2000, minutes=30):
    owner = CitizenFactory()
    shop = make_shop(name, slug=slug, owner=owner)
    services.programme_save(organisation=shop.organisation, actor=owner, min_order_cents=min_order_cents,
                            minutes=minutes, max_value_cents=max_value_cents, validity_days=14)
    if budget_cents:
        fund(shop, owner, budget_cents)
    return shop, owner


def fund(shop, owner, amount_cents):
    funding, payment = services.budget_funding_start(organisation=shop.organisation, actor=owner,
                                                     amount_cents=max(amount_cents, services.MIN_FUNDING_CENTS))
    pay(payment)
    if amount_cents < services.MIN_FUNDING_CENTS:  # a small budget for the tests: take the rest out again
        VoucherProgramme.unscoped_objects.filter(organisation=shop.organisation).update(
            balance_cents=amount_cents, funded_cents=amount_cents)
    funding.refresh_from_db()
    assert funding.status == FundingStatus.PAID
    return funding


def epay_settings(settings):
    settings.PAYMENT_PROVIDERS = ["giro", "epay"]
    settings.PAYMENTS_EPAY_SECRET = EPAY_SECRET
    settings.PAYMENTS_EPAY_PAGE_URL = "/psp-simulator/"


def pay(payment):
    """The provider's webhook says the payment is in (signed like the real one)."""
    from django.test import Client
    from django.urls import reverse

    from digitalstadt.payments.conf import epay_secret

    payment = Payment.objects.get(pk=payment.pk)
    body = notification_body({"txid": f"tx-{payment.pk}", "reference": payment.reference,
                              "amount": str(payment.amount_cents), "currency": "EUR", "status": "paid",
                              "method": "card"}, epay_secret())
    response = Client().post(reverse("payments-webhooks:webhook", args=["epay"]), body,
                             content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.content


def paid_order(shop, *, price_cents=2500, shopper=None):
    shopper = shopper or CitizenFactory()
    variant = make_variant(shop, title=f"Artikel {price_cents}", price_cents=price_cents, on_hand=5)
    cart, _c = Cart.objects.get_or_create(user=shopper)
    checkout.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    window = pickup_windows(shop=shop)[0].start
    order = checkout.checkout_place(user=shopper, cart=cart, choices={
        shop.pk: checkout.ShopChoice("click_collect", window)}, name="Sina Sommer", email="sina@example.org")
    part = ShopOrder.unscoped_objects.get(order=order, shop=shop)
    pay(Payment.objects.get(reference=part.payment_reference))
    part.refresh_from_db()
    return part


def operator_with_token(slug="parkhaus-gmbh", *, scopes=("parking:voucher:redeem",), kind=OrganisationKind.CARPARK_OPERATOR,
                        carpark: str | None = None):
    """An operator organisation with a manager and a redemption token; with `carpark`, also
    an active car park of that slug it runs (redemption at the exit names one)."""
    manager = make_user(f"leitung@{slug}.example")
    operator = OrganisationFactory(kind=kind, name=f"{slug} Betrieb", slug=slug)
    Membership.objects.create(user=manager, organisation=operator, role=OrgRole.OWNER)
    _token, secret = accounts.api_token_create(actor=manager, organisation=operator, name="Ausfahrt",
                                               scopes=list(scopes))
    if carpark:
        carpark_make(slug=carpark, operator=operator)
    return operator, manager, secret
