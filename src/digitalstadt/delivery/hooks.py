"""What the delivery app registers (called from DeliveryConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import ApiScope, api_scopes, register_audit_actions

AUDIT_ACTIONS = (
    ("delivery.job_created", _("Lieferauftrag angelegt")),
    ("delivery.job_cancelled", _("Lieferauftrag storniert (Bestellung storniert oder abgelaufen)")),
    ("delivery.plan_requested", _("Tourenplanung angestoßen")),
    ("delivery.planned", _("Touren geplant")),
    ("delivery.stop_moved", _("Stopp in eine andere Tour verschoben")),
    ("delivery.stop_locked", _("Stopp festgelegt oder freigegeben")),
    ("delivery.picked_up", _("Sendung beim Geschäft abgeholt")),
    ("delivery.delivered", _("Sendung zugestellt")),
    ("delivery.failed", _("Zustellung gescheitert")),
    ("delivery.returned", _("Sendung zurück ins Geschäft gebracht")),
    ("delivery.proof_viewed", _("Zustellnachweis angesehen")),
)


def register() -> None:
    from digitalstadt.core.registry import (
        DashboardFigure,
        PersonalDataHandler,
        RetentionPolicy,
        dashboard_figures,
        personal_data_handlers,
        retention_policies,
    )
    from digitalstadt.marketplace.registry import fulfilment_methods

    from . import hooks_courier, hooks_dispatch, personal_data
    from .offer import DELIVERY_METHOD

    register_audit_actions(AUDIT_ACTIONS)
    fulfilment_methods.register(DELIVERY_METHOD)
    hooks_dispatch.register()
    api_scopes.register(ApiScope("delivery:tours:read", _("Touren lesen (Kurierdienst)"),
                                 _("Die Touren eines Tages mit ihren Stopps abrufen (GET /api/v1/delivery/tours)")))
    personal_data_handlers.register(PersonalDataHandler("delivery", _("Lieferungen: Adressen und Zustellnachweise"),
                                                        personal_data.export, personal_data.erase))
    retention_policies.register(RetentionPolicy("delivery_proofs", _("Unterschriften und Fotos der Zustellnachweise"),
                                                90, personal_data.purge_proofs))
    dashboard_figures.register(DashboardFigure(
        "delivery.on_time", _("Lieferungen pünktlich zugestellt"), personal_data.delivered_on_time, unit="share",
        description=_("Anteil der Lieferungen der letzten 90 Tage, die bis zum Ende des gewählten Lieferfensters "
                      "zugestellt wurden"), order=330))
    dashboard_figures.register(DashboardFigure(
        "delivery.cargo_bike_km", _("Kilometer mit dem Lastenrad (30 Tage)"), personal_data.cargo_bike_km_30_days,
        description=_("Geplante Strecke der gefahrenen Lieferrunden der letzten 30 Tage"), order=340))
    hooks_courier.register()
