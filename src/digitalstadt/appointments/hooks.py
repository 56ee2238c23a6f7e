"""What appointments registers into core's registry (called from AppointmentsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import StaffArea, staff_areas


def _counter_staff(user) -> bool:
    from .permissions import COUNTER_ROLES, locations_for_staff

    return locations_for_staff(user=user, roles=COUNTER_ROLES).exists()


def register() -> None:
    staff_areas.register(StaffArea("appointments.counter", _("Termine, Tagesplan und Aufruf"),
                                   "appointments-staff:index",
                                   _("Einchecken, Wartenummern, Aufruf, Statistik und Standort-Einstellungen"),
                                   _counter_staff, 200))
