from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euro(cents) -> str:
    """Integer cents as a localised euro amount: 1250 -> "12,50 €" (German)."""
    if cents in (None, ""):
        return ""
    return f"{number_format(Decimal(int(cents)) / 100, 2, force_grouping=True)}\u00a0€"


@register.filter
def iban(value) -> str:
    """An IBAN in groups of four for reading aloud and copying: DE89 3704 0044 ..."""
    from ..references import format_iban

    return format_iban(value) if value else ""
