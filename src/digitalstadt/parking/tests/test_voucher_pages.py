"""The park & shop pages: only the shop's managers see the shop's page and statement,
only the operator's managers the operator's statement; a bad month is a 404, never a
500; the statements come as HTML and CSV; the work areas are on the organisations'
pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digitalstadt.accounts.models import Membership, OrgRole
from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.core.audit import AuditEntry
from digitalstadt.parking.models import Voucher, VoucherProgramme
from digitalstadt.parking.voucher_services import voucher_redeem

from .voucher_factories import epay_settings, operator_with_token, paid_order, shop_with_programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _epay(settings):
    epay_settings(settings)


@pytest.fixture
def redeemed():
    shop, owner = shop_with_programme(budget_cents=1000)
    operator, manager, _secret = operator_with_token(carpark="luisencenter")
    code = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{paid_order(shop).pk}").code
    voucher_redeem(code=code, channel="carpark", amount_cents=130, operator=operator, carpark_ref="luisencenter")
    return shop, owner, operator, manager, code


def test_shop_page_and_statement_for_its_managers_only(client, redeemed):
    shop, owner, _operator, _manager, code = redeemed
    url = reverse("parking-vouchers:retailer", kwargs={"shop": shop.slug})
    statement = reverse("parking-vouchers:statement", kwargs={"shop": shop.slug})
    seller = CitizenFactory()
    Membership.objects.create(user=seller, organisation=shop.organisation, role=OrgRole.SALES)
    client.force_login(seller)
    assert client.get(url).status_code == 403 and client.get(statement).status_code == 403
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert code in page and "8,70" in page
    # The shop's dashboard and its organisation's page link here.
    assert url in client.get(reverse("market-shop:detail", kwargs={"shop": shop.slug})).content.decode()
    assert url in client.get(reverse("accounts:organisation", kwargs={"slug": shop.organisation.slug})
                             ).content.decode()
    html = client.get(statement).content.decode()  # this month: the redemption's
    assert code in html and "1,30" in html
    csv = client.get(statement, {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and code in csv.content.decode("utf-8-sig")
    for bad in ("2026-13", "abc", "0000-00", "9" * 500):
        assert client.get(statement, {"monat": bad}).status_code == 404


def test_rule_form_saves_and_refuses_bad_values(client, redeemed):
    shop, owner, *_rest = redeemed
    client.force_login(owner)
    url = reverse("parking-vouchers:retailer", kwargs={"shop": shop.slug})
    bad = client.post(url, {"min_order_euros": "-1", "minutes": "0", "max_value_cents": "5", "validity_days": "x"})
    assert bad.status_code == 200
    assert VoucherProgramme.unscoped_objects.get(organisation=shop.organisation).minutes == 30
    good = client.post(url, {"min_order_euros": "15", "minutes": "60", "max_value_cents": "300",
                             "validity_days": "7", "is_active": "on"})
    assert good.status_code == 302
    programme = VoucherProgramme.unscoped_objects.get(organisation=shop.organisation)
    assert (programme.min_order_cents, programme.minutes, programme.max_value_cents) == (1500, 60, 300)
    assert AuditEntry.objects.filter(action="parking.voucher_programme_saved").count() == 2


def test_funding_page_starts_a_payment_and_refuses_odd_amounts(client, redeemed):
    shop, owner, *_rest = redeemed
    client.force_login(owner)
    url = reverse("parking-vouchers:fund", kwargs={"shop": shop.slug})
    assert client.post(url, {"amount_cents": "1"}).status_code == 302  # back, with a message
    started = client.post(url, {"amount_cents": "10000"})
    assert started.status_code == 302 and "psp-simulator" in started["Location"]


def test_operator_statement_for_its_managers_only(client, redeemed):
    shop, owner, operator, manager, code = redeemed
    url = reverse("parking-vouchers:operator", kwargs={"operator": operator.slug})
    client.force_login(owner)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    html = client.get(url).content.decode()
    assert code in html and shop.name in html and "luisencenter" in html
    assert code in client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    shop_url = reverse("parking-vouchers:operator", kwargs={"operator": shop.organisation.slug})
    assert client.get(shop_url).status_code == 404  # a shop is no car-park operator
    # The operator's organisation page links to the statement.
    page = client.get(reverse("accounts:organisation", kwargs={"slug": operator.slug})).content.decode()
    assert url in page


def test_statement_csv_cells_cannot_start_a_formula(client, redeemed):
    shop, _owner, operator, manager, _code = redeemed
    type(shop).objects.filter(pk=shop.pk).update(name='=HYPERLINK("http://evil.example","Kasse")')
    client.force_login(manager)
    url = reverse("parking-vouchers:operator", kwargs={"operator": operator.slug})
    text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    row = text.splitlines()[1].split(";")
    assert row[3] == '"\'=HYPERLINK(""http://evil.example"",""Kasse"")"'
    assert not any(cell.lstrip('"').startswith(("=", "+", "-", "@")) for line in text.splitlines()
                   for cell in line.split(";"))
