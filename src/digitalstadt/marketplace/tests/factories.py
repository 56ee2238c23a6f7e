"""Factories for the marketplace's tests (each part keeps its own section)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from digitalstadt.accounts.models import Membership, OrganisationKind, OrgRole
from digitalstadt.accounts.tests.factories import CitizenFactory, OrganisationFactory

# --- orders ---
# Orders are made directly here (checkout is the lead's part): an Organisation of kind
# shop, its Shop, products with one variant each, an Order with one ShopOrder whose
# lines hold stock through `marketplace.stock.hold`, as checkout would.

_seq = itertools.count(1)


def make_shop(*, owner=None, role: str = OrgRole.OWNER, small_business: bool = False, vat_id: str = "DE123456789",
              tax_number: str = "", name: str | None = None, **fields):
    from digitalstadt.marketplace.models import Shop, ShopStatus

    n = next(_seq)
    name = name or f"Laden {n}"
    organisation = OrganisationFactory(kind=OrganisationKind.SHOP, name=name, slug=f"laden-org-{n}")
    if owner is not None:
        Membership.objects.create(user=owner, organisation=organisation, role=role)
    defaults = {"slug": f"laden-{n}", "name": name, "street": "Luisenplatz 1", "postal_code": "64283",
                "city": "Darmstadt", "legal_form": "e. K.", "owner_name": "Karla Kaufmann",
                "email": f"laden{n}@example.org", "phone": "06151 12345", "status": ShopStatus.LIVE,
                "vat_id": vat_id, "tax_number": tax_number, "small_business": small_business}
    defaults.update(fields)
    return Shop.objects.create(organisation=organisation, **defaults)


def make_member(shop, *, role: str = OrgRole.SALES, **fields):
    user = CitizenFactory(**fields)
    Membership.objects.create(user=user, organisation=shop.organisation, role=role)
    return user


def make_variant(shop, *, title: str = "Kaffee", price_cents: int = 1190, vat_rate: int = 19, on_hand: int = 10,
                 sku: str | None = None):
    from digitalstadt.marketplace.models import Product, Variant

    product = Product.unscoped_objects.create(organisation=shop.organisation, shop=shop, title=title,
                                              vat_rate=vat_rate)
    return Variant.unscoped_objects.create(organisation=shop.organisation, product=product,
                                           sku=sku or f"SKU-{next(_seq)}", price_cents=price_cents, on_hand=on_hand)


def make_order(shop, *, lines=None, shopper=None, status: str = "new", pay_online: bool = True,
               fulfilment: str = "click_collect", pickup_code: str = "K7Q2M9", paid: bool | None = None):
    """A ShopOrder of `shop` with `lines` [(variant, quantity)] (default: one coffee x2),
    its stock held, in `status`. Paid (paid_at set) when paid online, unless paid=False."""
    from digitalstadt.marketplace import stock
    from digitalstadt.marketplace.models import Order, OrderLine, ShopOrder

    n = next(_seq)
    shopper = shopper or CitizenFactory(first_name="Sina", last_name="Shopper")
    if lines is None:
        lines = [(make_variant(shop), 2)]
    now = timezone.now()
    paid = pay_online if paid is None else paid
    with transaction.atomic():
        order = Order.objects.create(number=f"M-2026-{n:05d}", shopper=shopper, email=shopper.email,
                                     name=f"{shopper.first_name} {shopper.last_name}", phone="0170 1234567")
        shop_order = ShopOrder.unscoped_objects.create(
            organisation=shop.organisation, order=order, shop=shop, number=f"M-2026-{n:05d}-1",
            fulfilment=fulfilment, status=status, pickup_code=pickup_code, pay_online=pay_online,
            pickup_from=now + timedelta(hours=2), pickup_until=now + timedelta(hours=2, minutes=30),
            payment_reference="", paid_at=now if paid else None,
            total_cents=sum(v.price_cents * q for v, q in lines))
        for variant, quantity in lines:
            OrderLine.unscoped_objects.create(
                organisation=shop.organisation, shop_order=shop_order, variant=variant, title=str(variant),
                sku=variant.sku, quantity=quantity, unit_price_cents=variant.price_cents,
                vat_rate=variant.product.vat_rate)
        stock.hold(shop_order=shop_order, quantities={v.pk: q for v, q in lines}, expires_at=None)
    return shop_order


def make_paid_online(shop_order, *, amount_cents: int | None = None):
    """Pay `shop_order` through the payments app (a payment with the shop as payee and
    the money received), as checkout and the provider's webhook would."""
    from digitalstadt.payments.models import Payment, PaymentStatus
    from digitalstadt.payments.services import payment_create

    payment = payment_create(amount_cents=shop_order.total_cents, purpose=f"Bestellung {shop_order.number}",
                             regarding=f"marketplace.shoporder:{shop_order.pk}", payer=shop_order.order.shopper,
                             payee=shop_order.shop.payee)
    Payment.objects.filter(pk=payment.pk).update(
        status=PaymentStatus.PAID, amount_received_cents=amount_cents or shop_order.total_cents)
    type(shop_order).unscoped_objects.filter(pk=shop_order.pk).update(payment_reference=payment.reference)
    shop_order.payment_reference = payment.reference
    return payment
