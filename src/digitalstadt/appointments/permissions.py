"""Which locations a staff member may work on: roles scoped to the location, to the
location's office, or platform admins."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from digitalstadt.accounts.selectors import is_platform_admin, staff_role_scopes
from digitalstadt.accounts.types import StaffRoleKind

from .models import Location

COUNTER_ROLES = [StaffRoleKind.COUNTER_STAFF, StaffRoleKind.OFFICE_ADMIN]
ADMIN_ROLES = [StaffRoleKind.OFFICE_ADMIN]


def locations_for_staff(*, user: Any, roles: list[str]) -> QuerySet[Location]:
    if not user.is_authenticated:
        return Location.objects.none()
    if is_platform_admin(user=user):
        return Location.objects.all()
    scoped = staff_role_scopes(user=user, roles=roles)
    return Location.objects.filter(
        Q(pk__in=scoped.filter(location__isnull=False).values("location_id"))
        | Q(office_id__in=scoped.filter(location__isnull=True, office__isnull=False).values("office_id"))
    ).distinct()


def can_work_at(*, user: Any, location: Location, roles: list[str] = COUNTER_ROLES) -> bool:
    return locations_for_staff(user=user, roles=roles).filter(pk=location.pk).exists()
