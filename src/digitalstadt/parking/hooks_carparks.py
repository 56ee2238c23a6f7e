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


def register() -> None:
    from digitalstadt.core.registry import DashboardFigure, dashboard_figures, register_audit_actions

    from . import feeds  # noqa: F401  (registers the simulator feed)

    register_audit_actions(AUDIT_ACTIONS)
    dashboard_figures.register(DashboardFigure(
        "parking.carpark_occupancy", _("Belegung der Parkhäuser jetzt"), _occupancy_share, unit="share",
        description=_("Belegte Stellplätze in den Parkhäusern mit aktuellen Daten (in der Demo simuliert)"),
        order=400))
    dashboard_figures.register(DashboardFigure(
        "parking.carpark_free_spaces", _("Freie Stellplätze in Parkhäusern jetzt"), _free_spaces,
        description=_("Summe der freien Stellplätze mit aktuellen Daten (in der Demo simuliert)"), order=401))
