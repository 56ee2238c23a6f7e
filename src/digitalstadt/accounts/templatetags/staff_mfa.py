"""Template helpers for the MFA settings pages (allauth's views, our templates)."""

from django import template

register = template.Library()


@register.filter
def totp_is_locked(user) -> bool:
    """Staff cannot switch off their own (last) authenticator app."""
    from allauth.mfa.models import Authenticator

    from ..staff_services import second_factor_removable

    if not getattr(user, "is_authenticated", False):
        return False
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return totp is not None and not second_factor_removable(user=user, authenticator=totp)
