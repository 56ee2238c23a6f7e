"""Reads for the staff administration page (platform admins): staff accounts with their
roles, second-factor status and open invitations, and what each role may do."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import OFFICE_SCOPED_ROLES, Organisation, StaffInvitation, StaffRole, StaffRoleKind, User

# What each role may do, shown next to every place where a role is granted.
ROLE_EXPLANATIONS = {
    StaffRoleKind.CASE_WORKER: _(
        "Bearbeitet die Online-Anträge des Amts: Posteingang, Zuweisung, Notizen, Fristen, Nachweise "
        "anfordern, Bescheide erlassen; sieht die Zahlungen dazu. Braucht ein Amt."),
    StaffRoleKind.COUNTER_STAFF: _(
        "Arbeitet am Schalter: Tagesplan, Einchecken, Wartenummern und Aufruf. Braucht ein Amt und kann "
        "auf einen Standort beschränkt werden."),
    StaffRoleKind.OFFICE_ADMIN: _(
        "Verwaltet die Standorte des Amts: Öffnungszeiten, Schließtage, Leistungen und Schalter. "
        "Braucht ein Amt."),
    StaffRoleKind.BUSINESS_DEVELOPMENT: _(
        "Wirtschaftsförderung: sieht die Angaben, die Unternehmen für sie freigeben. Amt optional."),
    StaffRoleKind.PARKING_ENFORCEMENT: _(
        "Parkraumüberwachung: prüft Kennzeichen gegen gültige Bewohnerparkausweise. Amt optional."),
    StaffRoleKind.MARKETPLACE: _(
        "Marktplatz: prüft die Angaben neuer Geschäfte (Impressum, Steuernummer, Gewerbeanmeldung) und schaltet "
        "sie frei oder sperrt sie. Amt optional."),
    StaffRoleKind.PLATFORM_ADMIN: _(
        "Plattform-Administration: legt Mitarbeitende an, vergibt und entzieht Rollen, setzt die "
        "Zwei-Faktor-Anmeldung zurück, liest das Protokoll. Gilt stadtweit, ohne Amt."),
}

# Roles that may be narrowed to one location of their office.
LOCATION_SCOPED_ROLES = {StaffRoleKind.COUNTER_STAFF}
# Roles that are city-wide and take no office.
UNSCOPED_ROLES = {StaffRoleKind.PLATFORM_ADMIN}


def role_catalogue() -> list[dict[str, Any]]:
    """Every role with its label, what it may do and which scope it takes."""
    return [{
        "value": kind.value,
        "label": kind.label,
        "explanation": ROLE_EXPLANATIONS[kind],
        "needs_office": kind in OFFICE_SCOPED_ROLES,
        "takes_location": kind in LOCATION_SCOPED_ROLES,
    } for kind in StaffRoleKind]


def _totp_exists():
    from allauth.mfa.models import Authenticator

    return Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP))


def staff_accounts() -> QuerySet[User]:
    """Everybody with a staff role or the staff flag (deactivated accounts included), with
    roles, TOTP status and open invitations, in one query each."""
    from django.utils import timezone

    open_invitations = StaffInvitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
    return (User.objects.filter(Q(staff_roles__isnull=False) | Q(is_staff=True) | Q(staff_invitations__isnull=False))
            .distinct()
            .annotate(has_totp=_totp_exists())
            .prefetch_related(
                Prefetch("staff_roles", queryset=StaffRole.objects.select_related("office", "location")
                         .order_by("role", "office__name")),
                Prefetch("staff_invitations", queryset=open_invitations, to_attr="open_staff_invitations"))
            .order_by("last_name", "first_name", "email"))


def staff_account(*, pk: int) -> User | None:
    return staff_accounts().filter(pk=pk).first()


def staff_invitations_of(*, user: User) -> QuerySet[StaffInvitation]:
    return StaffInvitation.objects.filter(user=user)


def offices_with_locations() -> QuerySet[Organisation]:
    from .models import OrganisationKind

    return Organisation.objects.filter(kind=OrganisationKind.OFFICE).prefetch_related("locations").order_by("name")


def user_has_second_factor(*, user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
