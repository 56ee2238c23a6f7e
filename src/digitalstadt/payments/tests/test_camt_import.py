import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from digitalstadt.core.models import AuditEntry
from digitalstadt.payments.camt import CamtError, parse_amount_cents, parse_camt053
from digitalstadt.payments.models import (
    MatchStatus,
    Payment,
    PaymentStatus,
    PaymentTransaction,
    StatementImport,
)
from digitalstadt.payments.services import StatementAlreadyImported, statement_import_camt053

from .factories import CAMT_V02, CAMT_V08, make_fixture_payments

pytestmark = pytest.mark.django_db


def import_file(path, **kwargs):
    return statement_import_camt053(content=path.read_bytes(), filename=path.name, **kwargs)


def by_ref(bank_reference):
    return PaymentTransaction.objects.exclude(match_status=MatchStatus.DUPLICATE).get(bank_reference=bank_reference)


def status(reference):
    return Payment.objects.get(reference=reference)


def test_statement_reconciles_exactly_as_described():
    make_fixture_payments()
    record = import_file(CAMT_V08)

    assert (record.entries_total, record.credits_total, record.skipped_count) == (13, 12, 1)
    assert (record.matched_count, record.partial_count, record.overpaid_count, record.duplicate_count,
            record.unknown_count) == (5, 1, 1, 1, 4)

    # exact amount -> paid, not flagged
    p = status("DA-2026-000101-0")
    assert (p.status, p.amount_received_cents, p.needs_review) == (PaymentStatus.PAID, 1000, False)
    assert p.paid_at is not None
    assert by_ref("2026112400001").match_status == MatchStatus.MATCHED
    assert not by_ref("2026112400001").needs_review
    # less -> partially paid, flagged (RF reference in lower case, in its printed groups)
    p = status("RF97DA2026000102")
    assert (p.status, p.amount_received_cents, p.needs_review) == (PaymentStatus.PARTIALLY_PAID, 10000, True)
    tx = by_ref("2026112400002")
    assert tx.match_status == MatchStatus.PARTIAL and tx.needs_review and "20,00" in tx.flag_reason
    # more -> overpaid, flagged (RF reference in the structured field)
    p = status("RF70DA2026000103")
    assert (p.status, p.amount_received_cents, p.needs_review) == (PaymentStatus.OVERPAID, 15000, True)
    assert by_ref("2026112400003").match_status == MatchStatus.OVERPAID and by_ref("2026112400003").needs_review
    # an old reference broken over two lines is not exact: review, nothing counted; the
    # later transfer with the exact old reference pays it
    p = status("DA-2026-000104-4")
    assert (p.status, p.amount_received_cents, p.needs_review) == (PaymentStatus.PAID, 2600, False)
    broken = by_ref("2026112400004")
    assert broken.match_status == MatchStatus.UNKNOWN and broken.payment is None and broken.needs_review
    assert "nur Ähnliches" in broken.flag_reason
    assert PaymentTransaction.objects.get(bank_reference="2026112500001").match_status == MatchStatus.MATCHED
    # the same bank entry listed again -> duplicate, never double-counted
    p = status("DA-2026-000105-2")
    assert (p.status, p.amount_received_cents) == (PaymentStatus.PAID, 3000)
    rows = PaymentTransaction.objects.filter(bank_reference="2026112400005").order_by("pk")
    assert [r.match_status for r in rows] == [MatchStatus.MATCHED, MatchStatus.DUPLICATE]
    assert rows[1].needs_review and "bereits" in rows[1].flag_reason
    # batch booking: both transactions matched with their own amounts
    assert status("DA-2026-000106-9").status == PaymentStatus.PAID
    assert status("DA-2026-000107-7").status == PaymentStatus.PAID
    assert by_ref("2026112400006-2").amount_cents == 2000
    # no reference / wrong check digit / reference of no payment -> unknown, flagged, matched to nothing
    for bank_ref in ("2026112400004", "2026112400007", "2026112400008", "2026112500003"):
        tx = by_ref(bank_ref)
        assert tx.match_status == MatchStatus.UNKNOWN and tx.needs_review and tx.payment is None
    # the wrong check digit did not pay DA-2026-000101-0 a second time
    assert status("DA-2026-000101-0").amount_received_cents == 1000
    # untouched payment
    assert status("DA-2026-000108-5").status == PaymentStatus.OPEN
    # nothing is counted twice: the received totals are exactly the counted transactions
    for payment in Payment.objects.all():
        counted = sum(t.amount_cents for t in payment.transactions.filter(
            match_status__in=[MatchStatus.MATCHED, MatchStatus.PARTIAL, MatchStatus.OVERPAID]))
        assert payment.amount_received_cents == counted
    # debtor data kept with a retention date
    tx = by_ref("2026112400002")
    assert (tx.debtor_name, tx.debtor_iban) == ("Max Mustermann", "DE50120300009876543210")
    assert tx.personal_data_expires_on.year >= 2036
    # one audit entry for the import, one per payment whose status changed
    entry = AuditEntry.objects.get(action="payments.statement_imported")
    assert entry.subject_id == str(record.pk) and entry.data["unknown"] == 4
    assert AuditEntry.objects.filter(action="payments.payment_reconciled").count() == 7


def test_same_file_again_is_refused_in_german_and_changes_nothing():
    make_fixture_payments()
    import_file(CAMT_V08)
    transactions = PaymentTransaction.objects.count()
    totals = list(Payment.objects.order_by("pk").values_list("amount_received_cents", "status"))
    with pytest.raises(StatementAlreadyImported) as exc:
        import_file(CAMT_V08)
    assert "bereits am" in exc.value.messages[0] and "nicht ein zweites Mal verbucht" in exc.value.messages[0]
    assert PaymentTransaction.objects.count() == transactions
    assert list(Payment.objects.order_by("pk").values_list("amount_received_cents", "status")) == totals
    assert StatementImport.objects.count() == 1


def test_older_camt053_v02_layout_and_an_entry_seen_before():
    make_fixture_payments()
    import_file(CAMT_V08)
    record = import_file(CAMT_V02)
    assert (record.credits_total, record.matched_count, record.duplicate_count, record.unknown_count) == (3, 1, 1, 1)
    assert status("DA-2026-000108-5").status == PaymentStatus.PAID
    assert by_ref("2026112600001").debtor_name == "Karl Klammer"
    # Meldebescheinigung entry of 24 November listed again: not counted a second time
    assert status("DA-2026-000101-0").amount_received_cents == 1000
    assert PaymentTransaction.objects.filter(bank_reference="2026112400001").count() == 2


def test_management_command_imports_and_refuses_the_same_file(capsys):
    make_fixture_payments()
    call_command("import_camt053", str(CAMT_V08))
    assert "5 zugeordnet" in capsys.readouterr().out
    assert StatementImport.objects.get().source == "command"
    assert AuditEntry.objects.get(action="payments.statement_imported").actor_ref == "system:import_camt053"
    with pytest.raises(CommandError, match="bereits am"):
        call_command("import_camt053", str(CAMT_V08))


def test_statement_of_another_account_is_refused():
    content = CAMT_V02.read_bytes().replace(b"DE89 3704 0044 0532 0130 00", b"DE45120300001234567890")
    with pytest.raises(ValidationError, match="nicht zu einem Konto der Stadt"):
        statement_import_camt053(content=content, filename="fremd.xml")
    assert not StatementImport.objects.exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"not xml", "kein gültiges XML"),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>', "unzulässige"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"><BkToCstmrAcctRpt/></Document>',
     "kein CAMT.053"),
])
def test_bad_files_are_refused_with_a_clear_message(content, message):
    with pytest.raises(ValidationError, match=message):
        statement_import_camt053(content=content, filename="x.xml")
    assert not StatementImport.objects.exists() and not PaymentTransaction.objects.exists()


def test_bad_amount_rolls_back_nothing_is_imported():
    content = CAMT_V02.read_bytes().replace(b'<Amt Ccy="EUR">99.99</Amt>', b'<Amt Ccy="EUR">99.999</Amt>', 1)
    with pytest.raises(ValidationError, match="zwei Nachkommastellen"):
        statement_import_camt053(content=content, filename="x.xml")
    assert not StatementImport.objects.exists()


@pytest.mark.parametrize(("text", "cents"), [("10", 1000), ("10.5", 1050), ("0.01", 1), ("1234567.89", 123456789),
                                             (" 26.00 ", 2600)])
def test_amounts_parse_to_integer_cents(text, cents):
    assert parse_amount_cents(text) == cents


@pytest.mark.parametrize("text", ["1.001", "-5.00", "0", "NaN", "Infinity", "1,50", "", "1e3x"])
def test_bad_amounts_are_refused(text):
    with pytest.raises(CamtError):
        parse_amount_cents(text)


def test_parser_reads_both_layouts_alike():
    v08 = parse_camt053(CAMT_V08.read_bytes())
    v02 = parse_camt053(CAMT_V02.read_bytes())
    assert [s.account_iban for s in v08 + v02] == ["DE89370400440532013000"] * 3
    assert v02[0].entries[0].debtor_name == "Karl Klammer" and v02[0].entries[0].amount_cents == 800
