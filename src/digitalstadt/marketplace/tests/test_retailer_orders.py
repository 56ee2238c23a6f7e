"""The shop's order pages: dashboard and tabs, the order page (customer data audited),
confirmed actions, pickup by code, invoice download, statistics, and scoping."""

from datetime import timedelta

import pytest
from django.urls import reverse

from digitalstadt.accounts.models import OrgRole
from digitalstadt.core.models import AuditEntry
from digitalstadt.marketplace.models import OrderLine, OrderStatus, SearchLog, ShopOrder, Variant

from .factories import make_member, make_order, make_shop, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return make_shop(name="Buchhandlung Bessungen")


@pytest.fixture
def seller(shop, client):
    user = make_member(shop, role=OrgRole.SALES)
    client.force_login(user)
    return user


def url(name, shop, *args):
    return reverse(f"market-orders:{name}", args=[shop.slug, *args])


def status_of(order):
    return ShopOrder.unscoped_objects.get(pk=order.pk).status


def test_dashboard_tabs_with_counts_and_the_live_part(client, shop, seller):
    new = make_order(shop, status=OrderStatus.NEW)
    make_order(shop, status=OrderStatus.NEW)
    ready = make_order(shop, status=OrderStatus.READY)
    make_order(make_shop(), status=OrderStatus.NEW)  # another shop's

    page = client.get(url("dashboard", shop))
    html = page.content.decode()
    assert page.status_code == 200
    assert new.number in html and ready.number not in html
    assert 'hx-trigger="every 20s"' in html
    assert "Neu: 2 Bestellungen" in html

    ready_tab = client.get(url("dashboard", shop) + "?status=abholbereit").content.decode()
    assert ready.number in ready_tab and new.number not in ready_tab

    live = client.get(url("dashboard", shop) + "?status=neu&teil=liste", HTTP_HX_REQUEST="true")
    assert live.status_code == 200 and b"<html" not in live.content and new.number.encode() in live.content

    assert client.get(url("dashboard", shop) + "?status=kaputt").status_code == 400


def test_order_page_shows_customer_and_audits_the_read(client, shop, seller):
    order = make_order(shop)
    page = client.get(url("detail", shop, order.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert order.order.name in html and order.order.email in html and "0170 1234567" in html
    entry = AuditEntry.objects.get(action="marketplace.customer_viewed")
    assert entry.actor == seller and entry.subject_id == str(order.pk)
    assert entry.data_subject_ref == f"user:{order.order.shopper.pk}"


def test_a_member_of_another_shop_gets_404_and_reads_nothing(client, shop):
    order = make_order(shop, status=OrderStatus.READY, pickup_code="SECRET1")
    other = make_shop()
    client.force_login(make_member(other, role=OrgRole.OWNER))
    for address in (url("dashboard", shop), url("detail", shop, order.pk), url("pickup", shop),
                    url("statistics", shop), url("action", shop, order.pk, "annehmen")):
        assert client.get(address).status_code == 404
    # Through their own shop, this shop's order does not exist either.
    assert client.get(url("detail", other, order.pk)).status_code == 404
    assert client.post(url("action", other, order.pk, "stornieren"), {"grund": "x"}).status_code == 404
    response = client.post(url("pickup", other), {"code": "SECRET1"})
    assert response.status_code == 400 and order.order.name.encode() not in response.content
    assert status_of(order) == OrderStatus.READY
    assert not AuditEntry.objects.filter(action="marketplace.customer_viewed").exists()


def test_a_driver_role_and_a_shopper_cannot_open_the_pages(client, shop):
    make_order(shop)
    client.force_login(make_member(shop, role=OrgRole.DRIVER))
    assert client.get(url("dashboard", shop)).status_code == 404
    client.logout()
    assert client.get(url("dashboard", shop)).status_code == 302  # to the login


def test_accept_and_ready_are_confirmed_before_they_happen(client, shop, seller):
    order = make_order(shop)
    confirm = client.get(url("action", shop, order.pk, "annehmen"))
    assert confirm.status_code == 200 and "Ja, annehmen" in confirm.content.decode()
    assert status_of(order) == OrderStatus.NEW
    response = client.post(url("action", shop, order.pk, "annehmen"))
    assert response.status_code == 302 and status_of(order) == OrderStatus.ACCEPTED
    client.post(url("action", shop, order.pk, "abholbereit"))
    assert status_of(order) == OrderStatus.READY
    # Accepting again: refused with the reason, nothing changes.
    again = client.post(url("action", shop, order.pk, "annehmen"))
    assert again.status_code == 400 and "Abholbereit" in again.content.decode()
    assert client.get(url("action", shop, order.pk, "unsinn")).status_code == 404


def test_cancel_needs_a_reason_and_releases_stock(client, shop, seller):
    variant = make_variant(shop, on_hand=3)
    order = make_order(shop, lines=[(variant, 2)])
    missing = client.post(url("action", shop, order.pk, "stornieren"), {"grund": ""})
    assert missing.status_code == 400 and "Grund" in missing.content.decode()
    assert status_of(order) == OrderStatus.NEW
    client.post(url("action", shop, order.pk, "stornieren"), {"grund": "Ware beschädigt"})
    assert status_of(order) == OrderStatus.CANCELLED
    assert Variant.unscoped_objects.get(pk=variant.pk).reserved == 0


def test_partial_refund_by_line_quantities(client, shop, seller):
    a, b = make_variant(shop, price_cents=1000), make_variant(shop, price_cents=250)
    order = make_order(shop, lines=[(a, 1), (b, 4)], status=OrderStatus.PICKED_UP)
    _line_a, line_b = OrderLine.unscoped_objects.filter(shop_order=order).order_by("pk")
    form = client.get(url("action", shop, order.pk, "erstatten")).content.decode()
    assert f'name="menge-{line_b.pk}"' in form and 'max="4"' in form
    bad = client.post(url("action", shop, order.pk, "erstatten"), {f"menge-{line_b.pk}": "-1", "grund": "x"})
    assert bad.status_code == 400
    client.post(url("action", shop, order.pk, "erstatten"), {f"menge-{line_b.pk}": "3", "grund": "Falsche Farbe"})
    refunded = ShopOrder.unscoped_objects.get(pk=order.pk)
    assert refunded.status == OrderStatus.PARTLY_REFUNDED and refunded.refunded_cents == 750


def test_pickup_by_typed_code_with_a_confirmation_step(client, shop, seller):
    variant = make_variant(shop, on_hand=5)
    order = make_order(shop, lines=[(variant, 1)], status=OrderStatus.READY, pickup_code="H4X7PQ",
                       pay_online=False, fulfilment="reserve")
    page = client.get(url("pickup", shop)).content.decode()
    assert 'name="code"' in page and "vendor/jsqr/jsQR.js" in page and "js/pickup-scan.js" in page

    wrong = client.post(url("pickup", shop), {"code": "H4X7PX"})
    assert wrong.status_code == 400 and "passt zu keiner" in wrong.content.decode()

    found = client.post(url("pickup", shop), {"code": "h4x7pq"})
    html = found.content.decode()
    assert found.status_code == 200 and order.number in html and "Noch zu bezahlen" in html
    assert status_of(order) == OrderStatus.READY

    # The confirmation carries the code; a tampered one is refused.
    tampered = client.post(url("pickup", shop), {"code": "AAAAAA", "bestellung": order.pk, "bestaetigen": "1"})
    assert tampered.status_code == 400 and status_of(order) == OrderStatus.READY
    done = client.post(url("pickup", shop), {"code": "H4X7PQ", "bestellung": order.pk, "bestaetigen": "1"})
    assert done.status_code == 302 and status_of(order) == OrderStatus.PICKED_UP
    assert Variant.unscoped_objects.get(pk=variant.pk).on_hand == 4

    # Paid in the shop at pickup: the invoice is there to download.
    detail = client.get(url("detail", shop, order.pk)).content.decode()
    assert "herunterladen" in detail
    pdf = client.get(url("invoice", shop, order.pk))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert 'filename="Rechnung-RE-' in pdf["Content-Disposition"]
    assert AuditEntry.objects.filter(action="marketplace.customer_viewed", data__invoice__startswith="RE-").exists()


def test_invoice_can_be_issued_from_the_order_page_and_not_downloaded_before(client, shop, seller):
    order = make_order(shop, status=OrderStatus.ACCEPTED)
    assert client.get(url("invoice", shop, order.pk)).status_code == 404
    assert "Rechnung ausstellen" in client.get(url("detail", shop, order.pk)).content.decode()
    client.post(url("invoice", shop, order.pk))
    assert client.get(url("invoice", shop, order.pk)).status_code == 200


def test_statistics_for_a_period(client, shop, seller, clock):
    old = make_order(shop, status=OrderStatus.PICKED_UP)
    ShopOrder.unscoped_objects.filter(pk=old.pk).update(created_at=clock.now() - timedelta(days=60))
    make_order(shop, lines=[(make_variant(shop, price_cents=2000, title="Atlas"), 1)], status=OrderStatus.PICKED_UP)
    make_order(shop, lines=[(make_variant(shop, price_cents=500), 1)], status=OrderStatus.CANCELLED)
    from digitalstadt.marketplace.models import Product

    Product.unscoped_objects.filter(title="Atlas").update(views=42)
    SearchLog.objects.create(query="Brettspiel Catan", hits=0)
    SearchLog.objects.create(query="Roman", hits=12)

    html = client.get(url("statistics", shop) + "?zeitraum=30").content.decode()
    assert "20,00" in html  # revenue of the period: the cancelled and the old order do not count
    assert "Atlas" in html and "42" in html
    assert "Brettspiel Catan" in html and "Roman" not in html
    year = client.get(url("statistics", shop) + "?zeitraum=365").content.decode()
    assert "Bestellungen</dt><dd>2" in year
    assert client.get(url("statistics", shop) + "?zeitraum=abc").status_code == 400


@pytest.mark.parametrize("value", ["1" + "0" * 30, "-1", "abc", "x\x00y", "A" * 3000, ""])
def test_hostile_input_never_answers_500(client, shop, seller, value):
    order = make_order(shop)
    base = f"/mein-geschaeft/{shop.slug}/bestellungen/"
    answers = [
        client.get(base, {"status": value, "seite": value, "teil": value}),
        client.get(base + "statistik/", {"zeitraum": value}),
        client.get(f"{base}{'1' + '0' * 30}/"),
        client.post(base + "abholung/", {"code": value, "bestellung": value, "bestaetigen": "1"}),
        client.post(base + "abholung/", {"code": value}),
        client.post(f"{base}{order.pk}/erstatten/", {"grund": value, f"menge-{order.pk}": value}),
        client.post(f"{base}{order.pk}/stornieren/", {"grund": value}),
        client.get(f"{base}{order.pk}/{'a' * 300}/"),
    ]
    assert all(a.status_code < 500 for a in answers), [a.status_code for a in answers]


def test_dashboard_and_order_page_queries_do_not_grow_with_orders(client, shop, seller, django_assert_max_num_queries):
    def count(path):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    make_order(shop)
    few = count(url("dashboard", shop))
    for _ in range(8):
        make_order(shop, lines=[(make_variant(shop), 1), (make_variant(shop), 3)])
    assert count(url("dashboard", shop)) == few
    big = make_order(shop, lines=[(make_variant(shop), 1) for _ in range(6)])
    with django_assert_max_num_queries(25):
        client.get(url("detail", shop, big.pk))
