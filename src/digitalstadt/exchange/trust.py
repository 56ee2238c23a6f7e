"""Trust levels, Discourse-like and kept simple. Computed from what a member has done,
never stored (so a removed post lowers the level again):

- 0 new member: every post waits in the review queue; no links, no images, no flags.
- 1 member: at least 3 visible (approved) posts and an account at least 2 days old;
  posts appear at once, may contain links; may flag posts.
- 2 regular: at least 15 visible posts and an account at least 30 days old. (Images
  are not supported yet: level 2 unlocks nothing beyond level 1 for now.)
- 3 moderator: staff of the business development office and appointed moderators.

Other parts (the flags) ask `trust_level(user)` and `user_may_flag(user)`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from .permissions import is_moderator
from .types import PostStatus

__all__ = ["LEVEL_MEMBER", "LEVEL_MODERATOR", "LEVEL_NEW", "LEVEL_REGULAR", "trust_level", "user_may_flag",
           "user_may_post_links", "user_posts_held_for_review"]

LEVEL_NEW, LEVEL_MEMBER, LEVEL_REGULAR, LEVEL_MODERATOR = 0, 1, 2, 3
# (level, visible posts, account age) in ascending order.
THRESHOLDS = ((LEVEL_MEMBER, 3, dt.timedelta(days=2)), (LEVEL_REGULAR, 15, dt.timedelta(days=30)))


def trust_level(user: Any) -> int:
    """The member's trust level now (0 for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return LEVEL_NEW
    if is_moderator(user):
        return LEVEL_MODERATOR
    from .models import ForumPost

    visible = ForumPost.objects.filter(author=user, status=PostStatus.VISIBLE).count()
    age = timezone.now() - user.date_joined
    level = LEVEL_NEW
    for candidate, posts, min_age in THRESHOLDS:
        if visible >= posts and age >= min_age:
            level = candidate
    return level


def user_may_post_links(user: Any) -> bool:
    return trust_level(user) >= LEVEL_MEMBER


def user_may_flag(user: Any) -> bool:
    return trust_level(user) >= LEVEL_MEMBER


def user_posts_held_for_review(user: Any) -> bool:
    return trust_level(user) == LEVEL_NEW
