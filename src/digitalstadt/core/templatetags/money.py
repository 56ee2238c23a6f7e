from django import template

from digitalstadt.core.money import format_eur

register = template.Library()


@register.filter
def eur(cents):
    if cents in (None, ""):
        return ""
    return format_eur(int(cents))
