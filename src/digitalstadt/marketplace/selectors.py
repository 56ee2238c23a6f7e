"""What other apps may read of the marketplace (its public selectors): a shop by its
slug or organisation, for pages of other apps under the shop's area (park & shop)."""

from __future__ import annotations

from typing import Any

from .models import Shop, ShopOrder

__all__ = ["shop_by_slug", "shop_names", "shop_of_user", "shop_order_by_ref", "shop_slug_of"]


def shop_by_slug(*, slug: str) -> Shop | None:
    if not isinstance(slug, str) or len(slug) > 80:
        return None
    return Shop.objects.select_related("organisation").filter(slug=slug).first()


def shop_names(*, organisation_ids: Any) -> dict[int, str]:
    """Shop names by organisation id (the organisations that are shops)."""
    return dict(Shop.objects.filter(organisation_id__in=list(organisation_ids))
                .values_list("organisation_id", "name"))


def shop_slug_of(*, organisation: Any) -> str:
    return Shop.objects.filter(organisation=organisation).values_list("slug", flat=True).first() or ""


def shop_of_user(*, user: Any) -> Shop | None:
    """The first shop (by name) whose organisation this person owns or administers."""
    from digitalstadt.accounts.types import OrgRole

    return (Shop.objects.filter(organisation__memberships__user=user,
                                organisation__memberships__role__in=[OrgRole.OWNER, OrgRole.ADMIN])
            .select_related("organisation").order_by("name").first())


def shop_order_by_ref(*, ref: str) -> ShopOrder | None:
    """A shop order by the reference other apps keep ("marketplace.shoporder:<pk>")."""
    prefix = "marketplace.shoporder:"
    if not isinstance(ref, str) or not ref.startswith(prefix) or not ref[len(prefix):].isdigit():
        return None
    return ShopOrder.unscoped_objects.select_related("order__shopper", "shop").filter(
        pk=int(ref[len(prefix):])).first()
