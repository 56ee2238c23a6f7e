from django import template

from digitalstadt.core.money import format_eur

register = template.Library()


@register.filter
def euro(cents) -> str:
    """Integer cents as a euro amount in the page's language (core.money)."""
    if cents in (None, ""):
        return ""
    return format_eur(int(cents))


@register.filter
def iban(value) -> str:
    """An IBAN in groups of four for reading aloud and copying: DE89 3704 0044 ..."""
    from ..references import format_iban

    return format_iban(value) if value else ""


@register.filter
def payment_reference(value) -> str:
    """A payment reference in groups of four, as the payer types it: RF47 DA20 2600 0123."""
    from ..references import group

    return group(value) if value else ""
