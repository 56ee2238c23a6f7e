"""One cart across shops, split into one order per shop at checkout: stock held for ten
minutes, pickup windows inside opening hours, payment to the shop, expiry, cancellation
and withdrawal. The clock is the suite's (Tuesday 1 December 2026, 09:30 Berlin)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.marketplace import checkout, stock
from digitalstadt.marketplace.fulfilment import pickup_windows
from digitalstadt.marketplace.models import (
    Cart, Fulfilment, OrderStatus, ReservationStatus, ShopClosure, ShopOrder, StockReservation, Variant,
)
from digitalstadt.payments.models import Payment, PaymentStatus, Refund
from digitalstadt.payments.providers.epay import notification_body

from .checkout_factories import make_shop, make_variant

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
SECRET = "epay-test-secret"


@pytest.fixture(autouse=True)
def epay(settings):
    settings.PAYMENT_PROVIDERS = ["giro", "epay"]
    settings.PAYMENTS_EPAY_SECRET = SECRET
    settings.PAYMENTS_EPAY_PAGE_URL = "/psp-simulator/"


@pytest.fixture
def shopper():
    return CitizenFactory(email="shopper@example.org", first_name="Sina", last_name="Sommer")


@pytest.fixture
def two_shops():
    coffee = make_shop("Kaffeerösterei am Markt")
    books = make_shop("Buchhandlung Martinsviertel", capacity=1)
    beans = make_variant(coffee, title="Espresso-Bohnen 250 g", price_cents=899, on_hand=5)
    novel = make_variant(books, title="Roman „Darmstädter Nächte“", price_cents=2200, on_hand=2, vat_rate=7)
    return coffee, books, beans, novel


def _cart_with(user, *items):
    cart, _created = Cart.objects.get_or_create(user=user)
    for variant, quantity in items:
        checkout.cart_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def _first_window(shop):
    return pickup_windows(shop=shop)[0].start


def _place(user, cart, choices):
    return checkout.checkout_place(user=user, cart=cart, choices=choices, name="Sina Sommer",
                                   email="shopper@example.org")


def _notify(client, payment, *, amount=None):
    body = notification_body({"txid": f"tx-{payment.pk}", "reference": payment.reference,
                              "amount": str(payment.amount_cents if amount is None else amount),
                              "currency": "EUR", "status": "paid", "method": "card"}, SECRET)
    return client.post(reverse("payments-webhooks:webhook", args=["epay"]), body,
                       content_type="application/x-www-form-urlencoded")


def test_checkout_splits_the_cart_per_shop_and_holds_the_stock(shopper, two_shops):
    coffee, books, beans, novel = two_shops
    cart = _cart_with(shopper, (beans, 2), (novel, 1))
    window = _first_window(coffee)
    order = _place(shopper, cart, {
        coffee.pk: checkout.ShopChoice(Fulfilment.CLICK_COLLECT, window),
        books.pk: checkout.ShopChoice(Fulfilment.RESERVE)})
    parts = {p.shop_id: p for p in ShopOrder.unscoped_objects.filter(order=order)}
    assert set(parts) == {coffee.pk, books.pk}
    collect, reserve = parts[coffee.pk], parts[books.pk]
    assert collect.status == OrderStatus.PENDING_PAYMENT and collect.pickup_from == window
    assert collect.total_cents == 1798
    assert abs((collect.hold_expires_at - order.created_at) - timedelta(minutes=10)) < timedelta(seconds=2)
    payment = Payment.objects.get(reference=collect.payment_reference)
    assert payment.amount_cents == 1798 and payment.payee == f"shop:{coffee.pk}" and payment.provider == "epay"
    # Reserved in store: no online payment, held until the shop's reservation time is over.
    assert reserve.status == OrderStatus.NEW and not reserve.payment_reference and not reserve.pay_online
    # Tuesday 09:30 + 48 hours = Thursday 09:30: held to the end of that opening day.
    assert reserve.hold_expires_at == datetime(2026, 12, 3, 18, 0, tzinfo=BERLIN)
    beans.refresh_from_db(), novel.refresh_from_db()
    assert (beans.on_hand, beans.reserved, beans.available) == (5, 2, 3)
    assert (novel.on_hand, novel.reserved) == (2, 1)
    assert not cart.lines.exists()
    assert collect.pickup_code != reserve.pickup_code and len(collect.pickup_code) == 6


def test_sold_out_at_checkout_refuses_and_changes_nothing(shopper, two_shops):
    coffee, books, beans, novel = two_shops
    cart = _cart_with(shopper, (beans, 1), (novel, 2))
    Variant.unscoped_objects.filter(pk=novel.pk).update(on_hand=1)  # the till sold one meanwhile
    with pytest.raises(stock.OutOfStock, match="nur noch 1 Stück"):
        _place(shopper, cart, {coffee.pk: checkout.ShopChoice(Fulfilment.RESERVE),
                               books.pk: checkout.ShopChoice(Fulfilment.RESERVE)})
    assert not ShopOrder.unscoped_objects.exists() and not StockReservation.unscoped_objects.exists()
    beans.refresh_from_db()
    assert beans.reserved == 0 and cart.lines.count() == 2


def test_a_full_pickup_window_is_refused_and_no_longer_offered(shopper, two_shops):
    coffee, books, beans, novel = two_shops  # the bookshop takes one pickup per window
    window = _first_window(books)
    other = CitizenFactory()
    _place(other, _cart_with(other, (novel, 1)), {books.pk: checkout.ShopChoice(Fulfilment.CLICK_COLLECT, window)})
    assert window not in [w.start for w in pickup_windows(shop=books)]
    with pytest.raises(ValidationError, match="nicht mehr frei"):
        _place(shopper, _cart_with(shopper, (novel, 1)),
               {books.pk: checkout.ShopChoice(Fulfilment.CLICK_COLLECT, window)})
    assert ShopOrder.unscoped_objects.count() == 1


def test_pickup_windows_respect_hours_lead_time_holidays_and_closures(clock):
    shop = make_shop("Fahrradladen Bessungen", hours=((0, 5), time(10), time(18)))
    ShopClosure.objects.create(shop=shop, date=date(2026, 12, 3), reason="Inventur")
    windows = pickup_windows(shop=shop)
    starts = [w.start.astimezone(BERLIN) for w in windows]
    # Tuesday 09:30 (and a few seconds) with one hour's lead: 10:30 is too early, 11:00 is first.
    assert starts[0] == datetime(2026, 12, 1, 11, 0, tzinfo=BERLIN)
    assert all(time(10) <= s.time() and (s + timedelta(minutes=30)).time() <= time(18) for s in starts)
    days = {s.date() for s in starts}
    assert date(2026, 12, 3) not in days  # closure
    assert date(2026, 12, 6) not in days  # Sunday
    # Christmas Day and Boxing Day are public holidays in Hesse.
    clock.move_to(datetime(2026, 12, 23, 17, 0, tzinfo=BERLIN))
    days = {w.start.astimezone(BERLIN).date() for w in pickup_windows(shop=shop)}
    assert date(2026, 12, 25) not in days and date(2026, 12, 26) not in days and date(2026, 12, 28) in days


def test_unpaid_hold_expires_after_ten_minutes_and_gives_the_stock_back(shopper, two_shops, clock):
    coffee, books, beans, novel = two_shops
    order = _place(shopper, _cart_with(shopper, (beans, 3)),
                   {coffee.pk: checkout.ShopChoice(Fulfilment.CLICK_COLLECT, _first_window(coffee))})
    part = ShopOrder.unscoped_objects.get(order=order)
    clock.shift(timedelta(minutes=9))
    assert checkout.order_holds_expire() == 0
    clock.shift(timedelta(minutes=2))
    assert checkout.order_holds_expire() == 1
    assert checkout.order_holds_expire() == 0  # twice changes nothing
    part.refresh_from_db(), beans.refresh_from_db()
    assert part.status == OrderStatus.EXPIRED and beans.reserved == 0 and beans.on_hand == 5
    assert Payment.objects.get(reference=part.payment_reference).status == PaymentStatus.CANCELLED


def test_payment_makes_the_hold_firm_until_pickup(client, shopper, two_shops, clock):
    coffee, books, beans, novel = two_shops
    order = _place(shopper, _cart_with(shopper, (beans, 2)),
                   {coffee.pk: checkout.ShopChoice(Fulfilment.CLICK_COLLECT, _first_window(coffee))})
    part = ShopOrder.unscoped_objects.get(order=order)
    payment = Payment.objects.get(reference=part.payment_reference)
    assert _notify(client, payment).status_code == 200
    part.refresh_from_db()
    assert part.status == OrderStatus.NEW and part.paid_at is not None and part.hold_expires_at is None
    # The worker issues the invoice (§ 14 UStG) once the money is in.
    from django_tasks_db.models import DBTaskResult

    from digitalstadt.marketplace.checkout_tasks import issue_invoice
    from digitalstadt.marketplace.models import Invoice

    queued = DBTaskResult.objects.filter(task_path__endswith="issue_invoice", status="READY")
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == [part.pk]
    issue_invoice.call(part.pk)
    invoice = Invoice.unscoped_objects.get(shop_order=part)
    assert invoice.number.startswith("RE-2026-") and invoice.pdf[:5] == b"%PDF-"
    clock.shift(timedelta(hours=3))
    assert checkout.order_holds_expire() == 0
    beans.refresh_from_db()
    assert beans.reserved == 2
    assert StockReservation.unscoped_objects.get(shop_order=part).expires_at is None


def test_a_payment_after_expiry_takes_the_stock_again_or_is_refunded(client, shopper, two_shops, clock):
    coffee, books, beans, novel = two_shops
    order = _place(shopper, _cart_with(shopper, (novel, 2)),
                   {books.pk: checkout.ShopChoice(Fulfilment.CLICK_COLLECT, _first_window(books))})
    part = ShopOrder.unscoped_objects.get(order=order)
    clock.shift(timedelta(minutes=11))
    checkout.order_holds_expire()
    # Somebody else buys the two books in the shop; the late payment cannot get them.
    Variant.unscoped_objects.filter(pk=novel.pk).update(on_hand=0)
    payment = Payment.objects.get(reference=part.payment_reference)
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.OPEN)  # the provider had it open still
    assert _notify(client, payment).status_code == 200
    part.refresh_from_db()
    assert part.status == OrderStatus.REFUNDED and part.refunded_cents == 4400
    assert Refund.objects.get(payment=payment).amount_cents == 4400


def test_shopper_cancels_before_pickup_stock_back_and_paid_money_refunded(client, shopper, two_shops):
    coffee, books, beans, novel = two_shops
    order = _place(shopper, _cart_with(shopper, (beans, 2)),
                   {coffee.pk: checkout.ShopChoice(Fulfilment.CLICK_COLLECT, _first_window(coffee))})
    part = ShopOrder.unscoped_objects.get(order=order)
    _notify(client, Payment.objects.get(reference=part.payment_reference))
    client.force_login(shopper)
    page = client.get(reverse("market-order:cancel", args=[order.uuid, part.pk]))
    assert page.status_code == 200 and "wirklich stornieren" in page.content.decode()
    beans.refresh_from_db()
    assert beans.reserved == 2  # asking changes nothing
    client.post(reverse("market-order:cancel", args=[order.uuid, part.pk]), {"confirm": "yes"})
    part.refresh_from_db(), beans.refresh_from_db()
    assert part.status == OrderStatus.CANCELLED and beans.reserved == 0 and part.refunded_cents == 1798
    assert Refund.objects.filter(amount_cents=1798).exists()
    with pytest.raises(ValidationError):
        checkout.shop_order_cancel_by_shopper(user=shopper, shop_order_id=part.pk)


def test_withdrawal_within_fourteen_days_of_pickup(client, shopper, two_shops, clock):
    coffee, books, beans, novel = two_shops
    order = _place(shopper, _cart_with(shopper, (beans, 1)),
                   {coffee.pk: checkout.ShopChoice(Fulfilment.CLICK_COLLECT, _first_window(coffee))})
    part = ShopOrder.unscoped_objects.get(order=order)
    _notify(client, Payment.objects.get(reference=part.payment_reference))
    stock.collect(shop_order=part)
    ShopOrder.unscoped_objects.filter(pk=part.pk).update(status=OrderStatus.PICKED_UP, picked_up_at=clock.now())
    beans.refresh_from_db()
    assert (beans.on_hand, beans.reserved) == (4, 0)
    assert StockReservation.unscoped_objects.get(shop_order=part).status == ReservationStatus.COLLECTED
    clock.shift(timedelta(days=15))
    with pytest.raises(ValidationError, match="abgelaufen"):
        checkout.shop_order_withdraw(user=shopper, shop_order_id=part.pk)
    clock.shift(timedelta(days=-2))
    checkout.shop_order_withdraw(user=shopper, shop_order_id=part.pk, statement="Passt nicht")
    from digitalstadt.mailbox.models import Message

    assert Message.objects.filter(recipient_organisation=coffee.organisation, subject__contains="Widerruf").exists()


def test_till_report_includes_reserved_units_and_cannot_fall_below_them(shopper, two_shops):
    coffee, books, beans, novel = two_shops
    _place(shopper, _cart_with(shopper, (beans, 3)), {coffee.pk: checkout.ShopChoice(Fulfilment.RESERVE)})
    from django.db import transaction

    with transaction.atomic():
        stock.report_on_hand(variant_id=beans.pk, on_hand=4)  # one sold at the till; three still reserved
    beans.refresh_from_db()
    assert (beans.on_hand, beans.reserved, beans.available) == (4, 3, 1)  # not resurrected to 4
    with pytest.raises(stock.BelowReserved), transaction.atomic():
        stock.report_on_hand(variant_id=beans.pk, on_hand=2)
    beans.refresh_from_db()
    assert beans.on_hand == 4


def test_the_constraint_forbids_overselling_even_without_the_service(two_shops):
    from django.db import IntegrityError, transaction

    coffee, books, beans, novel = two_shops
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.unscoped_objects.filter(pk=beans.pk).update(reserved=6)


def test_cart_pages_and_checkout_in_the_browser_flow(client, shopper, two_shops):
    coffee, books, beans, novel = two_shops
    response = client.post(reverse("market-cart:add"), {"variant": beans.pk, "quantity": "2", "next": "/marktplatz/"})
    assert response.status_code == 302 and response["Location"] == "/marktplatz/"
    client.post(reverse("market-cart:add"), {"variant": novel.pk, "quantity": "1"})
    page = client.get(reverse("market-cart:cart")).content.decode()
    assert "Kaffeerösterei am Markt" in page and "Buchhandlung Martinsviertel" in page and "39,98" in page
    # Checkout needs an account; the anonymous cart follows the shopper into it.
    assert client.get(reverse("market-cart:checkout")).status_code == 302
    client.force_login(shopper)
    page = client.get(reverse("market-cart:checkout"))
    assert page.status_code == 200
    window = _first_window(coffee)
    bad = client.post(reverse("market-cart:checkout"), {
        f"fulfilment-{coffee.pk}": "click_collect", f"window-{coffee.pk}-click_collect": window.isoformat(),
        f"fulfilment-{books.pk}": "reserve", "name": "Sina Sommer", "email": "shopper@example.org"})
    assert bad.status_code == 400 and "AGB" in bad.content.decode() and not ShopOrder.unscoped_objects.exists()
    done = client.post(reverse("market-cart:checkout"), {
        f"fulfilment-{coffee.pk}": "click_collect", f"window-{coffee.pk}-click_collect": window.isoformat(),
        f"fulfilment-{books.pk}": "reserve", "name": "Sina Sommer", "email": "shopper@example.org",
        "terms": "yes"})
    assert done.status_code == 302
    detail = client.get(done["Location"]).content.decode()
    assert "Noch 1 Zahlung offen" in detail and "online bezahlen" in detail and "Abholcode" in detail
    part = ShopOrder.unscoped_objects.get(shop=coffee)
    pay = client.post(reverse("market-order:pay", args=[part.order.uuid, part.pk]))
    assert pay.status_code == 302 and pay["Location"].startswith("/psp-simulator/")
    assert "payee=shop" in pay["Location"]


def test_hostile_cart_input_is_refused_with_a_message(client, two_shops):
    coffee, books, beans, novel = two_shops
    for data in ({"variant": "x"}, {"variant": beans.pk, "quantity": "-3"}, {"variant": beans.pk, "quantity": "500"},
                 {"variant": "999999"}, {"variant": beans.pk, "quantity": "9"}):
        response = client.post(reverse("market-cart:add"), data, follow=True)
        assert response.status_code == 200
        assert response.context["messages"] and list(response.context["messages"])[0].level_tag == "error"
    assert not Cart.objects.filter(lines__isnull=False).exists()
    response = client.post(reverse("market-cart:add"), {"variant": beans.pk, "next": "https://evil.example/"})
    assert response["Location"] == reverse("market-cart:cart")


def test_another_person_never_sees_an_order(client, shopper, two_shops):
    coffee, books, beans, novel = two_shops
    order = _place(shopper, _cart_with(shopper, (beans, 1)), {coffee.pk: checkout.ShopChoice(Fulfilment.RESERVE)})
    client.force_login(CitizenFactory())
    assert client.get(reverse("market-order:detail", args=[order.uuid])).status_code == 404
    part = ShopOrder.unscoped_objects.get(order=order)
    assert client.post(reverse("market-order:cancel", args=[order.uuid, part.pk]), {"confirm": "yes"}).status_code == 404


def test_shop_payments_offer_no_bank_transfer(client, shopper, two_shops):
    coffee, books, beans, novel = two_shops
    order = _place(shopper, _cart_with(shopper, (beans, 1)),
                   {coffee.pk: checkout.ShopChoice(Fulfilment.CLICK_COLLECT, _first_window(coffee))})
    payment = Payment.objects.get(reference=ShopOrder.unscoped_objects.get(order=order).payment_reference)
    client.force_login(shopper)
    page = client.get(reverse("payments:detail", args=[payment.uuid])).content.decode()
    assert "Online bezahlen" in page and "IBAN" not in page and "Zurück zur Bestellung" in page
    response = client.post(reverse("payments:start", args=[payment.uuid, "giro"]), follow=True)
    assert "nicht verfügbar" in response.content.decode()


def test_the_header_shows_the_cart_count_without_a_query_per_page(client, two_shops):
    coffee, books, beans, novel = two_shops
    assert "Warenkorb" not in client.get("/").content.decode().split("<main")[0]
    client.post(reverse("market-cart:add"), {"variant": beans.pk, "quantity": "2"})
    client.post(reverse("market-cart:add"), {"variant": novel.pk, "quantity": "1"})
    header = client.get("/").content.decode().split("<main")[0]
    assert "Warenkorb" in header and ">3<" in header


def test_retention_removes_old_anonymous_carts_and_phones_of_closed_orders(shopper, two_shops, clock):
    from digitalstadt.core.registry import retention_policies
    from digitalstadt.marketplace.models import Order

    coffee, books, beans, novel = two_shops
    anonymous = Cart.objects.create()
    checkout.cart_add(cart=anonymous, variant_id=beans.pk, quantity=1)
    open_order = checkout.checkout_place(user=shopper, cart=_cart_with(shopper, (beans, 1)), name="Sina",
                                         email="s@example.org", phone="06151 123",
                                         choices={coffee.pk: checkout.ShopChoice(Fulfilment.RESERVE)})
    closed = checkout.checkout_place(user=shopper, cart=_cart_with(shopper, (novel, 1)), name="Sina",
                                     email="s@example.org", phone="06151 456",
                                     choices={books.pk: checkout.ShopChoice(Fulfilment.RESERVE)})
    ShopOrder.unscoped_objects.filter(order=closed).update(status=OrderStatus.PICKED_UP)
    cutoff = clock.now() + timedelta(days=1)
    assert retention_policies.get("marketplace_anonymous_carts").purge(cutoff=cutoff) == 1
    assert retention_policies.get("marketplace_order_phones").purge(cutoff=cutoff) == 1
    assert Order.objects.get(pk=open_order.pk).phone == "06151 123"
    assert Order.objects.get(pk=closed.pk).phone == "" and Order.objects.get(pk=closed.pk).name == "Sina"
    assert Cart.objects.filter(user=shopper).exists()


def test_the_worker_sends_the_notices_of_a_new_order(shopper, two_shops):
    from django_tasks_db.models import DBTaskResult

    from digitalstadt.mailbox.models import Message
    from digitalstadt.marketplace.checkout_tasks import notify_order_placed

    coffee, books, beans, novel = two_shops
    order = _place(shopper, _cart_with(shopper, (beans, 1), (novel, 1)),
                   {coffee.pk: checkout.ShopChoice(Fulfilment.RESERVE), books.pk: checkout.ShopChoice(Fulfilment.RESERVE)})
    queued = DBTaskResult.objects.get(task_path__endswith="notify_order_placed")
    assert queued.args_kwargs["args"] == [order.pk] and not Message.objects.exists()
    notify_order_placed.call(order.pk)
    mine = Message.objects.get(recipient_user=shopper)
    assert order.number in mine.subject and "Kaffeerösterei am Markt" in mine.body and "reserviert bis" in mine.body
    assert Message.objects.filter(recipient_organisation=coffee.organisation, subject__contains=order.number).exists()
    assert Message.objects.filter(recipient_organisation=books.organisation).count() == 1
