import pytest
from django.utils import timezone

from digitalstadt.payments.references import (
    find_references,
    format_iban,
    format_legacy_reference,
    format_reference,
    group,
    iban_is_valid,
    parse_reference,
    rf_check_digits,
    rf_is_valid,
)
from digitalstadt.payments.services import payment_create


def test_rf_check_digits_follow_iso_11649():
    # The standard's own example: RF18 5390 0754 7034.
    assert rf_check_digits("539007547034") == "18" and rf_is_valid("RF18539007547034")
    assert not rf_is_valid("RF19539007547034") and not rf_is_valid("RF18539007547035")
    reference = format_reference(prefix="DA", year=2026, number=123)
    assert reference.startswith("RF") and reference.endswith("DA2026000123") and rf_is_valid(reference)
    assert len(reference) == 16 and group(reference) == f"{reference[:4]} DA20 2600 0123"


def test_rf_check_digits_detect_every_single_character_error_and_neighbour_swap():
    good = format_reference(prefix="DA", year=2026, number=123)
    for i in range(4, len(good)):
        for char in "0123456789ADFR":
            if char != good[i]:
                assert not rf_is_valid(good[:i] + char + good[i + 1:]), (i, char)
    for i in range(2, len(good) - 1):
        swapped = good[:i] + good[i + 1] + good[i] + good[i + 2:]
        if swapped != good:
            assert not rf_is_valid(swapped), swapped


REF = format_reference(prefix="DA", year=2026, number=123)
GROUPED = group(REF)


@pytest.mark.parametrize("text", [
    REF, REF.lower(), f"Gebühr {GROUPED} danke", f"{GROUPED} 1 Exemplar", f"Ref.:{REF}/Bello",
    f"Hundesteuer\n{REF}",
])
def test_an_exact_reference_is_found_unbroken_or_in_groups_of_four(text):
    assert find_references(text, prefix="DA").exact == [REF]


@pytest.mark.parametrize("text", [
    REF + "7",  # a digit glued to the end
    "X" + REF,  # a letter glued to the start
    REF[:-1] + "4",  # wrong check digits
    REF.replace(" ", "")[:6] + " " + REF[6:],  # spaces that are not the printed groups
    f"{REF[:9]}\n{REF[9:]}",  # broken over two lines
    "DA-2026-000123",  # a case reference: same shape, no RF
    "DA2026000123",  # the reference body alone
])
def test_look_alikes_are_never_taken_for_a_reference(text):
    found = find_references(text, prefix="DA")
    assert found.exact == [] and found.resembling, found


@pytest.mark.parametrize("text", ["DA-2026-000123-7", "da-2026-000123-7", "Ref.:DA-2026-000123-7/Bello",
                                  "Gebühr DA-2026-000123-7 danke"])
def test_references_issued_before_keep_matching_on_their_exact_form(text):
    assert format_legacy_reference(prefix="DA", year=2026, number=123) == "DA-2026-000123-7"
    assert find_references(text, prefix="DA").exact == ["DA-2026-000123-7"]


@pytest.mark.parametrize("text", [
    "DA 2026 000123 7", "DA2026000123-7", "DA-2026-\n000123-7", "DA-2026-000123-8",  # stripped or wrong
    "DA-2026-000016-47",  # the right reference DA-2026-000016-4 with a digit glued on
    "Aktenzeichen DA-2026-000004 1 Exemplar",  # a case reference and a number
])
def test_old_references_match_on_their_exact_form_only(text):
    assert find_references(text, prefix="DA").exact == []


def test_two_references_in_one_text_are_both_reported():
    other = format_reference(prefix="DA", year=2026, number=124)
    assert find_references(f"{REF} und {group(other)}", prefix="DA").exact == [REF, other]


def test_a_reference_typed_by_staff_is_exactly_one_reference():
    assert parse_reference(GROUPED.lower(), prefix="DA") == REF
    assert parse_reference(f" {REF} ", prefix="DA") == REF
    assert parse_reference("da-2026-000123-7", prefix="DA") == "DA-2026-000123-7"
    assert parse_reference("DA 2026 000123 7", prefix="DA") == "DA-2026-000123-7"  # staff choose on purpose
    for wrong in (f"{REF} extra", REF[:-1] + "4", "DA-2026-000123-8", "DA-2026-000123", "RF", ""):
        assert parse_reference(wrong, prefix="DA") is None, wrong


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
        assert rf_is_valid(payment.reference) and parse_reference(payment.reference, prefix="DA") == payment.reference
        assert payment.reference[4:10] == f"DA{timezone.localdate().year}"
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [0, -5, 12.5, True])
def test_payment_create_refuses_bad_amounts(amount):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        payment_create(amount_cents=amount, purpose="Gebühr")
