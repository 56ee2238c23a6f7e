"""The unit price (Grundpreis, § 4 PAngV): the price per kilogram, litre, metre, square
metre or piece, shown next to every price of a product sold by quantity.

`Product.net_quantity` is the quantity one item holds in the small measure of its
`base_unit`: grams for kg, millilitres for l, centimetres for m, square centimetres for
m², pieces for "Stück" (a 500 g jar of honey: 500 and kg; a 20 m hose: 2000 and m).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.money import format_eur

__all__ = ["MEASURES_PER_UNIT", "format_unit_price", "unit_price_cents"]

# How many of the small measure make one base unit.
MEASURES_PER_UNIT = {"kg": 1000, "l": 1000, "m": 100, "m2": 10000, "stk": 1}
UNIT_LABELS = {"kg": _("kg"), "l": _("l"), "m": _("m"), "m2": _("m²"), "stk": _("Stück")}


def unit_price_cents(price_cents: int, net_quantity: Decimal | None, base_unit: str) -> int | None:
    """Cents per base unit, rounded half up; None without a quantity or unit."""
    if not base_unit or base_unit not in MEASURES_PER_UNIT or not net_quantity or net_quantity <= 0:
        return None
    per_unit = Decimal(price_cents) * MEASURES_PER_UNIT[base_unit] / Decimal(net_quantity)
    return int(per_unit.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_unit_price(price_cents: int, net_quantity: Decimal | None, base_unit: str) -> str:
    """"2,99 € / kg" (German), "€2.99 / kg" (English); "" when the product has none."""
    cents = unit_price_cents(price_cents, net_quantity, base_unit)
    if cents is None:
        return ""
    return f"{format_eur(cents)} / {UNIT_LABELS[base_unit]}"
