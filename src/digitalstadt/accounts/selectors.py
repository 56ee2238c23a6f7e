from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from digitalstadt.core.memo import memoized
from digitalstadt.core.scoping import organisation_scope

from .models import (
    ORG_MANAGER_ROLES, ApiToken, Invitation, Membership, Organisation, OrganisationKind, StaffRole, StaffRoleKind, User,
)


def user_is_staff(*, user: Any) -> bool:
    """City staff: Django staff flag or any staff role."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return memoized(("user_is_staff", user.pk), lambda: StaffRole.objects.filter(user=user).exists())


def staff_roles(*, user: Any) -> QuerySet[StaffRole]:
    return StaffRole.objects.filter(user=user).select_related("office")


def user_has_staff_role(*, user: Any, role: str, office: Organisation | None = None) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    qs = StaffRole.objects.filter(user=user, role=role)
    if office is not None:
        qs = qs.filter(office=office)
    return memoized(("user_has_staff_role", user.pk, role, getattr(office, "pk", None)), qs.exists)


def user_has_any_staff_role(*, user: Any, roles) -> bool:
    """Superusers always; otherwise a role out of `roles` (any office or location)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or StaffRole.objects.filter(user=user, role__in=list(roles)).exists()


def staff_role_scopes(*, user: Any, roles) -> QuerySet[StaffRole]:
    """The user's roles out of `roles`, with the office or location each is scoped to."""
    if not getattr(user, "is_authenticated", False):
        return StaffRole.objects.none()
    return StaffRole.objects.filter(user=user, role__in=list(roles))


def staff_with_roles(*, roles, office_id: int) -> QuerySet[User]:
    """Active users holding one of `roles` for the office."""
    return User.objects.filter(staff_roles__role__in=list(roles), staff_roles__office_id=office_id,
                               is_active=True).distinct()


def offices() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.OFFICE)


def user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def is_platform_admin(*, user: Any) -> bool:
    return user_has_staff_role(user=user, role=StaffRoleKind.PLATFORM_ADMIN)


def organisations_for_user(*, user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).distinct().order_by("name")


def membership_for(*, user: Any, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def can_manage_organisation(*, user: Any, organisation: Organisation) -> bool:
    membership = membership_for(user=user, organisation=organisation)
    return membership is not None and membership.role in ORG_MANAGER_ROLES


def organisation_members(*, organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(memberships__organisation=organisation, is_active=True).order_by("email")


def memberships_of(*, organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=organisation).select_related("user").order_by("user__email")


def api_tokens_of(*, organisation: Organisation) -> QuerySet[ApiToken]:
    with organisation_scope(organisation):
        return ApiToken.objects.select_related("created_by")


def has_second_factor(*, user: Any) -> bool:
    """The person has TOTP (the platform's second factor) set up."""
    from allauth.mfa.models import Authenticator

    return bool(user.is_authenticated
                and Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def personal_tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    # Personal tokens belong to no organisation: scoping does not apply, the owner does.
    return ApiToken.objects.with_scopes_disabled().filter(user=user)


def personal_token_of(*, user: Any, uuid) -> ApiToken | None:
    return personal_tokens_of(user=user).filter(uuid=uuid).first()


def api_token_of(*, organisation: Organisation, uuid) -> ApiToken | None:
    with organisation_scope(organisation):
        return ApiToken.objects.filter(uuid=uuid).first()


def open_invitations_of(*, organisation: Organisation, limit: int = 50) -> list[Invitation]:
    with organisation_scope(organisation):
        return [i for i in Invitation.objects.all()[:limit] if i.is_open]


def invitation_of(*, organisation: Organisation, pk: int) -> Invitation | None:
    with organisation_scope(organisation):
        return Invitation.objects.filter(pk=pk).first()


def platform_admin_emails() -> list[str]:
    return list(
        User.objects.filter(staff_roles__role=StaffRoleKind.PLATFORM_ADMIN, is_active=True)
        .values_list("email", flat=True)
        .distinct()
    )


def organisation_work_areas(*, user: Any, organisation: Organisation) -> list[dict]:
    """The work areas apps registered for this kind of organisation (core registry
    `organisation_areas`) that this member may use, with what waits there."""
    from digitalstadt.core.registry import organisation_areas

    if membership_for(user=user, organisation=organisation) is None:
        return []
    areas = []
    for area in sorted(organisation_areas.all(), key=lambda a: (a.order, a.id)):
        if organisation.kind not in area.kinds or not area.visible_to(user, organisation):
            continue
        areas.append({"id": area.id, "label": area.label, "description": area.description,
                      "url": area.url(organisation),
                      "counts": list(area.counts(user, organisation)) if area.counts else []})
    return areas


def organisation_by_slug(*, slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()
