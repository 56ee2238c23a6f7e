"""What the forecast part of parking registers (called from hooks.register())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = (
    ("parking.forecast_trained", _("Belegungsprognose eines Parkhauses trainiert")),
)


def _predicted_free(*, carpark, at):
    from .forecast_selectors import predicted_free

    return predicted_free(carpark=carpark, at=at)


def _error_share(hours: int):
    def value():
        from .forecast_selectors import forecast_accuracy

        return forecast_accuracy().get(hours)

    return value


def register() -> None:
    from digitalstadt.core.registry import DashboardFigure, dashboard_figures, register_audit_actions

    from .carpark_selectors import ExpectedFreeProvider, expected_free_providers

    register_audit_actions(AUDIT_ACTIONS)
    expected_free_providers.register(ExpectedFreeProvider("forecast", _predicted_free,
                                                          _("Prognose aus dem Belegungsverlauf")))
    dashboard_figures.register(DashboardFigure(
        "parking.forecast_error_1h", _("Prognosefehler freier Stellplätze, 1 Stunde voraus"), _error_share(1),
        unit="share", order=402,
        description=_("Mittlere Abweichung der Prognose in der letzten zurückgehaltenen Woche, als Anteil der "
                      "Stellplätze (Mittel über die Parkhäuser; in der Demo aus simulierten Daten)")))
    dashboard_figures.register(DashboardFigure(
        "parking.forecast_error_3h", _("Prognosefehler freier Stellplätze, 3 Stunden voraus"), _error_share(3),
        unit="share", order=403,
        description=_("Mittlere Abweichung der Prognose in der letzten zurückgehaltenen Woche, als Anteil der "
                      "Stellplätze (Mittel über die Parkhäuser; in der Demo aus simulierten Daten)")))
