"""Reads about partner organisations and their roles."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from digitalstadt.accounts.types import OrganisationKind
from digitalstadt.core.scoping import organisation_scope, unscoped

from .models import PartnerRole
from .types import PartnerRoleKind, PartnerRoleStatus

MANAGER_ROLES = frozenset({"owner", "admin"})


def is_partner(organisation: Any) -> bool:
    return organisation is not None and organisation.kind == OrganisationKind.PARTNER


def roles_of(*, organisation: Any) -> list[PartnerRole]:
    with organisation_scope(organisation):
        return list(PartnerRole.objects.all().order_by("kind"))


def has_approved_role(*, organisation: Any, kind: str) -> bool:
    if not is_partner(organisation):
        return False
    with organisation_scope(organisation):
        return PartnerRole.objects.filter(kind=kind, status=PartnerRoleStatus.APPROVED).exists()


def is_approved_organiser(*, organisation: Any) -> bool:
    return has_approved_role(organisation=organisation, kind=PartnerRoleKind.EVENT_ORGANISER)


def may_manage_partner(*, user: Any, organisation: Any) -> bool:
    """Owners and admins of a partner organisation request roles and run its events."""
    from digitalstadt.accounts.selectors import membership_for

    if not is_partner(organisation) or not getattr(user, "is_authenticated", False):
        return False
    membership = membership_for(user=user, organisation=organisation)
    return membership is not None and membership.role in MANAGER_ROLES


def may_organise(*, user: Any, organisation: Any) -> bool:
    return may_manage_partner(user=user, organisation=organisation) and is_approved_organiser(
        organisation=organisation)


def roles_for_office(*, status: str | None = None) -> QuerySet[PartnerRole]:
    """All partners' roles, for the business development office (platform-wide)."""
    with unscoped():
        qs = PartnerRole.objects.select_related("organisation", "requested_by", "decided_by")
        if status:
            qs = qs.filter(status=status)
        return qs.order_by("-requested_at", "pk")


def open_requests_count() -> int:
    with unscoped():
        return PartnerRole.objects.filter(status=PartnerRoleStatus.REQUESTED).count()


def role_for_office(*, pk: int) -> PartnerRole | None:
    with unscoped():
        return PartnerRole.objects.select_related("organisation", "requested_by").filter(pk=pk).first()
