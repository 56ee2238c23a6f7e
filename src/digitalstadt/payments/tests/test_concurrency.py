"""Money is never counted twice, also under concurrency (PostgreSQL).

- Concurrent signed webhook events for one payment over HTTP against a live server:
  exactly one settles it, the others are flagged duplicates. The negative control
  switches the row lock off and widens the race window: then the database constraint
  (one settling transaction per payment) has to reject the double counting.
- The same statement file imported concurrently: exactly one import, the others are
  refused.
"""

import json
import threading
import urllib.error
import urllib.request

import pytest
from django.db import connection

from digitalstadt.core.locking import negative_control
from digitalstadt.payments import services
from digitalstadt.payments.models import MatchStatus, Payment, PaymentStatus, PaymentTransaction, StatementImport
from digitalstadt.payments.providers.testpsp import sign

from digitalstadt.testing.races import meeting_point

from .factories import CAMT_V08, make_fixture_payments, make_payment

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

CLIENTS = 8
SECRET = "whsec-concurrency"


@pytest.fixture(autouse=True)
def testpsp(settings):
    settings.PAYMENT_PROVIDERS = ["giro", "testpsp"]
    settings.PAYMENTS_TESTPSP_SECRET = SECRET


def _post(url, body):
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Signature": sign(body, SECRET)})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _race(base_url, reference):
    bodies = [json.dumps({"id": f"evt_{i}", "type": "payment.succeeded",
                          "data": {"reference": reference, "amount_cents": 1000, "currency": "EUR",
                                   "payment_id": f"pay_{i}"}}).encode() for i in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)
    results = [None] * CLIENTS

    def client(i):
        barrier.wait()
        results[i] = _post(f"{base_url}/zahlungen/webhook/testpsp/", bodies[i])

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _counted(payment):
    return sum(payment.transactions.filter(
        match_status__in=[MatchStatus.MATCHED, MatchStatus.PARTIAL, MatchStatus.OVERPAID]).values_list(
        "amount_cents", flat=True))


def test_concurrent_webhooks_settle_a_payment_once(live_server):
    payment = make_payment("DA-2026-000101-0", 1000, provider="testpsp")
    results = _race(live_server.url, payment.reference)
    assert results.count(200) == CLIENTS, results
    payment.refresh_from_db()
    assert (payment.status, payment.amount_received_cents) == (PaymentStatus.PAID, 1000)
    statuses = sorted(payment.transactions.values_list("match_status", flat=True))
    assert statuses.count(MatchStatus.MATCHED) == 1 and statuses.count(MatchStatus.DUPLICATE) == CLIENTS - 1
    assert _counted(payment) == 1000


def test_negative_control_without_the_lock_the_constraint_catches_it(live_server):
    payment = make_payment("DA-2026-000101-0", 1000, provider="testpsp")
    # Without the payment's lock every webhook reads the payment open before any books.
    with negative_control(unlock=["payments.Payment"], windows={"payments.money_booked": meeting_point(CLIENTS)}):
        results = _race(live_server.url, payment.reference)
    # The race happened (several requests saw the payment open), and the database guard
    # refused every second settling transaction.
    assert results.count(503) >= 1, results
    assert PaymentTransaction.objects.filter(payment=payment, match_status=MatchStatus.MATCHED).count() == 1
    payment.refresh_from_db()
    assert _counted(payment) == payment.amount_received_cents == 1000


def test_same_file_imported_concurrently_is_imported_once():
    make_fixture_payments()
    content = CAMT_V08.read_bytes()
    barrier = threading.Barrier(4)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            services.statement_import_camt053(content=content, filename=CAMT_V08.name)
            outcomes.append("imported")
        except services.StatementAlreadyImported:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["imported", "refused", "refused", "refused"], outcomes
    assert StatementImport.objects.count() == 1
    assert Payment.objects.get(reference="DA-2026-000101-0").amount_received_cents == 1000
    assert PaymentTransaction.objects.count() == 12
