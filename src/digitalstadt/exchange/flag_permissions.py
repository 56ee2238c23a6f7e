"""Who may flag a post. The forum part's trust levels will decide `user_may_flag(user)`
(flagging is unlocked by trust level); until then a signed-in member may flag. Point
`user_may_flag` at the forum's function once it exists: nothing else changes."""

from __future__ import annotations


def user_may_flag(user) -> bool:
    """Whether this person may flag for the members' reasons (spam, harassment, ...).
    Illegal-content notices (Art. 16 DSA) are open to everyone, also without an account."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def may_flag_post(user, post) -> bool:
    return user_may_flag(user) and post.author_id != user.pk
