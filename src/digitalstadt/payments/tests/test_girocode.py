import io

import pytest
import zxingcpp
from PIL import Image

from digitalstadt.payments.conf import DEMO_CREDITOR_BIC, DEMO_CREDITOR_IBAN, creditor
from digitalstadt.payments.girocode import TransferData, epc_payload, epc_qr, epc_qr_png, epc_qr_svg
from digitalstadt.payments.references import iban_is_valid


def transfer(**overrides) -> TransferData:
    values = {"name": "Wissenschaftsstadt Darmstadt", "iban": DEMO_CREDITOR_IBAN, "bic": DEMO_CREDITOR_BIC,
              "amount_cents": 12000, "remittance": "DA-2026-000123-7"}
    values.update(overrides)
    return TransferData(**values)


def decode_png(png: bytes) -> str:
    image = Image.open(io.BytesIO(png)).convert("L")
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1, results
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def test_demo_account_is_a_valid_german_iban():
    assert iban_is_valid(creditor().iban) and creditor().iban.startswith("DE")
    assert creditor().is_demo


@pytest.mark.parametrize(("cents", "text"), [(12000, "EUR120.00"), (1250, "EUR12.50"), (1, "EUR0.01"),
                                             (99_999_999_999, "EUR999999999.99")])
def test_epc_amount_always_has_two_decimals(cents, text):
    assert epc_payload(transfer(amount_cents=cents)).split("\n")[7] == text


@pytest.mark.parametrize("overrides", [{"amount_cents": 0}, {"amount_cents": 100_000_000_000}, {"bic": "ABC"},
                                       {"name": ""}, {"name": "x" * 71}, {"remittance": ""}])
def test_epc_payload_refuses_invalid_data(overrides):
    with pytest.raises(ValueError):
        epc_payload(transfer(**overrides))


def test_epc_qr_follows_epc069_12_limits():
    qr = epc_qr(transfer())
    assert qr.error == "M" and qr.version <= 13 and not qr.is_micro


def test_rendered_girocode_decodes_to_the_epc_fields():
    decoded = decode_png(epc_qr_png(transfer()))
    lines = decoded.split("\n")
    assert lines[0] == "BCD"  # service tag
    assert lines[1] == "002"  # version
    assert lines[2] == "1"  # character set UTF-8
    assert lines[3] == "SCT"  # identification: SEPA credit transfer
    assert lines[4] == "COBADEFFXXX"  # BIC
    assert lines[5] == "Wissenschaftsstadt Darmstadt"  # creditor name
    assert lines[6] == "DE89370400440532013000"  # IBAN
    assert lines[7] == "EUR120.00"  # amount in EUR with two decimals
    assert lines[8] == ""  # purpose code
    assert lines[9] == ""  # structured reference (none for a reference issued before the RF form)
    assert lines[10] == "DA-2026-000123-7"  # unstructured remittance
    assert len(lines) == 11


def test_girocode_with_umlauts_decodes_as_utf8():
    decoded = decode_png(epc_qr_png(transfer(name="Stadtkämmerei Darmstadt", amount_cents=2650,
                                             remittance="DA-2026-000123-7 Gebühr")))
    lines = decoded.split("\n")
    assert lines[5] == "Stadtkämmerei Darmstadt" and lines[7] == "EUR26.50"
    assert lines[10] == "DA-2026-000123-7 Gebühr"


def test_svg_is_inline_with_accessible_name():
    svg = str(epc_qr_svg(transfer(), title="GiroCode für die Überweisung"))
    assert svg.startswith("<svg ") and 'role="img"' in svg and "aria-label=\"GiroCode" in svg
    assert "data:" not in svg and "<script" not in svg


def test_an_rf_reference_goes_into_the_structured_field_and_decodes():
    from digitalstadt.payments.references import format_reference, rf_is_valid

    reference = format_reference(prefix="DA", year=2026, number=123)
    lines = decode_png(epc_qr_png(transfer(remittance="", structured_reference=reference))).split("\n")
    assert lines[9] == reference and rf_is_valid(lines[9])  # structured creditor reference (ISO 11649)
    assert lines[10] == ""  # no unstructured text beside it
    assert transfer(remittance="", structured_reference=reference).remittance_display == (
        f"{reference[:4]} DA20 2600 0123")


@pytest.mark.parametrize("overrides", [
    {"remittance": "", "structured_reference": "RF00DA2026000123"},  # wrong check digits
    {"remittance": "Text", "structured_reference": "RF18539007547034"},  # both fields
])
def test_a_structured_reference_must_be_valid_and_alone(overrides):
    with pytest.raises(ValueError):
        epc_payload(transfer(**overrides))
