"""Money is integer cents (EUR), never float. Formatting follows the active language."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def format_eur(cents: int) -> str:
    """1234567 -> "12.345,67 €" (German) / "€12,345.67" (English)."""
    negative = cents < 0
    euros, rest = divmod(abs(int(cents)), 100)
    language = (translation.get_language() or "de").split("-")[0]
    if language == "en":
        text = f"€{euros:,}.{rest:02d}"
    else:
        text = f"{euros:,}".replace(",", ".") + f",{rest:02d}\u00a0€"
    return f"-{text}" if negative else text
