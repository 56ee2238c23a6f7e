"""What the car parks part of parking registers (called from hooks.register())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = (
    ("parking.occupancy_reported", _("Belegung eines Parkhauses gemeldet")),
    ("parking.carpark_changed", _("Parkhausdaten geändert")),
)


def _occupancy_share():
    from .carpark_selectors import occupancy_share_now

    return occupancy_share_now()


def _free_spaces():
    from .carpark_selectors import free_spaces_now

    return free_spaces_now()


def _nearby_panel(**kwargs) -> str:
    from .carpark_views import nearby_panel

    return nearby_panel(**kwargs)


def _operator_url(organisation) -> str:
    from django.urls import reverse

    return reverse("carpark-operator:overview", kwargs={"operator": organisation.slug})


def _operator_counts(user, organisation):
    from .carpark_selectors import operator_carparks

    statuses = operator_carparks(operator=organisation)
    return [(_("Parkhäuser"), len(statuses), _operator_url(organisation)),
            (_("ohne aktuelle Daten"), sum(1 for s in statuses if s.stale), _operator_url(organisation))]


def register() -> None:
    from digitalstadt.core.registry import (
        DashboardFigure,
        OrganisationArea,
        dashboard_figures,
        organisation_areas,
        register_audit_actions,
    )

    from . import feeds  # noqa: F401  (registers the simulator feed)

    from digitalstadt.marketplace.registry import ShopPanel, shop_panels

    register_audit_actions(AUDIT_ACTIONS)
    shop_panels.register(ShopPanel("parking.carparks_nearby", _nearby_panel, order=100))
    organisation_areas.register(OrganisationArea(
        "parking.carparks", _("Meine Parkhäuser"), _("Freie Plätze, letzte Meldung und Datenquelle je Parkhaus"),
        kinds=("carpark",), url=_operator_url, order=10, counts=_operator_counts))
    dashboard_figures.register(DashboardFigure(
        "parking.carpark_occupancy", _("Belegung der Parkhäuser jetzt"), _occupancy_share, unit="share",
        description=_("Belegte Stellplätze in den Parkhäusern mit aktuellen Daten (in der Demo simuliert)"),
        order=400))
    dashboard_figures.register(DashboardFigure(
        "parking.carpark_free_spaces", _("Freie Stellplätze in Parkhäusern jetzt"), _free_spaces,
        description=_("Summe der freien Stellplätze mit aktuellen Daten (in der Demo simuliert)"), order=401))
