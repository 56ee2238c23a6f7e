"""Reads of the shops part: a member's shops, the profile checklist, opening status,
the public directory and the staff review queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitalstadt.accounts.types import OrgRole
from digitalstadt.core.scoping import organisation_scope

from .models import Category, Product, Shop, ShopClosure, ShopOpeningHours, ShopOrder, ShopStatus, Variant

PROFILE_ROLES = frozenset({OrgRole.OWNER, OrgRole.ADMIN})
PRODUCT_ROLES = frozenset({OrgRole.OWNER, OrgRole.ADMIN, OrgRole.SALES})
STAFF_ROLE = "marketplace"
# Orders that wait for the shop (paid or reserved and not yet handed over).
WAITING_ORDER_STATUSES = ("new", "accepted", "ready")


def member_role(*, user: Any, shop: Shop) -> str | None:
    from digitalstadt.accounts.selectors import membership_for

    membership = membership_for(user=user, organisation=shop.organisation)
    return membership.role if membership is not None else None


def shops_of(*, user: Any) -> list[Shop]:
    """The shops of the organisations this person belongs to, with their role on each."""
    if not getattr(user, "is_authenticated", False):
        return []
    shops = list(Shop.objects.filter(organisation__memberships__user=user).select_related("organisation")
                 .annotate(n_products=Count("products", distinct=True)).order_by("name"))
    roles = dict(user.memberships.values_list("organisation_id", "role"))
    labels = dict(OrgRole.choices)
    for shop in shops:
        shop.member_role = roles.get(shop.organisation_id)
        shop.member_role_label = labels.get(shop.member_role, "")
    return shops


def shop_for_member(*, user: Any, slug: str, roles=PROFILE_ROLES) -> Shop | None:
    """The shop if this person is a member with one of `roles`; None otherwise (a 404:
    another organisation's member learns nothing about the shop)."""
    shop = Shop.objects.filter(slug=slug).select_related("organisation").first()
    if shop is None or member_role(user=user, shop=shop) not in roles:
        return None
    return shop


def shop_of_organisation(*, organisation: Any) -> Shop | None:
    return Shop.objects.filter(organisation=organisation).first()


def user_has_shop(*, user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and Shop.objects.filter(
        organisation__memberships__user=user).exists()


# --- completeness ------------------------------------------------------------------


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: Any
    done: bool


def shop_checklist(*, shop: Shop) -> list[CheckItem]:
    """What a shop must have before it can be submitted for review."""
    has_hours = ShopOpeningHours.objects.filter(shop=shop).exists()
    return [
        CheckItem("name", _("Name und Anschrift des Geschäfts"), bool(shop.name and shop.street and shop.postal_code)),
        CheckItem("owner", _("Rechtsform und Inhaber/in"), bool(shop.legal_form and shop.owner_name)),
        CheckItem("contact", _("E-Mail-Adresse oder Telefonnummer"), bool(shop.email or shop.phone)),
        CheckItem("description", _("Beschreibung des Geschäfts"), bool(shop.description.strip())),
        CheckItem("position", _("Position auf der Karte"), shop.latitude is not None and shop.longitude is not None),
        CheckItem("hours", _("Öffnungszeiten"), has_hours),
        CheckItem("imprint", _("Impressum"), bool(shop.imprint.strip())),
        CheckItem("terms", _("Allgemeine Geschäftsbedingungen"), bool(shop.terms.strip())),
        CheckItem("withdrawal", _("Widerrufsbelehrung"), bool(shop.withdrawal_policy.strip())),
        CheckItem("tax", _("Umsatzsteuer-ID oder Steuernummer"), bool(shop.vat_id or shop.tax_number)),
    ]


def shop_is_complete(*, shop: Shop) -> bool:
    return all(item.done for item in shop_checklist(shop=shop))


# --- opening hours -------------------------------------------------------------------


def opening_hours_by_day(*, shop: Shop) -> list[dict]:
    """Seven rows (Monday first) with the day's opening times as (opens, closes)."""
    rows = {day: [] for day in range(7)}
    for hours in ShopOpeningHours.objects.filter(shop=shop).order_by("weekday", "opens"):
        rows[hours.weekday].append((hours.opens, hours.closes))
    labels = dict(ShopOpeningHours._meta.get_field("weekday").choices)
    return [{"weekday": day, "label": labels[day], "times": rows[day]} for day in range(7)]


def public_holiday(day: dt.date) -> str:
    """The name of the public holiday in Hesse on `day` ("" if none): shops are closed."""
    import holidays

    return holidays.Germany(subdiv="HE", years=day.year, language="de").get(day, "") or ""


def open_status(*, shop: Shop, now: dt.datetime | None = None) -> dict:
    """Whether the shop is open now (Europe/Berlin wall time), and until or from when."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    closed_today = ShopClosure.objects.filter(shop=shop, date=today).first()
    holiday = public_holiday(today)
    if closed_today is None and holiday:
        closed_today = ShopClosure(shop=shop, date=today, reason=holiday)
    hours = list(ShopOpeningHours.objects.filter(shop=shop, weekday=today.weekday()).order_by("opens"))
    if closed_today is None:
        for row in hours:
            if row.opens <= now.time() < row.closes:
                return {"open": True, "until": row.closes, "closure": None}
    next_today = next((row.opens for row in hours if row.opens > now.time()), None) if closed_today is None else None
    return {"open": False, "until": None, "opens_today": next_today, "closure": closed_today}


# --- products of a shop (members) ------------------------------------------------------


def shop_products(*, shop: Shop) -> list[Product]:
    with organisation_scope(shop.organisation):
        return list(Product.objects.filter(shop=shop).prefetch_related(
            Prefetch("variants", queryset=Variant.objects.order_by("pk"))).order_by("title", "pk"))


def shop_product(*, shop: Shop, pk: int) -> Product | None:
    with organisation_scope(shop.organisation):
        product = Product.objects.filter(shop=shop, pk=pk).first()
        if product is not None:
            product.first_variant = Variant.objects.filter(product=product).order_by("pk").first()
        return product


def shop_counts(*, shop: Shop) -> dict[str, int]:
    with organisation_scope(shop.organisation):
        return {"products": Product.objects.filter(shop=shop).count(),
                "orders_waiting": ShopOrder.objects.filter(shop=shop, status__in=WAITING_ORDER_STATUSES).count()}


# --- public directory -----------------------------------------------------------------


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def live_shops(*, category: str = "", district: str = "") -> QuerySet[Shop]:
    qs = Shop.live.prefetch_related("categories").order_by("name")
    if category:
        qs = qs.filter(categories__slug=category)
    if district:
        qs = qs.filter(district=district)
    return qs.distinct()


def live_districts() -> list[str]:
    return list(Shop.live.exclude(district="").values_list("district", flat=True).distinct().order_by("district"))


def live_shop(*, slug: str) -> Shop | None:
    return Shop.live.filter(slug=slug).prefetch_related("categories").first()


def live_shop_products(*, shop: Shop, limit: int = 60) -> list[Product]:
    # Public read of a LIVE shop's visible products: unscoped on purpose (the shop was
    # checked by the caller to be live; no member data is read).
    products = list(Product.unscoped_objects.filter(shop=shop, active=True).order_by("title", "pk")[:limit])
    prices: dict[int, int] = {}
    for product_id, price in (Variant.unscoped_objects.filter(product__in=products)
                              .order_by("price_cents").values_list("product_id", "price_cents")):
        prices.setdefault(product_id, price)
    for product in products:
        product.from_price_cents = prices.get(product.pk)
    return products


def live_product_count(*, shop: Shop) -> int:
    # Public count of a LIVE shop's visible products (unscoped read, see above).
    return Product.unscoped_objects.filter(shop=shop, active=True).count()


# --- staff -----------------------------------------------------------------------------


def user_may_verify_shops(*, user: Any) -> bool:
    from digitalstadt.accounts.selectors import is_platform_admin, user_has_staff_role

    return bool(getattr(user, "is_authenticated", False)) and (
        user_has_staff_role(user=user, role=STAFF_ROLE) or is_platform_admin(user=user))


def submitted_shops() -> QuerySet[Shop]:
    return Shop.objects.filter(status=ShopStatus.SUBMITTED).select_related("organisation").order_by("submitted_at")


def shops_for_staff(*, status: str = "") -> QuerySet[Shop]:
    qs = Shop.objects.select_related("organisation").order_by("name")
    if status in ShopStatus.values:
        qs = qs.filter(status=status)
    return qs


def shop_for_staff(*, slug: str) -> Shop | None:
    return Shop.objects.filter(slug=slug).select_related("organisation", "verified_by").prefetch_related(
        "categories").first()


def status_counts() -> dict[str, int]:
    return dict(Shop.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


def shop_members_to_inform(*, shop: Shop) -> list:
    from digitalstadt.accounts.selectors import memberships_of

    return [m.user for m in memberships_of(organisation=shop.organisation)
            if m.role in PROFILE_ROLES and m.user.is_active]

