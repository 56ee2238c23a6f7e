"""The courier app's registrations (the lead calls `register()` from hooks.register):
the drivers' work area "Meine Tour" on the courier organisation's page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import OrganisationArea, organisation_areas

COURIER_ROLES = frozenset({"driver", "owner", "admin"})


def _may_use(user, organisation) -> bool:
    from digitalstadt.accounts.selectors import membership_for

    membership = membership_for(user=user, organisation=organisation)
    return membership is not None and membership.role in COURIER_ROLES


def _counts(user, organisation):
    from .courier_selectors import open_stops_today

    return [(_("offene Stopps heute"), open_stops_today(user=user, day=timezone.localdate()),
             reverse("courier:tour"))]


def register() -> None:
    organisation_areas.register(OrganisationArea(
        "delivery.courier_tour", _("Meine Tour"),
        _("Die Stopps Ihrer heutigen Tour: abholen, zustellen, Zustellnachweis (auch ohne Netz)"),
        kinds=("courier",), url=lambda organisation: reverse("courier:tour"), visible_to=_may_use, order=20,
        counts=_counts))
