"""What street parking (Handyparken) and enforcement register into core's registry
(called from parking.hooks.register)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = (
    ("parking.vehicle_added", _("Kennzeichen im Konto gespeichert")),
    ("parking.vehicle_removed", _("Gespeichertes Kennzeichen entfernt")),
    ("parking.street_session_started", _("Handyparken gestartet")),
    ("parking.street_session_extended", _("Handyparken verlängert")),
    ("parking.street_session_stopped", _("Handyparken beendet")),
    ("parking.street_reminder_sent", _("Erinnerung vor Ende der Parkzeit verschickt")),
    ("parking.street_statement_closed", _("Monatsabrechnung Handyparken erstellt")),
    ("parking.enforcement_checked", _("Parkberechtigung geprüft (Kennzeichen und Zone)")),
)


def _enforcement(user) -> bool:
    from digitalstadt.accounts.selectors import user_has_staff_role

    return user_has_staff_role(user=user, role="parking_enforcement")


def register() -> None:
    from digitalstadt.core.registry import (
        DashboardFigure,
        PersonalDataHandler,
        RetentionPolicy,
        StaffArea,
        dashboard_figures,
        personal_data_handlers,
        register_audit_actions,
        retention_policies,
        staff_areas,
    )

    from . import street_personal_data

    register_audit_actions(AUDIT_ACTIONS)
    staff_areas.register(StaffArea("parking.enforcement", _("Parkberechtigung prüfen"),
                                   "staff-parking:enforcement",
                                   _("Kennzeichen und Zone: Handyparken, Bewohnerparkausweis, Gutschein"),
                                   _enforcement, 390))
    personal_data_handlers.register(PersonalDataHandler(
        "parking.street", _("Handyparken: gespeicherte Kennzeichen und Parkvorgänge"),
        street_personal_data.export, street_personal_data.erase))
    retention_policies.register(RetentionPolicy(
        "parking_street_sessions", _("Kennzeichen beendeter Handyparken-Vorgänge"), 180,
        street_personal_data.purge_sessions))
    retention_policies.register(RetentionPolicy(
        "parking_vehicles", _("Gespeicherte Kennzeichen, lange nicht benutzt"), 730,
        street_personal_data.purge_vehicles))
    dashboard_figures.register(DashboardFigure(
        "parking.street_sessions", _("Handyparken-Vorgänge (30 Tage)"), street_personal_data.sessions_30_days,
        description=_("Über die Plattform gestartete Parkvorgänge am Straßenrand in den letzten 30 Tagen"),
        order=360))
