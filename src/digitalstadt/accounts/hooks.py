"""What accounts registers into core's registry (called from AccountsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import (
    Capability,
    RetentionPolicy,
    StaffArea,
    capabilities,
    register_audit_actions,
    retention_policies,
    staff_areas,
)

from . import selectors

AUDIT_ACTIONS = (
    ("account.signup", _("Konto registriert")),
    ("account.login", _("Angemeldet")),
    ("account.login_failed", _("Anmeldung fehlgeschlagen")),
    ("account.profile_changed", _("Eigenes Profil geändert")),
    ("account.assurance_raised", _("Vertrauensniveau erhöht (eID)")),
    ("organisation.created", _("Organisation angelegt")),
    ("invitation.created", _("Einladung in eine Organisation verschickt")),
    ("invitation.accepted", _("Einladung angenommen")),
    ("invitation.revoked", _("Einladung widerrufen")),
    ("membership.role_changed", _("Rolle eines Mitglieds geändert")),
    ("membership.removed", _("Mitglied aus der Organisation entfernt")),
    ("api_token.created", _("API-Schlüssel erstellt")),
    ("api_token.revoked", _("API-Schlüssel widerrufen")),
    ("api_token.personal_created", _("Persönlicher API-Schlüssel für ein Dienstgerät erstellt")),
    ("staff.invited", _("Konto der Stadtverwaltung angelegt und eingeladen")),
    ("staff.invitation_accepted", _("Einladung der Stadtverwaltung angenommen (Passwort gesetzt)")),
    ("staff.role_granted", _("Rolle der Stadtverwaltung vergeben")),
    ("staff.role_revoked", _("Rolle der Stadtverwaltung entzogen")),
    ("staff.mfa_reset", _("Zwei-Faktor-Anmeldung zurückgesetzt")),
    ("staff.deactivated", _("Konto der Stadtverwaltung deaktiviert")),
)


def _purge_closed_invitations(*, cutoff) -> int:
    from django.db.models import Q

    from .models import Invitation

    # A platform job: every organisation's closed invitations.
    return Invitation.objects.with_scopes_disabled().filter(
        Q(accepted_at__lt=cutoff) | Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)).delete()[0]


def _purge_unverified_accounts(*, cutoff) -> int:
    from allauth.account.models import EmailAddress
    from django.db.models import Exists, OuterRef

    from .models import User

    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return User.objects.filter(
        date_joined__lt=cutoff, last_login__isnull=True, is_staff=False, is_superuser=False,
        staff_roles__isnull=True, memberships__isnull=True,
    ).exclude(Exists(verified)).delete()[0]


def _session_passed_second_factor(*, request) -> bool:
    """Whether this signed-in session has a second factor behind it: staff-only details on
    public pages (a permit's plate on the verification page) need it, like /verwaltung/."""
    from allauth.mfa.models import Authenticator

    from .middleware import _session_passed_mfa

    user = request.user
    if not user.is_authenticated or not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return False
    return _session_passed_mfa(request, user)


def _may_hold_personal_tokens(user) -> bool:
    from .services import personal_scopes

    return bool(personal_scopes(user=user))


def _personal_token_counts(user) -> list:
    from django.utils import timezone
    from django.utils.translation import gettext

    from .selectors import personal_tokens_of

    return [(gettext("aktive Schlüssel"), personal_tokens_of(user=user).filter(
        revoked_at__isnull=True, expires_at__gt=timezone.now()).count())]


def register() -> None:
    register_audit_actions(AUDIT_ACTIONS)
    staff_areas.register(StaffArea("accounts.device_tokens", _("Schlüssel für Dienstgeräte"), "staff-tokens:list",
                                   _("Persönliche API-Schlüssel, z. B. für das Handgerät der Parkraumüberwachung"),
                                   _may_hold_personal_tokens, 800, counts=_personal_token_counts))
    retention_policies.register(RetentionPolicy(
        "invitations_closed", _("Angenommene, widerrufene oder abgelaufene Einladungen"), 90,
        _purge_closed_invitations))
    retention_policies.register(RetentionPolicy(
        "unverified_accounts", _("Konten, deren E-Mail-Adresse nie bestätigt wurde"), 14,
        _purge_unverified_accounts))
    capabilities.register(Capability("user_is_staff", selectors.user_is_staff))
    capabilities.register(Capability("user_is_platform_admin", selectors.is_platform_admin))
    capabilities.register(Capability("platform_admin_emails", selectors.platform_admin_emails))
    capabilities.register(Capability("session_passed_second_factor", _session_passed_second_factor))
    staff_areas.register(StaffArea(
        "accounts.staff_admin", _("Mitarbeitende und Rollen"), "staff-accounts:list",
        _("Konten der Stadtverwaltung anlegen, Rollen vergeben, Zwei-Faktor-Anmeldung zurücksetzen"),
        lambda user: selectors.is_platform_admin(user=user), 890))
