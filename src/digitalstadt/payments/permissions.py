"""Who may work with payments: the payment pages show payers' names and IBANs."""

from __future__ import annotations

from typing import Any

from digitalstadt.accounts.selectors import user_has_any_staff_role
from digitalstadt.accounts.types import StaffRoleKind

PAYMENT_STAFF_ROLES = (StaffRoleKind.CASE_WORKER, StaffRoleKind.OFFICE_ADMIN, StaffRoleKind.PLATFORM_ADMIN)


def can_manage_payments(*, user: Any) -> bool:
    return user_has_any_staff_role(user=user, roles=PAYMENT_STAFF_ROLES)
