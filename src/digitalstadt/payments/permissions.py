"""Who may work with payments: the payment pages show payers' names and IBANs."""

from __future__ import annotations

from typing import Any

from digitalstadt.accounts.models import StaffRole, StaffRoleKind

PAYMENT_STAFF_ROLES = (StaffRoleKind.CASE_WORKER, StaffRoleKind.OFFICE_ADMIN, StaffRoleKind.PLATFORM_ADMIN)


def can_manage_payments(*, user: Any) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return StaffRole.objects.filter(user=user, role__in=PAYMENT_STAFF_ROLES).exists()
