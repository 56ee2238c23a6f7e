"""What payments registers into core's registry (called from PaymentsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import StaffArea, staff_areas


def _payment_staff(user) -> bool:
    from .permissions import can_manage_payments

    return can_manage_payments(user=user)


def register() -> None:
    staff_areas.register(StaffArea("payments.overview", _("Zahlungen und Kontoauszüge"), "payments-staff:overview",
                                   _("Zahlungseingänge, CAMT-Import und Klärungsfälle"), _payment_staff, 300))
