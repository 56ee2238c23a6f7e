import pytest

from digitalstadt.payments.references import (
    check_digit,
    find_references,
    format_iban,
    format_reference,
    iban_is_valid,
    parse_reference,
)
from digitalstadt.payments.services import payment_create


def test_reference_format_and_known_check_digit():
    assert format_reference(prefix="DA", year=2026, number=123) == "DA-2026-000123-7"
    assert check_digit("2026000123") == 7


def test_check_digit_detects_every_single_digit_error_and_neighbour_swap():
    body = "2026000123"
    good = f"{body}{check_digit(body)}"
    for i in range(len(body)):
        for digit in "0123456789":
            if digit != body[i]:
                assert check_digit(body[:i] + digit + body[i + 1:]) != int(good[-1])
    for i in range(len(good) - 1):
        swapped = good[:i] + good[i + 1] + good[i] + good[i + 2:]
        if swapped != good:
            assert check_digit(swapped[:-1]) != int(swapped[-1]), swapped


@pytest.mark.parametrize("text", [
    "DA-2026-000123-7",
    "da-2026-000123-7",
    "Gebühr DA 2026 000123 7 danke",
    "Hundesteuer DA2026000123-7",
    "Zahlung DA-2026-\n000123-7",
    "Ref.:DA-2026-000123-7/Bello",
])
def test_references_found_tolerantly(text):
    assert [r.canonical for r in find_references(text, prefix="DA")] == ["DA-2026-000123-7"]


@pytest.mark.parametrize("text", ["DA-2026-000123-8", "DA-2026-000132-7", "DA-2026-000123", "2026-000123-7", ""])
def test_wrong_or_incomplete_references_are_not_found(text):
    assert find_references(text, prefix="DA") == []


def test_parse_reference_wants_exactly_one():
    assert parse_reference("da 2026 000123 7", prefix="DA").canonical == "DA-2026-000123-7"
    assert parse_reference("DA-2026-000123-7 extra", prefix="DA") is None


def test_iban_check():
    assert iban_is_valid("DE89 3704 0044 0532 0130 00")
    assert not iban_is_valid("DE89370400440532013001")
    assert not iban_is_valid("DE8937040044053201300")  # German IBANs have 22 characters
    assert format_iban("DE89370400440532013000") == "DE89 3704 0044 0532 0130 00"


@pytest.mark.django_db
def test_payment_create_numbers_references_per_year_with_check_digit(settings):
    settings.PAYMENTS_REFERENCE_PREFIX = "DA"
    first = payment_create(amount_cents=1000, purpose="Meldebescheinigung", regarding="DA-2026-000001")
    second = payment_create(amount_cents=2600, purpose="Gewerbeanmeldung")
    assert first.reference != second.reference
    for payment in (first, second):
        parsed = parse_reference(payment.reference, prefix="DA")
        assert parsed is not None and parsed.canonical == payment.reference
    assert parse_reference(second.reference, prefix="DA").number == parse_reference(first.reference,
                                                                                    prefix="DA").number + 1


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [0, -5, 12.5, True])
def test_payment_create_refuses_bad_amounts(amount):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        payment_create(amount_cents=amount, purpose="Gebühr")
