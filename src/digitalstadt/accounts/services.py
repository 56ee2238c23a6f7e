"""Account, organisation, membership, invitation and API token services.

Every write: keyword-only, one transaction, an audit entry, object-level permission
checks here (not in views).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from digitalstadt.core.audit import audit_log
from digitalstadt.core.scoping import organisation_scope
from digitalstadt.core.locking import lock_first, lock_one, lock_rows
from digitalstadt.core.urls_helpers import absolute_url

from .models import (
    ApiToken,
    AssuranceLevel,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    OrgRole,
    User,
)
from .selectors import can_manage_organisation, has_second_factor, membership_for

INVITATION_VALIDITY = timedelta(days=14)
API_TOKEN_PREFIX = "dst_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- identity assurance -------------------------------------------------------------


def user_raise_assurance(*, user: User, level: str, source: str, eid_subject: str | None = None) -> User:
    """Raise (never lower) a person's identity assurance level."""
    with transaction.atomic():
        user = lock_one(User.objects.filter(pk=user.pk))
        changed = False
        if AssuranceLevel.rank(level) > AssuranceLevel.rank(user.assurance_level):
            user.assurance_level = level
            user.assurance_source = source
            user.assurance_verified_at = timezone.now()
            changed = True
        if eid_subject and user.eid_subject != eid_subject:
            if user.eid_subject:
                # One person, one eID: another person's eID must not take over this account.
                raise ValidationError(_("Ihr Konto ist bereits mit einer anderen eID verknüpft."))
            if User.objects.filter(eid_subject=eid_subject).exclude(pk=user.pk).exists():
                raise ValidationError(_("Diese eID ist bereits mit einem anderen Konto verknüpft."))
            user.eid_subject = eid_subject
            changed = True
        if changed:
            try:
                with transaction.atomic():
                    user.save(update_fields=["assurance_level", "assurance_source", "assurance_verified_at",
                                             "eid_subject"])
            except IntegrityError:  # the same eID linked to another account at the same moment
                raise ValidationError(_("Diese eID ist bereits mit einem anderen Konto verknüpft.")) from None
            audit_log(actor=user, action="account.assurance_raised", subject=user, data_subject=user,
                      data={"level": user.assurance_level, "source": source})
    return user


def user_update_profile(*, user: User, first_name: str, last_name: str, language: str) -> User:
    """A person edits their own name and the language of e-mails and notifications."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unbekannte Sprache."))
    with transaction.atomic():
        changed = [field for field, value in (("first_name", first_name), ("last_name", last_name),
                                              ("language", language)) if getattr(user, field) != value]
        user.first_name, user.last_name, user.language = first_name, last_name, language
        user.save(update_fields=["first_name", "last_name", "language"])
        audit_log(actor=user, action="account.profile_changed", subject=user, data_subject=user,
                  data={"fields": changed})
    return user


# --- organisations --------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def office_ensure(*, slug: str, name: str, system: str = "demo") -> Organisation:
    """The office with `slug`, created if missing (demo data and set-up commands)."""
    office, created = Organisation.objects.get_or_create(slug=slug, defaults={"name": name,
                                                                              "kind": OrganisationKind.OFFICE})
    if created:
        audit_log(actor=None, system=system, action="organisation.created", subject=office,
                  data={"kind": OrganisationKind.OFFICE})
    return office


def organisation_ensure(*, slug: str, name: str, kind: str, owner: User | None = None, street: str = "",
                        postal_code: str = "", city: str = "", system: str = "demo") -> Organisation:
    """The organisation with `slug`, created if missing, with `owner` as an owner if given
    (demo data and set-up commands; never from a request)."""
    with transaction.atomic():
        org, created = Organisation.objects.get_or_create(slug=slug, defaults={
            "name": name, "kind": kind, "street": street, "postal_code": postal_code, "city": city})
        if created:
            audit_log(actor=None, system=system, action="organisation.created", subject=org, data={"kind": kind})
        if owner is not None:
            Membership.objects.get_or_create(user=owner, organisation=org, defaults={"role": OrgRole.OWNER})
    return org


def demo_user_ensure(*, email: str, first_name: str, last_name: str, password: str) -> User:
    """A demo account with a verified address, created if missing (demo data only)."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        user, created = User.objects.get_or_create(email=email, defaults={
            "first_name": first_name, "last_name": last_name, "assurance_source": "demo-data"})
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def organisation_create(*, actor: User, name: str, kind: str, email: str = "", street: str = "",
                        postal_code: str = "", city: str = "") -> Organisation:
    """A citizen creates a company, shop, courier service or partner organisation and
    becomes its owner (a partner's roles need the business development office's
    approval). Offices are created by platform admins only."""
    if kind not in {OrganisationKind.COMPANY, OrganisationKind.SHOP, OrganisationKind.COURIER,
                    OrganisationKind.PARTNER}:
        raise PermissionDenied(_("Diese Art von Organisation kann nur die Stadtverwaltung anlegen."))
    name = name.strip()
    if not name:
        raise ValidationError(_("Bitte geben Sie einen Namen an."))
    with transaction.atomic():
        org = Organisation.objects.create(
            name=name, slug=_unique_slug(name), kind=kind, email=email, street=street,
            postal_code=postal_code, city=city,
        )
        Membership.objects.create(user=actor, organisation=org, role=OrgRole.OWNER)
        audit_log(actor=actor, action="organisation.created", subject=org, data={"kind": kind})
    return org


def _require_manager(actor: User, organisation: Organisation) -> None:
    if not can_manage_organisation(user=actor, organisation=organisation):
        raise PermissionDenied(_("Sie dürfen diese Organisation nicht verwalten."))


def invitation_create(*, actor: User, organisation: Organisation, email: str, role: str) -> Invitation:
    _require_manager(actor, organisation)
    email = email.strip().lower()
    if role not in OrgRole.values:
        raise ValidationError(_("Unbekannte Rolle."))
    if role == OrgRole.OWNER and membership_for(user=actor, organisation=organisation).role != OrgRole.OWNER:
        raise PermissionDenied(_("Nur Inhaber/innen können weitere Inhaber/innen einladen."))
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(_("Diese Person ist bereits Mitglied der Organisation."))
    from digitalstadt.mailbox.services import outbox_enqueue_template

    token = secrets.token_urlsafe(32)
    with transaction.atomic(), organisation_scope(organisation):
        # A new invitation replaces an open one for the same address.
        Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True,
                                  revoked_at__isnull=True).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, role=role, token_hash=_hash(token),
            invited_by=actor, expires_at=timezone.now() + INVITATION_VALIDITY,
        )
        existing = User.objects.filter(email__iexact=email).first()
        language = existing.language if existing else translation.get_language() or "de"
        with translation.override(language):
            link = absolute_url("accounts:invitation-accept", kwargs={"token": token})
            role_label = str(OrgRole(role).label)
        outbox_enqueue_template(
            to=email, template_prefix="accounts/email/invitation", language=language,
            context={"organisation": organisation, "inviter": actor, "link": link, "role": role_label,
                     "expires_at": invitation.expires_at, "platform_name": settings.PLATFORM_NAME},
            purpose="accounts:invitation",
        )
        audit_log(actor=actor, action="invitation.created", subject=invitation, data={"role": role})
    return invitation


def invitation_by_token(*, token: str) -> Invitation | None:
    # Looked up by its secret across organisations (the link names no organisation).
    return (Invitation.objects.with_scopes_disabled().select_related("organisation", "invited_by")
            .filter(token_hash=_hash(token)).first())


def invitation_accept(*, actor: User, token: str) -> Membership:
    with transaction.atomic():
        invitation = lock_first(Invitation.objects.with_scopes_disabled().filter(token_hash=_hash(token)))
        if invitation is None or not invitation.is_open:
            raise ValidationError(_("Diese Einladung ist ungültig, abgelaufen oder wurde bereits verwendet."))
        if invitation.email.lower() != actor.email.lower():
            raise PermissionDenied(
                _("Diese Einladung gilt für eine andere E-Mail-Adresse. Bitte melden Sie sich mit %(email)s an.")
                % {"email": invitation.email}
            )
        membership, _created = Membership.objects.get_or_create(
            user=actor, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = actor
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_log(actor=actor, action="invitation.accepted", subject=invitation)
    return membership


def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    _require_manager(actor, invitation.organisation)
    with transaction.atomic(), organisation_scope(invitation.organisation):
        Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(revoked_at=timezone.now())
        audit_log(actor=actor, action="invitation.revoked", subject=invitation)


def _owners_left_after(organisation: Organisation, membership: Membership, new_role: str | None) -> int:
    owners = Membership.objects.filter(organisation=organisation, role=OrgRole.OWNER).exclude(pk=membership.pk)
    return owners.count() + (1 if new_role == OrgRole.OWNER else 0)


def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    organisation = membership.organisation
    _require_manager(actor, organisation)
    if role not in OrgRole.values:
        raise ValidationError(_("Unbekannte Rolle."))
    actor_role = membership_for(user=actor, organisation=organisation).role
    if OrgRole.OWNER in (role, membership.role) and actor_role != OrgRole.OWNER:
        raise PermissionDenied(_("Nur Inhaber/innen können die Inhaberrolle vergeben oder entziehen."))
    with transaction.atomic():
        lock_rows(Membership.objects.filter(organisation=organisation))  # the last-owner rule, race-free
        if _owners_left_after(organisation, membership, role) == 0:
            raise ValidationError(_("Eine Organisation braucht mindestens eine Inhaberin oder einen Inhaber."))
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_log(actor=actor, action="membership.role_changed", subject=membership,
                  data_subject=membership.user, data={"from": old, "to": role})
    return membership


def membership_remove(*, actor: User, membership: Membership) -> None:
    organisation = membership.organisation
    if membership.user_id != actor.pk:
        _require_manager(actor, organisation)
        actor_role = membership_for(user=actor, organisation=organisation).role
        if membership.role == OrgRole.OWNER and actor_role != OrgRole.OWNER:
            raise PermissionDenied(_("Nur Inhaber/innen können Inhaber/innen entfernen."))
    with transaction.atomic():
        lock_rows(Membership.objects.filter(organisation=organisation))  # the last-owner rule, race-free
        if _owners_left_after(organisation, membership, None) == 0:
            raise ValidationError(_("Eine Organisation braucht mindestens eine Inhaberin oder einen Inhaber."))
        audit_log(actor=actor, action="membership.removed", subject=membership, data_subject=membership.user)
        membership.delete()


# --- API tokens ------------------------------------------------------------------------


# How long a new token lives (owners choose; at most a year, then a new one is issued).
API_TOKEN_LIFETIMES = (30, 90, 365)


def organisation_scopes(*, organisation: Organisation | None = None):
    """The scopes an organisation's machine tokens may hold (this organisation's, by its
    kind, when given)."""
    from digitalstadt.core.registry import api_scopes

    return [scope for scope in api_scopes.all()
            if scope.organisation and (organisation is None or scope.allows_organisation(organisation))]


def personal_scopes(*, user: User):
    """The scopes this staff member may put on a personal token: those whose
    `personal_for` says the person may do that themselves."""
    from digitalstadt.core.registry import api_scopes

    return [scope for scope in api_scopes.all() if scope.personal_for is not None and scope.personal_for(user)]


def _check_token_request(*, name: str, scopes, allowed, valid_days: int) -> tuple[str, list[str]]:
    from digitalstadt.core.registry import api_scopes

    name = name.strip()
    if not name:
        raise ValidationError(_("Bitte geben Sie eine Bezeichnung an."))
    scopes = sorted(set(scopes))
    unknown = set(scopes) - {scope.id for scope in api_scopes.all()}
    if unknown:
        raise ValidationError(_("Diese Berechtigung gibt es nicht: %(scopes)s") % {"scopes": ", ".join(sorted(unknown))})
    refused = set(scopes) - {scope.id for scope in allowed}
    if refused:
        raise PermissionDenied(_("Diese Berechtigung können Sie hier nicht vergeben: %(scopes)s")
                               % {"scopes": ", ".join(sorted(refused))})
    if valid_days not in API_TOKEN_LIFETIMES:
        raise ValidationError(_("Bitte wählen Sie eine der angebotenen Laufzeiten."))
    return name[:100], scopes


def _require_second_factor(actor: User) -> None:
    # A token acts without a person at the keyboard: whoever issues one must have
    # proved more than a password.
    if not has_second_factor(user=actor):
        raise PermissionDenied(_("Bitte richten Sie zuerst die Zwei-Faktor-Anmeldung ein. Erst dann können Sie "
                                 "API-Schlüssel erzeugen."))


def api_token_create(*, actor: User, organisation: Organisation, name: str, scopes=(),
                     valid_days: int = 90) -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is shown once and never stored. The
    token may do what its scopes (core.registry.api_scopes) allow, until it expires.
    Only owners and admins of the organisation who use a second factor issue tokens."""
    _require_manager(actor, organisation)
    _require_second_factor(actor)
    name, scopes = _check_token_request(name=name, scopes=scopes, allowed=organisation_scopes(organisation=organisation),
                                        valid_days=valid_days)
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            organisation=organisation, name=name, prefix=secret[:12], token_hash=_hash(secret),
            created_by=actor, scopes=scopes, expires_at=timezone.now() + timedelta(days=valid_days),
        )
        audit_log(actor=actor, action="api_token.created", subject=token,
                  data={"scopes": scopes, "valid_days": valid_days})
    return token, secret


def personal_token_create(*, actor: User, name: str, scopes=(), valid_days: int = 90) -> tuple[ApiToken, str]:
    """A staff member's token for a device: it acts in the person's name (the audit
    names them) and only with scopes the person may use themselves."""
    from .selectors import user_is_staff

    if not user_is_staff(user=actor):
        raise PermissionDenied(_("Persönliche API-Schlüssel gibt es nur für Beschäftigte der Stadt."))
    _require_second_factor(actor)
    name, scopes = _check_token_request(name=name, scopes=scopes, allowed=personal_scopes(user=actor),
                                        valid_days=valid_days)
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name, prefix=secret[:12], token_hash=_hash(secret), created_by=actor,
            scopes=scopes, expires_at=timezone.now() + timedelta(days=valid_days),
        )
        audit_log(actor=actor, action="api_token.personal_created", subject=token,
                  data={"scopes": scopes, "valid_days": valid_days})
    return token, secret


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.is_personal:
        if token.user_id != actor.pk:
            raise PermissionDenied(_("Das ist nicht Ihr Schlüssel."))
        ApiToken.objects.with_scopes_disabled().filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        audit_log(actor=actor, action="api_token.revoked", subject=token)
        return
    _require_manager(actor, token.organisation)
    with transaction.atomic(), organisation_scope(token.organisation):
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_log(actor=actor, action="api_token.revoked", subject=token)


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    if not secret or not secret.startswith(API_TOKEN_PREFIX):
        return None
    # Looked up by its secret across organisations; the token then names its organisation.
    tokens = ApiToken.objects.with_scopes_disabled()
    token = (tokens.select_related("organisation", "user").filter(token_hash=_hash(secret), revoked_at__isnull=True)
             .first())
    if token is not None and token.expires_at is not None and token.expires_at <= timezone.now():
        return None  # expired: the caller answers 401 like for an unknown token
    if token is not None and token.is_personal and not token.user.is_active:
        return None  # the person's account was switched off: so are their devices
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            tokens.filter(pk=token.pk).update(last_used_at=now)
    return token




class ApiTokenAuth(HttpBearer):
    """django-ninja authentication for API tokens (`Authorization: Bearer dst_...`),
    optionally for one scope: unknown, revoked or expired -> 401, a token without the
    scope -> 403, more than API_TOKEN_RATE_LIMIT calls per period -> 429.

    Organisation tokens set `request.organisation`; personal tokens set `request.user`
    to their owner (so the audit names the person) and need the scope to be still
    allowed for that person on every call (a withdrawn role stops the device)."""

    def __init__(self, scope: str | None = None):
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token):
        from digitalstadt.core.ratelimit import hit

        api_token = api_token_authenticate(secret=token)
        if api_token is None:
            return None
        limit, period = getattr(settings, "API_TOKEN_RATE_LIMIT", (600, 60))
        if not hit(scope="api-token", key=str(api_token.pk), limit=limit, period=period):
            raise HttpError(429, _("Zu viele Anfragen mit diesem Schlüssel. Bitte warten Sie eine Minute."))
        if self.scope is not None and self.scope not in (api_token.scopes or []):
            raise HttpError(403, _("Diesem Schlüssel fehlt die Berechtigung „%(scope)s“.") % {"scope": self.scope})
        request.api_token = api_token
        if api_token.is_personal:
            if self.scope is not None and self.scope not in {s.id for s in personal_scopes(user=api_token.user)}:
                raise HttpError(403, _("Die Person, der dieser Schlüssel gehört, darf das nicht mehr."))
            request.user = api_token.user
            request.organisation = None
        else:
            if self.scope is not None and self.scope not in {
                    s.id for s in organisation_scopes(organisation=api_token.organisation)}:
                raise HttpError(403, _("Organisationen dieser Art dürfen das nicht."))
            request.organisation = api_token.organisation
        return api_token
