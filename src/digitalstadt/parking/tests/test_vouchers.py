"""Park & shop: the rule decides who gets a voucher, the budget never goes negative,
a voucher is redeemed once (the API with scope, operator kind and Idempotency-Key),
the unused rest of a reservation goes back, a cancelled order gives its voucher back."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
import time_machine
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from digitalstadt.accounts.models import OrganisationKind
from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.core.audit import AuditEntry
from digitalstadt.marketplace import checkout
from digitalstadt.parking import voucher_services as services
from digitalstadt.parking.models import Redemption, Voucher, VoucherProgramme, VoucherStatus
from digitalstadt.parking.voucher_selectors import month_of, operator_statement, retailer_statement

from .carpark_factories import carpark_make
from .voucher_factories import epay_settings, operator_with_token, paid_order, shop_with_programme

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.timezone.utc)  # a Tuesday, 10:00 in Darmstadt


@pytest.fixture(autouse=True)
def _setup(settings):
    epay_settings(settings)
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


def _programme(shop):
    return VoucherProgramme.unscoped_objects.get(organisation=shop.organisation)


def test_an_order_over_the_minimum_gets_a_voucher_and_reserves_its_value():
    shop, _owner = shop_with_programme(budget_cents=1000)
    part = paid_order(shop, price_cents=2500)
    voucher = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{part.pk}")
    assert voucher.status == VoucherStatus.ISSUED and voucher.minutes == 30 and voucher.max_value_cents == 200
    assert voucher.code.startswith("PS-") and len(voucher.code) == 17
    assert voucher.valid_until == NOW + dt.timedelta(days=14)
    programme = _programme(shop)
    assert (programme.balance_cents, programme.reserved_cents) == (800, 200)
    from django_tasks_db.models import DBTaskResult

    from digitalstadt.mailbox.models import Message, OutboundEmail
    from digitalstadt.parking.voucher_tasks import notify_voucher_issued

    # The e-mail is the worker's: queued with the voucher, sent once it runs.
    queued = DBTaskResult.objects.get(task_path__endswith="notify_voucher_issued")
    assert queued.args_kwargs["args"] == [voucher.pk]
    assert not OutboundEmail.objects.filter(purpose="parking:voucher_issued").exists()
    assert notify_voucher_issued.call(voucher.pk) == "sent"
    mail = OutboundEmail.objects.get(purpose="parking:voucher_issued")
    assert Message.objects.filter(recipient_user=part.order.shopper, subject__contains="Parkgutschein").exists()
    assert voucher.code in mail.body_text and "<svg" in mail.body_html and mail.to == "sina@example.org"


def test_a_small_order_an_inactive_rule_or_another_fulfilment_get_none():
    shop, _owner = shop_with_programme(budget_cents=1000)
    paid_order(shop, price_cents=1999)
    assert not Voucher.unscoped_objects.exists()
    VoucherProgramme.unscoped_objects.filter(organisation=shop.organisation).update(is_active=False)
    paid_order(shop, price_cents=5000)
    assert not Voucher.unscoped_objects.exists()
    assert _programme(shop).balance_cents == 1000


def test_an_empty_budget_gives_no_voucher_and_never_goes_negative(client):
    shop, _owner = shop_with_programme(budget_cents=300)
    first = paid_order(shop)
    second = paid_order(shop)
    assert Voucher.unscoped_objects.filter(order_ref=f"marketplace.shoporder:{first.pk}").exists()
    assert not Voucher.unscoped_objects.filter(order_ref=f"marketplace.shoporder:{second.pk}").exists()
    assert _programme(shop).balance_cents == 100
    assert AuditEntry.objects.filter(action="parking.voucher_not_issued").count() == 1
    # The shopper's order page says why.
    client.force_login(second.order.shopper)
    page = client.get(reverse("market-order:detail", kwargs={"uuid": second.order.uuid}))
    assert "zurzeit aufgebraucht" in page.content.decode()
    # The database refuses a negative budget even if a service forgot to check.
    with pytest.raises(IntegrityError), transaction.atomic():
        VoucherProgramme.unscoped_objects.filter(organisation=shop.organisation).update(balance_cents=-1)


def test_an_order_paid_outside_the_programmes_dates_is_told_so_not_that_the_budget_is_empty(client):
    shop, _owner = shop_with_programme(budget_cents=1000)
    today = timezone.localdate()
    VoucherProgramme.unscoped_objects.filter(organisation=shop.organisation).update(
        active_until=today - dt.timedelta(days=1))
    ended = paid_order(shop)
    VoucherProgramme.unscoped_objects.filter(organisation=shop.organisation).update(
        active_from=today + dt.timedelta(days=1), active_until=None)
    early = paid_order(shop)
    assert not Voucher.unscoped_objects.exists() and _programme(shop).balance_cents == 1000
    for part in (ended, early):
        client.force_login(part.order.shopper)
        page = client.get(reverse("market-order:detail", kwargs={"uuid": part.order.uuid})).content.decode()
        assert "lief am Tag Ihrer Zahlung nicht" in page
        assert "aufgebraucht" not in page


def test_a_budget_counts_only_once_paid():
    shop, owner = shop_with_programme(budget_cents=0)
    funding, payment = services.budget_funding_start(organisation=shop.organisation, actor=owner, amount_cents=5000)
    assert _programme(shop).balance_cents == 0
    paid_order(shop)
    assert not Voucher.unscoped_objects.exists()
    from .voucher_factories import pay

    pay(payment)
    pay(payment)  # a repeated notification books nothing twice
    assert _programme(shop).balance_cents == 5000 and _programme(shop).funded_cents == 5000


def test_only_managers_change_the_rule_or_fund():
    from digitalstadt.accounts.tests.factories import CitizenFactory
    from django.core.exceptions import PermissionDenied

    shop, _owner = shop_with_programme()
    stranger = CitizenFactory()
    with pytest.raises(PermissionDenied):
        services.programme_save(organisation=shop.organisation, actor=stranger, min_order_cents=0, minutes=60,
                                max_value_cents=500, validity_days=3)
    with pytest.raises(PermissionDenied):
        services.budget_funding_start(organisation=shop.organisation, actor=stranger, amount_cents=5000)


def test_redeem_charges_the_price_and_returns_the_rest():
    shop, _owner = shop_with_programme(budget_cents=1000)
    voucher = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{paid_order(shop).pk}")
    operator, _m, _s = operator_with_token(carpark="luisencenter")
    redemption = services.voucher_redeem(code=voucher.code.lower().replace("-", " "), channel="carpark",
                                         amount_cents=150, operator=operator, carpark_ref="luisencenter")
    assert redemption.amount_cents == 150
    programme = _programme(shop)
    assert (programme.balance_cents, programme.reserved_cents, programme.spent_cents) == (850, 0, 150)
    with pytest.raises(services.VoucherRefused) as refused:
        services.voucher_redeem(code=voucher.code, channel="street", amount_cents=100, session_ref="s-1")
    assert refused.value.reason == "redeemed" and refused.value.status == 409
    # The database refuses a second redemption row too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Redemption.unscoped_objects.create(voucher=voucher, organisation=shop.organisation, channel="street",
                                           amount_cents=1, redeemed_at=timezone.now())


def test_a_street_session_redeems_and_a_price_above_the_value_is_capped():
    shop, _owner = shop_with_programme(budget_cents=1000)
    voucher = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{paid_order(shop).pk}")
    redemption = services.voucher_redeem(code=voucher.code, channel="street", amount_cents=900, session_ref="s-9")
    assert redemption.amount_cents == 200 and redemption.operator is None
    assert _programme(shop).spent_cents == 200


def test_expired_and_cancelled_vouchers_give_their_value_back():
    shop, _owner = shop_with_programme(budget_cents=1000)
    part = paid_order(shop)
    other = paid_order(shop)
    assert _programme(shop).balance_cents == 600
    checkout.shop_order_cancel_by_shopper(user=part.order.shopper, shop_order_id=part.pk)
    assert Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{part.pk}").status == "cancelled"
    assert _programme(shop).balance_cents == 800
    code = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{other.pk}").code
    with time_machine.travel(NOW + dt.timedelta(days=15), tick=False):
        with pytest.raises(services.VoucherRefused) as refused:
            services.voucher_validate(code=code)
        assert refused.value.reason == "expired"
        assert services.vouchers_expire() == 1
    programme = _programme(shop)
    assert (programme.balance_cents, programme.reserved_cents) == (1000, 0)


def test_code_normalisation():
    assert services.normalise_code("ps-abcd efgh-jkmn") == "PS-ABCD-EFGH-JKMN"
    assert services.normalise_code("PSABCDEFGHJKMN") == "PS-ABCD-EFGH-JKMN"
    assert services.normalise_code("PS-ABCD-EFGH") == ""
    assert services.normalise_code("' OR 1=1 --") == ""
    assert services.normalise_code(None) == ""


# --- the API ------------------------------------------------------------------------------


def _post(client, code, secret, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(f"/api/v1/parking/vouchers/{code}/redeem", data=json.dumps(body),
                       content_type="application/json", **headers)


def test_api_validates_and_redeems_once_with_idempotency(client):
    shop, _owner = shop_with_programme(budget_cents=1000)
    code = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{paid_order(shop).pk}").code
    _operator, _m, secret = operator_with_token(carpark="luisencenter")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    check = client.get(f"/api/v1/parking/vouchers/{code}", **auth)
    assert check.status_code == 200 and check.json()["minutes"] == 30 and check.json()["max_value_cents"] == 200
    body = {"carpark": "luisencenter", "amount_cents": 250, "ticket": "T-1"}
    first = _post(client, code, secret, body, key="exit-1")
    assert first.status_code == 200, first.content
    assert first.json()["charged_cents"] == 200 and first.json()["to_pay_cents"] == 50
    again = _post(client, code, secret, body, key="exit-1")  # the terminal retries
    assert again.status_code == 200 and again.json() == first.json()
    assert Redemption.unscoped_objects.count() == 1 and _programme(shop).spent_cents == 200
    other_key = _post(client, code, secret, body, key="exit-2")
    assert other_key.status_code == 409 and other_key.json()["reason"] == "redeemed"
    reused = _post(client, code, secret, {**body, "amount_cents": 10}, key="exit-1")
    assert reused.status_code == 422
    unknown = _post(client, "PS-0000-0000-0000", secret, body)
    assert unknown.status_code == 404 and unknown.json()["reason"] == "unknown"
    assert client.get("/api/v1/parking/vouchers/%27%3B--", **auth).status_code == 404


def test_api_refuses_without_token_scope_or_operator_kind(client):
    shop, _owner = shop_with_programme(budget_cents=1000)
    code = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{paid_order(shop).pk}").code
    body = {"carpark": "luisencenter", "amount_cents": 100}
    assert client.post(f"/api/v1/parking/vouchers/{code}/redeem", data=json.dumps(body),
                       content_type="application/json").status_code == 401
    _o, _m, no_scope = operator_with_token("ohne-scope", scopes=())
    assert _post(client, code, no_scope, body).status_code == 403
    # A company cannot hold the scope at all; a token that holds it from before its
    # organisation became a company stops at the scope check and the endpoint's own.
    with pytest.raises(PermissionDenied):
        operator_with_token("firma", kind=OrganisationKind.COMPANY)
    former, _m2, former_token = operator_with_token("frueher-betreiber")
    type(former).objects.filter(pk=former.pk).update(kind=OrganisationKind.COMPANY)
    assert _post(client, code, former_token, body).status_code == 403
    bad = _post(client, code, operator_with_token("gut")[2], {"carpark": "x", "amount_cents": -5})
    assert bad.status_code == 422
    assert Voucher.unscoped_objects.get(code=code).status == VoucherStatus.ISSUED


def test_api_redeems_only_at_an_active_car_park_of_the_redeeming_operator(client):
    shop, _owner = shop_with_programme(budget_cents=1000)
    code = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{paid_order(shop).pk}").code
    _mine, _m, secret = operator_with_token("parkhaus-a", carpark="luisencenter")
    operator_with_token("parkhaus-b", carpark="schloss")
    carpark_make(slug="stillgelegt", operator=_mine, active=False)
    carpark_make(slug="der-stadt", operator=None)
    for ref in ("schloss", "stillgelegt", "der-stadt", "gibt-es-nicht", "=HYPERLINK(\"http://x\")"):
        refused = _post(client, code, secret, {"carpark": ref, "amount_cents": 100})
        assert refused.status_code == 422, ref
        assert "keines Ihrer Parkhäuser" in refused.json()["detail"]
    assert Voucher.unscoped_objects.get(code=code).status == VoucherStatus.ISSUED
    assert Redemption.unscoped_objects.count() == 0 and _programme(shop).spent_cents == 0
    assert _post(client, code, secret, {"carpark": "luisencenter", "amount_cents": 100}).status_code == 200


def test_statements_of_shop_and_operator():
    shop, _owner = shop_with_programme(budget_cents=1000)
    operator, _m, _s = operator_with_token(carpark="luisencenter")
    for price in (120, 300):
        code = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{paid_order(shop).pk}").code
        services.voucher_redeem(code=code, channel="carpark", amount_cents=price, operator=operator,
                                carpark_ref="luisencenter")
    month = month_of("2026-11")
    mine = retailer_statement(organisation=shop.organisation, month=month)
    assert (mine.count, mine.total_cents, mine.extra["issued"]) == (2, 320, 2)
    theirs = operator_statement(operator=operator, month=month)
    assert theirs.total_cents == 320 and theirs.rows[0]["shop"] == shop.name
    assert operator_statement(operator=operator, month=month_of("2026-10")).count == 0
    assert month_of("2026-13") is None and month_of("abc") is None


def test_demo_funds_the_demo_retailers_shop_once():
    from digitalstadt.accounts.tests.factories import CitizenFactory
    from digitalstadt.marketplace.tests.checkout_factories import make_shop
    from digitalstadt.parking import demo_vouchers

    retailer = CitizenFactory(email=demo_vouchers.DEMO_RETAILER)
    shop = make_shop("Kaffeerösterei Mathildenhöhe", owner=retailer)
    demo_vouchers.seed()
    demo_vouchers.seed()
    programme = _programme(shop)
    assert programme.balance_cents == demo_vouchers.DEMO_BUDGET_CENTS and programme.min_order_cents == 2000
    part = paid_order(shop, price_cents=2400)
    assert Voucher.unscoped_objects.filter(order_ref=f"marketplace.shoporder:{part.pk}").exists()


def test_export_erasure_and_retention_of_the_shoppers_link():
    from digitalstadt.core.registry import personal_data_handlers, retention_policies

    shop, _owner = shop_with_programme(budget_cents=1000)
    open_part = paid_order(shop)
    shopper = open_part.order.shopper
    used = paid_order(shop, shopper=CitizenFactory())
    code = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{used.pk}").code
    services.voucher_redeem(code=code, channel="street", amount_cents=100, session_ref="s-1")
    handler = personal_data_handlers.get("parking.vouchers")
    exported = handler.export(user=shopper)
    assert len(exported) == 1 and exported[0]["status"] == "issued" and exported[0]["code"].startswith("PS-")
    # Erasure: the open voucher is cancelled (its value back in the budget), the link goes.
    assert handler.erase(user=shopper) == {"vouchers_unlinked": 1, "vouchers_cancelled": 1}
    assert not Voucher.unscoped_objects.filter(shopper=shopper).exists()
    assert _programme(shop).balance_cents == 1000 - 200 + 100  # the redeemed one cost 1 EUR
    # Retention: closed vouchers forget the shopper after the period; the statement rows stay.
    policy = retention_policies.get("parking_vouchers")
    assert policy.purge(cutoff=NOW - dt.timedelta(days=1)) == 0
    assert policy.purge(cutoff=NOW + dt.timedelta(days=1)) == 1
    assert Voucher.unscoped_objects.get(code=code).shopper is None
    assert Redemption.unscoped_objects.filter(voucher__code=code).exists()


def test_the_shops_ready_email_names_the_unused_voucher():
    from digitalstadt.mailbox.models import OutboundEmail
    from digitalstadt.marketplace import order_services

    shop, owner = shop_with_programme(budget_cents=1000)
    part = paid_order(shop)
    code = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{part.pk}").code
    order_services.shop_order_accept(shop=shop, shop_order_id=part.pk, actor=owner)
    order_services.shop_order_mark_ready(shop=shop, shop_order_id=part.pk, actor=owner)
    ready = OutboundEmail.objects.get(purpose="marketplace:order_ready")
    assert f"Ihr Parkgutschein: {code} (30 Minuten" in ready.body_text
