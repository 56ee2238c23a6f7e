"""Enums other apps may use (the public `types` module of accounts)."""

from .models import AssuranceLevel, OrganisationKind, OrgRole, StaffRoleKind

__all__ = ["AssuranceLevel", "OrgRole", "OrganisationKind", "StaffRoleKind"]
