"""What accounts registers into core's registry (called from AccountsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import Capability, RetentionPolicy, capabilities, retention_policies

from . import selectors


def _purge_closed_invitations(*, cutoff) -> int:
    from django.db.models import Q

    from .models import Invitation

    return Invitation.objects.filter(
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


def register() -> None:
    retention_policies.register(RetentionPolicy(
        "invitations_closed", _("Angenommene, widerrufene oder abgelaufene Einladungen"), 90,
        _purge_closed_invitations))
    retention_policies.register(RetentionPolicy(
        "unverified_accounts", _("Konten, deren E-Mail-Adresse nie bestätigt wurde"), 14,
        _purge_unverified_accounts))
    capabilities.register(Capability("user_is_staff", selectors.user_is_staff))
    capabilities.register(Capability("user_is_platform_admin", selectors.is_platform_admin))
    capabilities.register(Capability("platform_admin_emails", selectors.platform_admin_emails))
