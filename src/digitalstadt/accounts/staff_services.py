"""Staff accounts: platform admins invite city staff, grant and revoke scoped roles,
reset a lost second factor and deactivate accounts. Staff cannot remove their own last
second factor.

Every write: keyword-only, one transaction, an audit entry, and the object-level check
(only platform admins) here, not in the views.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_first, lock_one, lock_rows
from digitalstadt.core.urls_helpers import absolute_url

from .models import OFFICE_SCOPED_ROLES, Organisation, OrganisationKind, StaffInvitation, StaffRole, StaffRoleKind, User
from .selectors import is_platform_admin, user_is_staff
from .staff_selectors import LOCATION_SCOPED_ROLES, UNSCOPED_ROLES

# An invitation link works once, within this time.
STAFF_INVITATION_VALIDITY = timedelta(hours=72)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _require_platform_admin(actor: User) -> None:
    if not is_platform_admin(user=actor):
        raise PermissionDenied(_("Nur die Plattform-Administration darf Konten der Stadtverwaltung verwalten."))


# --- the second factor ------------------------------------------------------------------


def second_factor_removable(*, user: User, authenticator) -> bool:
    """Whether `user` may remove `authenticator` themselves. Staff may not remove their
    last TOTP: without it every staff page is locked, and a password alone would be
    enough to set up a new one. A platform admin resets it instead (`staff_mfa_reset`)."""
    from allauth.mfa.models import Authenticator

    if authenticator.type != Authenticator.Type.TOTP or not user_is_staff(user=user):
        return True
    others = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exclude(pk=authenticator.pk)
    return others.exists()


def staff_mfa_reset(*, actor: User, user: User) -> int:
    """A platform admin removes a staff member's authenticator app and recovery codes
    (lost phone). At the next visit of a staff page the person must set up TOTP again;
    until then the staff area is locked for them. Returns the number removed."""
    from allauth.mfa.models import Authenticator

    _require_platform_admin(actor)
    if actor.pk == user.pk:
        raise PermissionDenied(_("Ihre eigene Zwei-Faktor-Anmeldung kann nur eine andere Person aus der "
                                 "Plattform-Administration zurücksetzen."))
    with transaction.atomic():
        lock_one(User.objects.filter(pk=user.pk))
        kinds = sorted(set(Authenticator.objects.filter(user=user).values_list("type", flat=True)))
        if not kinds:
            raise ValidationError(_("Diese Person hat keine Zwei-Faktor-Anmeldung eingerichtet."))
        removed = Authenticator.objects.filter(user=user).delete()[0]
        audit_log(actor=actor, action="staff.mfa_reset", subject=user, data_subject=user, data={"types": kinds})
    return removed


# --- roles ------------------------------------------------------------------------------


def _validated_scope(*, role: str, office: Organisation | None, location_id: int | None):
    """The (office, location) a role is granted for, or a German ValidationError."""
    if role not in StaffRoleKind.values:
        raise ValidationError(_("Diese Rolle gibt es nicht."))
    label = StaffRoleKind(role).label
    if office is not None and office.kind != OrganisationKind.OFFICE:
        raise ValidationError(_("Bitte wählen Sie ein Amt der Stadtverwaltung."))
    location = None
    if location_id:
        if role not in LOCATION_SCOPED_ROLES:
            raise ValidationError(_("Die Rolle „%(role)s“ lässt sich nicht auf einen Standort beschränken. "
                                    "Bitte wählen Sie keinen Standort.") % {"role": label})
        if office is None:
            raise ValidationError(_("Bitte wählen Sie zum Standort auch das Amt."))
        location = office.locations.filter(pk=location_id).first()
        if location is None:
            raise ValidationError(_("Dieser Standort gehört nicht zum gewählten Amt."))
    if role in OFFICE_SCOPED_ROLES and office is None:
        raise ValidationError(_("Die Rolle „%(role)s“ gilt für ein Amt. Bitte wählen Sie das Amt.")
                              % {"role": label})
    if role in UNSCOPED_ROLES and office is not None:
        raise ValidationError(_("Die Rolle „%(role)s“ gilt stadtweit. Bitte wählen Sie kein Amt.")
                              % {"role": label})
    return office, location


def _grant(*, actor: User, user: User, role: str, office: Organisation | None, location) -> StaffRole:
    existing = StaffRole.objects.filter(user=user, role=role)
    existing = existing.filter(location=location) if location is not None else existing.filter(
        office=office, location__isnull=True)
    if existing.exists():
        raise ValidationError(_("Diese Person hat die Rolle für diesen Bereich bereits."))
    staff_role = StaffRole.objects.create(user=user, role=role, office=office, location=location, created_by=actor)
    audit_log(actor=actor, action="staff.role_granted", subject=staff_role, data_subject=user,
              data={"role": role, "office": office.slug if office else None,
                    "location": location.pk if location is not None else None})
    return staff_role


def staff_role_grant(*, actor: User, user: User, role: str, office: Organisation | None = None,
                     location_id: int | None = None) -> StaffRole:
    _require_platform_admin(actor)
    office, location = _validated_scope(role=role, office=office, location_id=location_id)
    if not user.is_active:
        raise ValidationError(_("Dieses Konto ist deaktiviert. Rollen lassen sich nur aktiven Konten geben."))
    with transaction.atomic():
        lock_one(User.objects.filter(pk=user.pk))
        return _grant(actor=actor, user=user, role=role, office=office, location=location)


def staff_role_revoke(*, actor: User, staff_role: StaffRole) -> None:
    _require_platform_admin(actor)
    with transaction.atomic():
        if staff_role.role == StaffRoleKind.PLATFORM_ADMIN:
            # The last-admin rule, race-free: every platform admin's role row is locked.
            lock_rows(StaffRole.objects.filter(role=StaffRoleKind.PLATFORM_ADMIN))
            others = StaffRole.objects.filter(role=StaffRoleKind.PLATFORM_ADMIN, user__is_active=True).exclude(
                pk=staff_role.pk)
            if not others.exists():
                raise ValidationError(_("Die Plattform braucht mindestens eine Person in der "
                                        "Plattform-Administration."))
        audit_log(actor=actor, action="staff.role_revoked", subject=staff_role, data_subject=staff_role.user,
                  data={"role": staff_role.role, "office": staff_role.office.slug if staff_role.office else None,
                        "location": staff_role.location_id})
        StaffRole.objects.filter(pk=staff_role.pk).delete()


# --- accounts and invitations -----------------------------------------------------------


def staff_invite(*, actor: User, email: str, first_name: str, last_name: str, role: str,
                 office: Organisation | None = None, location_id: int | None = None) -> StaffInvitation:
    """Create a staff account with its first role and send the invitation e-mail. The
    account has no password until the person follows the link; then the staff area asks
    them to set up TOTP before any staff page opens."""
    from digitalstadt.mailbox.services import outbox_enqueue_template

    _require_platform_admin(actor)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Bitte geben Sie eine gültige E-Mail-Adresse an.")) from None
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name or not last_name:
        raise ValidationError(_("Bitte geben Sie Vor- und Nachnamen an."))
    office, location = _validated_scope(role=role, office=office, location_id=location_id)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("Für die Adresse %(email)s gibt es bereits ein Konto. Geben Sie ihm eine Rolle "
                                "auf seiner Seite in der Liste der Mitarbeitenden, oder wählen Sie eine andere "
                                "Adresse.") % {"email": email})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=None, first_name=first_name, last_name=last_name,
                                        language=translation.get_language() or "de")
        _grant(actor=actor, user=user, role=role, office=office, location=location)
        invitation = StaffInvitation.objects.create(
            user=user, token_hash=_hash(token), invited_by=actor,
            expires_at=timezone.now() + STAFF_INVITATION_VALIDITY)
        _send_invitation(invitation=invitation, token=token, actor=actor, enqueue=outbox_enqueue_template)
        audit_log(actor=actor, action="staff.invited", subject=invitation, data_subject=user,
                  data={"role": role})
    return invitation


def _send_invitation(*, invitation: StaffInvitation, token: str, actor: User, enqueue) -> None:
    user = invitation.user
    with translation.override(user.language):
        link = absolute_url("accounts:staff-invitation", kwargs={"token": token})
        roles = [str(role) for role in StaffRole.objects.filter(user=user).select_related("office", "location")]
    enqueue(to=user.email, template_prefix="accounts/email/staff_invitation", language=user.language,
            context={"person": user, "inviter": actor, "link": link, "roles": roles,
                     "expires_at": invitation.expires_at, "platform_name": settings.PLATFORM_NAME},
            purpose="accounts:staff_invitation")


def staff_invitation_resend(*, actor: User, user: User) -> StaffInvitation:
    """A new link for a person who has not set a password yet; the old link stops working."""
    from digitalstadt.mailbox.services import outbox_enqueue_template

    _require_platform_admin(actor)
    if user.has_usable_password():
        raise ValidationError(_("Diese Person hat ihr Konto bereits eingerichtet."))
    if not user.is_active:
        raise ValidationError(_("Dieses Konto ist deaktiviert."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        lock_one(User.objects.filter(pk=user.pk))
        StaffInvitation.objects.filter(user=user, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        invitation = StaffInvitation.objects.create(
            user=user, token_hash=_hash(token), invited_by=actor,
            expires_at=timezone.now() + STAFF_INVITATION_VALIDITY)
        _send_invitation(invitation=invitation, token=token, actor=actor, enqueue=outbox_enqueue_template)
        audit_log(actor=actor, action="staff.invited", subject=invitation, data_subject=user,
                  data={"resent": True})
    return invitation


INVALID_INVITATION = _("Dieser Einladungslink ist ungültig, abgelaufen oder wurde bereits verwendet. "
                       "Bitte bitten Sie die Plattform-Administration um eine neue Einladung.")


def staff_invitation_by_token(*, token: str) -> StaffInvitation | None:
    """The open invitation behind a link, or None (unknown, used, revoked or expired)."""
    invitation = StaffInvitation.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if invitation is None or not invitation.is_open or not invitation.user.is_active:
        return None
    return invitation


def staff_invitation_accept(*, token: str, password: str) -> User:
    """The invited person sets their password (once). The link proved the address, so it
    counts as confirmed. The password is checked by the account adapter (length,
    common words) before anything is saved."""
    from allauth.account.adapter import get_adapter
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        invitation = lock_first(StaffInvitation.objects.select_related("user").filter(token_hash=_hash(token)))
        if invitation is None or not invitation.is_open or not invitation.user.is_active:
            raise ValidationError(str(INVALID_INVITATION))
        user = invitation.user
        get_adapter().clean_password(password, user=user)
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=user.email,
                                              defaults={"verified": True, "primary": True})
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_log(actor=user, action="staff.invitation_accepted", subject=invitation, data_subject=user)
    return user


def staff_account_deactivate(*, actor: User, user: User) -> None:
    """The person can no longer sign in (their open sessions end with the next request);
    roles and the audit trail stay for the record, open invitations are withdrawn."""
    _require_platform_admin(actor)
    if actor.pk == user.pk:
        raise ValidationError(_("Sie können Ihr eigenes Konto nicht deaktivieren."))
    with transaction.atomic():
        user = lock_one(User.objects.filter(pk=user.pk))
        if not user.is_active:
            raise ValidationError(_("Dieses Konto ist bereits deaktiviert."))
        if user.is_superuser:
            raise PermissionDenied(_("Konten mit Superuser-Rechten lassen sich nur im Django-Admin ändern."))
        user.is_active = False
        user.save(update_fields=["is_active"])
        StaffInvitation.objects.filter(user=user, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        audit_log(actor=actor, action="staff.deactivated", subject=user, data_subject=user)
