"""Trust levels: a new member is level 0, approved posts and age lift the level;
moderators are highest; flags and links unlock at level 1."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from digitalstadt.exchange.trust import trust_level, user_may_flag, user_may_post_links

from .forum_factories import member, moderator

pytestmark = pytest.mark.django_db


def test_new_member_is_level_0_and_may_neither_flag_nor_link():
    user = member(trusted=False)
    assert trust_level(user) == 0
    assert not user_may_flag(user) and not user_may_post_links(user)
    assert trust_level(AnonymousUser()) == 0 and not user_may_flag(AnonymousUser())


def test_three_visible_posts_and_two_days_make_level_1(clock):
    user = member(trusted=True)
    assert trust_level(user) == 1
    assert user_may_flag(user) and user_may_post_links(user)
    # Posts alone are not enough: an account a day old stays at level 0.
    young = member(trusted=True, first_name="Jung")
    young.date_joined = clock.now() - dt.timedelta(days=1)
    young.save()
    assert trust_level(young) == 0


def test_pending_and_removed_posts_do_not_count():
    from digitalstadt.exchange.models import ForumPost
    from digitalstadt.exchange.types import PostStatus

    user = member(trusted=True)
    ForumPost.objects.filter(author=user).update(status=PostStatus.PENDING)
    assert trust_level(user) == 0


def test_moderators_are_highest():
    assert trust_level(moderator()) == 3
