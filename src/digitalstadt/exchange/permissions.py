"""Who may moderate the forum (used by the review queue and the flags)."""

from __future__ import annotations


def is_moderator(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from digitalstadt.accounts.selectors import user_has_staff_role

    if user_has_staff_role(user=user, role="business_development"):
        return True
    from digitalstadt.core.memo import memoized

    from .models import ForumModerator

    return memoized(("forum_moderator", user.pk), ForumModerator.objects.filter(user=user).exists)
