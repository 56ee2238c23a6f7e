"""Notification levels per category and per thread (Discourse's four):

- watching: an e-mail for every new visible post;
- tracking: new posts in the daily digest;
- normal: e-mails only for @mentions and replies in one's own thread;
- muted: nothing, not even mentions or the digest.

A thread's level overrides its category's; without either the level is normal, and
authors watch their own threads from the start. Mails carry a signed link that mutes
the thread (or category) without logging in.

The digest (`digest_send`, periodic: `manage.py exchange_forum_digest`, daily) sends
each member the posts queued for them (DigestEntry, one row per member and post, so a
post reaches a member at most once) that are still visible and still tracked; running
it twice sends nothing new."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from digitalstadt.core.urls_helpers import absolute_url

from .forum_text import mentioned_handles
from .models import DigestEntry, ForumCategory, ForumPost, ForumThread, NotificationLevel, NotificationSetting
from .types import PostStatus

__all__ = ["digest_send", "level_for", "level_set", "mute_link", "mute_by_token", "post_published",
           "watch_own_thread"]

MAX_MENTIONS = 10
TOKEN_SALT = "exchange.forum.mute"
TOKEN_MAX_AGE = 60 * 60 * 24 * 180


def watch_own_thread(*, user: Any, thread: ForumThread) -> None:
    NotificationSetting.objects.get_or_create(user=user, thread=thread, category=None,
                                              defaults={"level": NotificationLevel.WATCHING,
                                                        "updated_at": timezone.now()})


def _setting(user: Any, *, thread: ForumThread | None = None, category: ForumCategory | None = None):
    return NotificationSetting.objects.filter(user=user, thread=thread, category=category).first()


def level_for(*, user: Any, thread: ForumThread | None = None, category: ForumCategory | None = None) -> str:
    """The member's effective level for a thread (its own level, else its category's) or
    for a category."""
    if not getattr(user, "is_authenticated", False):
        return NotificationLevel.NORMAL
    if thread is not None:
        found = _setting(user, thread=thread)
        if found is not None:
            return found.level
        category = thread.category
    found = _setting(user, category=category) if category is not None else None
    return found.level if found is not None else NotificationLevel.NORMAL


def level_set(*, user: Any, level: str, thread: ForumThread | None = None,
              category: ForumCategory | None = None) -> NotificationSetting:
    from digitalstadt.core.audit import audit_log

    if level not in NotificationLevel.values or (thread is None) == (category is None):
        raise ValueError("level and exactly one of thread and category")
    with transaction.atomic():
        setting, _created = NotificationSetting.objects.update_or_create(
            user=user, thread=thread, category=None if thread else category,
            defaults={"level": level, "updated_at": timezone.now()})
        if level == NotificationLevel.MUTED:
            # Muted means nothing, not even what is already queued for the digest.
            queued = DigestEntry.objects.filter(user=user, sent_at__isnull=True)
            queued = queued.filter(post__thread=thread) if thread else queued.filter(post__thread__category=category)
            queued.delete()
        audit_log(actor=user, action="exchange.notification_level_set", subject=thread or category,
                  data={"level": level})
    return setting


# --- mute links in e-mails ----------------------------------------------------------


def mute_link(*, user: Any, thread: ForumThread | None = None, category: ForumCategory | None = None) -> str:
    payload = {"u": user.pk, "t": thread.pk} if thread else {"u": user.pk, "c": category.pk}
    token = signing.dumps(payload, salt=TOKEN_SALT, compress=True)
    return absolute_url("exchange:mute", kwargs={"token": token})


def mute_target(token: str):
    """(user, thread, category) of a valid mute link, or None."""
    from django.contrib.auth import get_user_model

    User = get_user_model()

    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        user = User.objects.filter(pk=int(payload["u"]), is_active=True).first()
        thread = ForumThread.objects.filter(pk=int(payload["t"])).first() if "t" in payload else None
        category = ForumCategory.objects.filter(pk=int(payload["c"])).first() if "c" in payload else None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or (thread is None and category is None):
        return None
    return user, thread, category


def mute_by_token(token: str):
    target = mute_target(token)
    if target is None:
        return None
    user, thread, category = target
    level_set(user=user, level=NotificationLevel.MUTED, thread=thread, category=category)
    return target


# --- announcing a visible post --------------------------------------------------------


def _recipients(post: ForumPost) -> dict[int, tuple[Any, str]]:
    """Who hears of the post and how: user id -> (user, "mail:<reason>" | "digest")."""
    from django.contrib.auth import get_user_model

    User = get_user_model()

    from .forum_profiles import profiles_by_handle

    thread = post.thread
    ids = set(NotificationSetting.objects.filter(thread=thread).values_list("user_id", flat=True))
    ids |= set(NotificationSetting.objects.filter(category_id=thread.category_id).values_list("user_id", flat=True))
    mentioned = {p.user_id for p in profiles_by_handle(mentioned_handles(post.body)[:MAX_MENTIONS]).values()}
    ids |= mentioned
    if thread.author_id:
        ids.add(thread.author_id)
    ids.discard(post.author_id)
    thread_levels = dict(NotificationSetting.objects.filter(thread=thread, user_id__in=ids)
                         .values_list("user_id", "level"))
    category_levels = dict(NotificationSetting.objects.filter(category_id=thread.category_id, user_id__in=ids)
                           .values_list("user_id", "level"))
    out = {}
    for user in User.objects.filter(pk__in=ids, is_active=True):
        level = thread_levels.get(user.pk) or category_levels.get(user.pk) or NotificationLevel.NORMAL
        if level == NotificationLevel.MUTED:
            continue
        if level == NotificationLevel.WATCHING:
            out[user.pk] = (user, "mail:watching")
        elif user.pk in mentioned:
            out[user.pk] = (user, "mail:mention")
        elif user.pk == thread.author_id and not post.is_first:
            out[user.pk] = (user, "mail:reply")
        elif level == NotificationLevel.TRACKING:
            out[user.pk] = (user, "digest")
    return out


def _post_mail(user: Any, post: ForumPost, reason: str) -> None:
    from django.conf import settings

    from digitalstadt.mailbox.services import outbox_enqueue

    from .forum_profiles import display_name_for

    thread = post.thread
    with translation.override(getattr(user, "language", "") or "de"):
        context = {"post": post, "thread": thread, "reason": reason, "platform_name": settings.PLATFORM_NAME,
                   "author_name": display_name_for(post.author) if post.author else "",
                   "thread_url": absolute_url("exchange:thread", kwargs={"thread": thread.pk}) + f"#beitrag-{post.pk}",
                   "mute_url": mute_link(user=user, thread=thread)}
        subject = render_to_string("exchange/email/post_subject.txt", context).strip()
        body = render_to_string("exchange/email/post_message.txt", context)
    outbox_enqueue(to=user.email, subject=subject, body_text=body, purpose="exchange:post",
                   headers={"List-Unsubscribe": f"<{context['mute_url']}>"})


def post_published(*, post: ForumPost) -> None:
    """Immediate mails and digest entries for a post that just became visible (in the
    caller's transaction: the outbox is transactional)."""
    now = timezone.now()
    for user, how in _recipients(post).values():
        if how == "digest":
            DigestEntry.objects.get_or_create(user=user, post=post, defaults={"queued_at": now})
        else:
            _post_mail(user, post, how.split(":", 1)[1])


# --- the daily digest -----------------------------------------------------------------


def digest_send(*, limit: int = 1000) -> int:
    """One digest mail per member with queued posts; returns the number of mails."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    User = get_user_model()
    from digitalstadt.mailbox.services import outbox_enqueue

    sent = 0
    user_ids = list(DigestEntry.objects.filter(sent_at__isnull=True).values_list("user_id", flat=True)
                    .distinct()[:limit])
    for user in User.objects.filter(pk__in=user_ids):
        with transaction.atomic():
            from digitalstadt.core.locking import lock_rows

            entries = lock_rows(DigestEntry.objects.filter(user=user, sent_at__isnull=True)
                                .select_related("post__thread__category", "post__author"), of=("self",))
            now = timezone.now()
            posts = []
            for entry in entries:
                post = entry.post
                if (post.status == PostStatus.VISIBLE and post.thread.status == PostStatus.VISIBLE
                        and user.is_active
                        and level_for(user=user, thread=post.thread) == NotificationLevel.TRACKING):
                    posts.append(post)
            DigestEntry.objects.filter(pk__in=[e.pk for e in entries]).update(sent_at=now)
            if not posts:
                continue
            with translation.override(getattr(user, "language", "") or "de"):
                items = [{"post": p, "thread": p.thread,
                          "url": absolute_url("exchange:thread", kwargs={"thread": p.thread_id}) + f"#beitrag-{p.pk}",
                          "mute_url": mute_link(user=user, thread=p.thread)} for p in posts]
                context = {"items": items, "count": len(items), "platform_name": settings.PLATFORM_NAME,
                           "settings_url": absolute_url("exchange:index")}
                subject = render_to_string("exchange/email/digest_subject.txt", context).strip()
                body = render_to_string("exchange/email/digest_message.txt", context)
            outbox_enqueue(to=user.email, subject=subject, body_text=body, purpose="exchange:digest")
            sent += 1
    return sent
