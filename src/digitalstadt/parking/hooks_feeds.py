"""What the external feeds register (called from hooks.register()): the pull plugins
`parkapi_v3` and `datex2`, the push plugin `push` (operators push over HTTP; never
polled), the scope `parking:occupancy:write` and the push's audit action."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = (
    ("parking.occupancy_pushed", _("Belegung von einem Parkhausbetreiber übermittelt")),
)


def register() -> None:
    from digitalstadt.core.registry import ApiScope, api_scopes, register_audit_actions

    from .feed_services import fetch_datex2, fetch_parkapi_v3
    from .feeds import FeedPlugin, register_feed

    register_audit_actions(AUDIT_ACTIONS)
    register_feed(FeedPlugin("parkapi_v3", _("ParkAPI v3 (JSON, abgefragt)"), fetch=fetch_parkapi_v3,
                             description=_("Belegung aus einer ParkAPI-v3-Schnittstelle (Echtzeitdaten)")))
    register_feed(FeedPlugin("datex2", _("DATEX II v3 (XML oder Light, abgefragt)"), fetch=fetch_datex2,
                             description=_("ParkingStatusPublication (XML) oder Parking Publication Light (JSON)")))
    register_feed(FeedPlugin("push", _("Vom Betreiber übermittelt (API)"), pull=False,
                             description=_("Der Betreiber meldet die Belegung über die API "
                                           "(ParkAPI-JSON oder DATEX II)")))
    api_scopes.register(ApiScope(
        "parking:occupancy:write", _("Belegung der eigenen Parkhäuser melden"),
        _("Freie Stellplätze übermitteln (POST /api/v1/parking/occupancy, POST /api/v1/parking/datex2/status)"),
        organisation=True, organisation_kinds=("carpark",)))
