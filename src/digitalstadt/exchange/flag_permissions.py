"""Who may flag a post: the forum's trust levels decide (flagging is unlocked at trust
level 1, `exchange.trust.user_may_flag`); nobody flags their own post. Illegal-content
notices (Art. 16 DSA) are open to everyone, also without an account."""

from __future__ import annotations


def user_may_flag(user) -> bool:
    """Whether this person may flag for the members' reasons (spam, harassment, ...)."""
    from .trust import user_may_flag as trusted_enough

    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
                and trusted_enough(user))


def may_flag_post(user, post) -> bool:
    return user_may_flag(user) and post.author_id != user.pk
