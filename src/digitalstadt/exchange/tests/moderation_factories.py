"""Forum rows for the moderation tests, made directly (the forum's own pages and
services are another part): a category, a thread with its first post and a reply,
members, moderators."""

from __future__ import annotations

from django.utils import timezone

from digitalstadt.accounts.models import Membership, OrganisationKind, OrgRole, StaffRoleKind
from digitalstadt.accounts.tests.factories import CitizenFactory, OrganisationFactory, StaffFactory
from digitalstadt.exchange.models import ForumCategory, ForumModerator, ForumPost, ForumThread


def category(slug: str = "fuehrung-auf-distanz", name: str = "Führung auf Distanz") -> ForumCategory:
    return ForumCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def thread_with_reply(*, author=None, replier=None, title: str = "Wie führen wir Teams im Homeoffice?",
                      reply: str = "Sie haben keine Ahnung, Sie Dummkopf. Lesen Sie erst mal ein Buch."):
    """A thread (first post by `author`) with one reply by `replier`; returns (thread, first, reply)."""
    now = timezone.now()
    author = author or CitizenFactory(first_name="Anna", last_name="Autorin")
    replier = replier or CitizenFactory(first_name="Rolf", last_name="Rüpel")
    thread = ForumThread.objects.create(category=category(), title=title, author=author, created_at=now,
                                        last_activity_at=now)
    first = ForumPost.objects.create(thread=thread, author=author, is_first=True, created_at=now,
                                     body="Unser Team arbeitet seit März ganz im Homeoffice. Wie halten Sie "
                                          "den Kontakt?")
    second = ForumPost.objects.create(thread=thread, author=replier, body=reply, created_at=now)
    return thread, first, second


def member(**kwargs):
    """A member who may flag (trust level 1: three visible posts, ten days old)."""
    from .forum_factories import member as forum_member

    return forum_member(**kwargs)


def office_moderator(**kwargs):
    """Staff of the business development office (TOTP set up)."""
    kwargs.setdefault("first_name", "Wiebke")
    kwargs.setdefault("last_name", "Wirtschaft")
    return StaffFactory(role=StaffRoleKind.BUSINESS_DEVELOPMENT, **kwargs)


def partner_organisation(name: str = "House of IT", slug: str = "house-of-it"):
    return OrganisationFactory(kind=OrganisationKind.PARTNER, name=name, slug=slug)


def partner_moderator(*, organisation=None, **kwargs):
    organisation = organisation or partner_organisation()
    kwargs.setdefault("first_name", "Paula")
    kwargs.setdefault("last_name", "Partner")
    person = CitizenFactory(**kwargs)
    Membership.objects.create(user=person, organisation=organisation, role=OrgRole.MEMBER)
    ForumModerator.objects.create(user=person, organisation=organisation, appointed_at=timezone.now())
    return person
