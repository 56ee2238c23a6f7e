import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digitalstadt.accounts.models import StaffRoleKind
from digitalstadt.core.models import AuditEntry
from digitalstadt.payments.models import MatchStatus, PaymentStatus, PaymentTransaction, StatementImport

from .factories import CAMT_V08, make_fixture_payments, make_payment, make_staff, make_user

pytestmark = pytest.mark.django_db
STAFF_URL = "/verwaltung/zahlungen/"


def upload(client, path=CAMT_V08):
    return client.post(STAFF_URL, {"file": SimpleUploadedFile(path.name, path.read_bytes(), "text/xml")})


def test_url():
    assert reverse("payments-staff:overview") == STAFF_URL


def test_case_worker_uploads_statement_and_sees_flagged_transactions(client):
    make_fixture_payments()
    worker = make_staff("sachbearbeitung@example.org", StaffRoleKind.PLATFORM_ADMIN)
    client.force_login(worker)
    response = upload(client)
    assert response.status_code == 302
    page = client.get(STAFF_URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Zahlungseingänge" in html and "Max Mustermann" in html and "Teilzahlung" in html
    assert "Uwe Unbekannt" in html and "Überzahlung" in html
    assert "Erika Mustermann" not in html  # matched exactly: nothing to review
    assert AuditEntry.objects.filter(action="payments.flagged_viewed", actor=worker).exists()
    assert StatementImport.objects.get().imported_by == worker


def test_same_upload_again_shows_the_german_refusal(client):
    make_fixture_payments()
    client.force_login(make_staff("amt@example.org", StaffRoleKind.PLATFORM_ADMIN))
    upload(client)
    response = upload(client)
    assert response.status_code == 400
    assert "wurde bereits am" in response.content.decode()
    assert StatementImport.objects.count() == 1


def test_resolving_a_flagged_transaction(client):
    make_fixture_payments()
    worker = make_staff("amt@example.org", StaffRoleKind.PLATFORM_ADMIN)
    client.force_login(worker)
    upload(client)
    tx = PaymentTransaction.objects.get(bank_reference="2026112400002")
    client.post(reverse("payments-staff:resolve", kwargs={"pk": tx.pk}), {"note": "Rest per Mahnung angefordert"})
    tx.refresh_from_db()
    assert not tx.needs_review and tx.resolved_by == worker
    assert tx.payment.needs_review is False
    assert AuditEntry.objects.filter(action="payments.transaction_resolved", actor=worker).exists()


def test_citizen_gets_403_on_the_staff_page(client):
    client.force_login(make_user("buerger@example.org"))
    assert client.get(STAFF_URL).status_code == 403
    assert upload(client).status_code == 403
    assert not StatementImport.objects.exists()


def test_staff_without_a_payment_role_gets_403(client):
    client.force_login(make_staff("parken@example.org", StaffRoleKind.PARKING_ENFORCEMENT))
    assert client.get(STAFF_URL).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(STAFF_URL)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_payer_sees_girocode_and_transfer_data(client):
    user = make_user("buerger@example.org")
    payment = make_payment("DA-2026-000123-7", 12000, "Hundesteuer 2027", payer=user)
    client.force_login(user)
    html = client.get(reverse("payments:detail", kwargs={"uuid": payment.uuid})).content.decode()
    assert "<svg " in html and "GiroCode" in html and "data:image" not in html
    assert "DE89 3704 0044 0532 0130 00" in html and "COBADEFFXXX" in html
    assert "DA-2026-000123-7" in html and "120,00" in html and "Demo-Bankverbindung" in html


def test_another_citizen_cannot_see_the_payment(client):
    owner = make_user("buerger@example.org")
    payment = make_payment("DA-2026-000123-7", 12000, payer=owner)
    client.force_login(make_user("nachbar@example.org"))
    assert client.get(reverse("payments:detail", kwargs={"uuid": payment.uuid})).status_code == 404
    assert client.post(reverse("payments:start", kwargs={"uuid": payment.uuid,
                                                         "provider": "giro"})).status_code == 404


def test_paid_payment_shows_no_girocode(client):
    user = make_user("buerger@example.org")
    payment = make_payment("DA-2026-000123-7", 12000, payer=user, status=PaymentStatus.PAID,
                           amount_received_cents=12000)
    client.force_login(user)
    html = client.get(reverse("payments:detail", kwargs={"uuid": payment.uuid})).content.decode()
    assert "<svg " not in html.split("<main")[-1] or "GiroCode" not in html
    assert "Zahlung ist eingegangen" in html
    assert MatchStatus.MATCHED  # imported for readability of statuses


def test_staff_assigns_an_unknown_payment_explicitly(client):
    make_fixture_payments()
    worker = make_staff("amt@example.org", StaffRoleKind.CASE_WORKER)
    client.force_login(worker)
    upload(client)
    extra = make_payment("DA-2026-000109-3", 1200, "Fundsache")
    unknown = PaymentTransaction.objects.get(bank_reference="2026112500003")
    assert unknown.match_status == MatchStatus.UNKNOWN  # the payment was created after the statement
    url = reverse("payments-staff:assign", kwargs={"pk": unknown.pk})
    bad = client.post(url, {"reference": "DA-2026-000109-4"}, follow=True)
    assert "gültige Zahlungsreferenz" in bad.content.decode()
    client.post(url, {"reference": "da 2026 000109 3"})
    unknown.refresh_from_db()
    extra.refresh_from_db()
    assert (unknown.match_status, unknown.payment, unknown.needs_review) == (MatchStatus.MATCHED, extra, False)
    assert (extra.status, extra.amount_received_cents) == (PaymentStatus.PAID, 1200)
    assert AuditEntry.objects.filter(action="payments.transaction_assigned", actor=worker).exists()
    # only unknown transactions can be assigned
    partial = PaymentTransaction.objects.get(bank_reference="2026112400002")
    again = client.post(reverse("payments-staff:assign", kwargs={"pk": partial.pk}),
                        {"reference": "DA-2026-000109-3"}, follow=True)
    assert "Nur offene, unbekannte" in again.content.decode()
    extra.refresh_from_db()
    assert extra.amount_received_cents == 1200


def test_staff_page_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    make_fixture_payments()
    client.force_login(make_staff("amt@example.org", StaffRoleKind.OFFICE_ADMIN, office=_office()))
    upload(client)
    # 15 for the page and its rows, plus a constant 10 for the staff navigation (one
    # visibility check per work area).
    # The staff navigation asks every app's work area whether it is this person's (2 more with
    # the marketplace, 1 with parking enforcement); the rows themselves cost nothing per row
    # (the test's point).
    with django_assert_max_num_queries(28):
        assert client.get(STAFF_URL).status_code == 200


def _office():
    from digitalstadt.accounts.models import Organisation, OrganisationKind

    return Organisation.objects.create(name="Bürger- und Ordnungsamt", kind=OrganisationKind.OFFICE)


def test_the_cash_office_sees_open_refunds_and_marks_them_paid(client):
    from digitalstadt.payments.models import Refund
    from digitalstadt.payments.services import refund_request

    payer = make_user("erika@example.org")
    payment = make_payment("RF97DA2026000102", 12000, "Bewohnerparkausweis", payer=payer,
                           status=PaymentStatus.PAID, amount_received_cents=12000)
    refund = refund_request(payment_id=payment.pk, amount_cents=4000, reason="Umzug: 120 Tage nicht genutzt")
    worker = make_staff("kasse@example.org", StaffRoleKind.PLATFORM_ADMIN)
    client.force_login(worker)
    html = client.get(STAFF_URL).content.decode()
    assert "Offene Erstattungen" in html and "Umzug: 120 Tage nicht genutzt" in html and "40,00" in html
    assert client.post(f"/verwaltung/zahlungen/erstattung/{refund.pk}/ausgezahlt/").status_code == 302
    refund.refresh_from_db()
    assert refund.status == Refund.Status.PAID and refund.paid_at is not None
    assert "Keine offenen Erstattungen." in client.get(STAFF_URL).content.decode()
    assert AuditEntry.objects.filter(action="payments.refund_paid", actor=worker).exists()
    # Twice, or an unknown one: a message or 404, never a 500.
    again = client.post(f"/verwaltung/zahlungen/erstattung/{refund.pk}/ausgezahlt/", follow=True)
    assert "bereits als ausgezahlt vermerkt" in again.content.decode()
    assert client.post("/verwaltung/zahlungen/erstattung/999999/ausgezahlt/").status_code == 404
    # Citizens never reach it.
    client.force_login(payer)
    assert client.post(f"/verwaltung/zahlungen/erstattung/{refund.pk}/ausgezahlt/").status_code in (302, 403)
