"""Forum test data: categories, members of companies at a chosen trust level."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from digitalstadt.accounts.models import Organisation, OrganisationKind
from digitalstadt.accounts.tests.factories import CitizenFactory, OrganisationFactory
from digitalstadt.exchange.models import ForumCategory, ForumModerator, ForumPost, ForumTag, ForumThread
from digitalstadt.exchange.types import PostStatus


def category(slug="it-sicherheit-homeoffice", name="IT und Sicherheit im Homeoffice"):
    return ForumCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def tag(slug="richtlinie", name="Richtlinie"):
    return ForumTag.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def member(*, first_name="Anna", last_name="Meier", email=None, trusted=True, kind=OrganisationKind.COMPANY,
           organisation: Organisation | None = None):
    """A member of a company; `trusted`: at trust level 1 (3 visible posts, account 10
    days old), else a brand-new member (level 0)."""
    kwargs = {"first_name": first_name, "last_name": last_name}
    if email:
        kwargs["email"] = email
    user = CitizenFactory(**kwargs)
    if organisation is None:
        OrganisationFactory(owner=user, kind=kind)
    else:
        from digitalstadt.accounts.models import Membership, OrgRole

        Membership.objects.create(user=user, organisation=organisation, role=OrgRole.MEMBER)
    if trusted:
        user.date_joined = timezone.now() - dt.timedelta(days=10)
        user.save(update_fields=["date_joined"])
        cat = category("allgemeines", "Allgemeines")
        earlier = timezone.now() - dt.timedelta(days=9)
        thread = ForumThread.objects.create(category=cat, title=f"Vorstellung {user.pk}", author=user,
                                            created_at=earlier, last_activity_at=earlier)
        for i in range(3):
            ForumPost.objects.create(thread=thread, author=user, body=f"Hallo zusammen, Beitrag {i}",
                                     is_first=(i == 0), status=PostStatus.VISIBLE, created_at=earlier)
    return user


def moderator(**kwargs):
    user = member(trusted=False, first_name="Mona", last_name="Moderatorin", kind=OrganisationKind.PARTNER, **kwargs)
    ForumModerator.objects.create(user=user, appointed_at=timezone.now())
    return user
