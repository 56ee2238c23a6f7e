"""Template filters of the shopper's product pages."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..unit_price import format_unit_price

register = template.Library()


@register.filter
def shop_url(shop) -> str:
    """The shop's page in the directory, or "" while that page does not exist (the shop
    directory is another part of the marketplace): the name is then shown without a link."""
    try:
        return reverse("market-directory:shop", kwargs={"slug": shop.slug})
    except NoReverseMatch:
        return ""


@register.filter
def unit_price(price_cents, product) -> str:
    return format_unit_price(int(price_cents), product.net_quantity, product.base_unit)


@register.filter
def stock_age(updated_at) -> str:
    """"Bestand vor 5 Min. aktualisiert" (minutes, then hours, then the date)."""
    if not updated_at:
        return ""
    minutes = max(int((timezone.now() - updated_at).total_seconds() // 60), 0)
    if minutes < 1:
        return _("Bestand gerade aktualisiert")
    if minutes < 60:
        return _("Bestand vor %(n)s Min. aktualisiert") % {"n": minutes}
    if minutes < 24 * 60:
        return _("Bestand vor %(n)s Std. aktualisiert") % {"n": minutes // 60}
    return _("Bestand am %(date)s aktualisiert") % {
        "date": date_format(timezone.localtime(updated_at), "SHORT_DATE_FORMAT")}
