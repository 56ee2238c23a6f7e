from django.utils import translation

from digitalstadt.core.money import cents_to_decimal, format_eur


def test_euro_amounts_in_german_and_english():
    with translation.override("de"):
        assert format_eur(3700) == "37,00\u00a0€"
        assert format_eur(1234567) == "12.345,67\u00a0€"
        assert format_eur(-5) == "-0,05\u00a0€"
    with translation.override("en"):
        assert format_eur(1234567) == "€12,345.67"
    assert str(cents_to_decimal(12005)) == "120.05"
