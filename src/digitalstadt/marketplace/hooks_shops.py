"""Registrations of the marketplace's shops part (called from hooks.register): the shop
members' work area on the organisation page, and the platform staff's verification area."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import OrganisationArea, StaffArea, organisation_areas, staff_areas


def _shop(organisation):
    from .shop_selectors import shop_of_organisation

    return shop_of_organisation(organisation=organisation)


def _area_url(organisation) -> str:
    shop = _shop(organisation)
    return reverse("market-shop:detail", kwargs={"shop": shop.slug}) if shop else reverse("market-shop:create")


def _member_may_use(user, organisation) -> bool:
    from .shop_selectors import PRODUCT_ROLES, member_role

    shop = _shop(organisation)
    return shop is None or member_role(user=user, shop=shop) in PRODUCT_ROLES


def _area_counts(user, organisation):
    from .shop_selectors import PROFILE_ROLES, member_role, shop_counts

    shop = _shop(organisation)
    if shop is None:
        return []
    counts = shop_counts(shop=shop)
    rows = [(_("Produkte"), counts["products"], reverse("market-shop:products", kwargs={"shop": shop.slug}))]
    orders = reverse("market-orders:dashboard", kwargs={"shop": shop.slug})
    rows.append((_("Bestellungen warten"), counts["orders_waiting"], orders))
    if member_role(user=user, shop=shop) in PROFILE_ROLES:
        rows.append((_("Profil"), shop.get_status_display(), reverse("market-shop:profile",
                                                                      kwargs={"shop": shop.slug})))
    imports = reverse("market-import:upload", kwargs={"shop": shop.slug})
    rows.append((_("Produkte importieren"), "", imports))
    return rows


def _may_verify(user) -> bool:
    from .shop_selectors import user_may_verify_shops

    return user_may_verify_shops(user=user)


def _staff_counts(user):
    from .models import ShopStatus
    from .shop_selectors import status_counts

    counts = status_counts()
    base = reverse("market-staff:list")
    return [(_("zur Prüfung eingereicht"), counts.get(ShopStatus.SUBMITTED, 0), f"{base}?status=submitted"),
            (_("freigeschaltet"), counts.get(ShopStatus.LIVE, 0), f"{base}?status=live")]


def register() -> None:
    organisation_areas.register(OrganisationArea(
        "marketplace.shop", _("Mein Geschäft"), _("Profil, Sortiment, Import und Bestellungen im Marktplatz"),
        kinds=("shop",), url=_area_url, visible_to=_member_may_use, order=10, counts=_area_counts))
    staff_areas.register(StaffArea(
        "marketplace.verification", _("Marktplatz: Geschäfte prüfen"), "market-staff:list",
        _("Eingereichte Geschäfte prüfen, freischalten, zurückweisen oder sperren"), _may_verify, 500,
        counts=_staff_counts))
