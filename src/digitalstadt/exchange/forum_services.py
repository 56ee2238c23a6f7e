"""Writes of the forum: asking, replying, editing one's own post, accepting an answer.
Every write checks who may do it, runs in one transaction and writes an audit row. A
new member's post (trust level 0) is saved PENDING and waits in the review queue;
a visible post is indexed for search and announced (notifications)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log

from . import forum_text, notifications, search
from .forum_profiles import profile_for
from .forum_selectors import user_may_write
from .models import ForumCategory, ForumPost, ForumTag, ForumThread
from .permissions import is_moderator
from .trust import user_may_post_links, user_posts_held_for_review
from .types import PostStatus

__all__ = ["ForumError", "post_edit", "post_publish", "post_reply", "thread_accept_answer", "thread_create"]

MAX_TITLE = 200
MAX_BODY = 20000
MIN_BODY = 10
MAX_TAGS = 5


class ForumError(Exception):
    """A write the forum refuses, with a message for the member."""


def _check_writer(user: Any) -> None:
    if not user_may_write(user):
        raise ForumError(_("Schreiben können Mitglieder eines Unternehmens oder einer Partnerorganisation."))


def _clean_body(user: Any, body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if len(body) < MIN_BODY:
        raise ForumError(_("Bitte schreiben Sie mindestens %(n)d Zeichen.") % {"n": MIN_BODY})
    if len(body) > MAX_BODY:
        raise ForumError(_("Der Text ist zu lang (höchstens %(n)d Zeichen).") % {"n": MAX_BODY})
    if forum_text.contains_link(body) and not user_may_post_links(user):
        raise ForumError(_("Links können Sie ab Vertrauensstufe 1 einfügen, also nach einigen freigegebenen "
                           "Beiträgen. Bitte entfernen Sie den Link."))
    return body


def _status_for(user: Any) -> str:
    return PostStatus.PENDING if user_posts_held_for_review(user) else PostStatus.VISIBLE


def thread_create(*, author: Any, category: ForumCategory, title: str, body: str,
                  tags: list[ForumTag] | None = None, is_question: bool = True) -> ForumThread:
    _check_writer(author)
    title = " ".join((title or "").split())
    if len(title) < 5 or len(title) > MAX_TITLE:
        raise ForumError(_("Bitte geben Sie einen Titel mit 5 bis %(n)d Zeichen an.") % {"n": MAX_TITLE})
    if forum_text.contains_link(title):
        raise ForumError(_("Der Titel darf keinen Link enthalten."))
    body = _clean_body(author, body)
    tags = list(tags or [])[:MAX_TAGS]
    profile_for(author)
    now = timezone.now()
    status = _status_for(author)
    with transaction.atomic():
        thread = ForumThread.objects.create(category=category, title=title, author=author, is_question=is_question,
                                            status=status, created_at=now, last_activity_at=now)
        thread.tags.set(tags)
        post = ForumPost.objects.create(thread=thread, author=author, body=body, is_first=True, status=status,
                                        created_at=now)
        notifications.watch_own_thread(user=author, thread=thread)
        audit_log(actor=author, action="exchange.thread_created", subject=thread,
                  data={"post": post.pk, "status": status, "category": category.slug})
        if status == PostStatus.VISIBLE:
            post_publish(post=post)
    return thread


def post_reply(*, author: Any, thread: ForumThread, body: str) -> ForumPost:
    _check_writer(author)
    if thread.status != PostStatus.VISIBLE:
        raise ForumError(_("Auf dieses Thema kann noch nicht geantwortet werden."))
    if thread.is_closed:
        raise ForumError(_("Dieses Thema ist geschlossen."))
    body = _clean_body(author, body)
    profile_for(author)
    status = _status_for(author)
    with transaction.atomic():
        post = ForumPost.objects.create(thread=thread, author=author, body=body, status=status,
                                        created_at=timezone.now())
        audit_log(actor=author, action="exchange.post_created", subject=post,
                  data={"thread": thread.pk, "status": status})
        if status == PostStatus.VISIBLE:
            post_publish(post=post)
    return post


def post_publish(*, post: ForumPost, republished: bool = False) -> None:
    """A post became visible (written by a trusted member, or approved): the thread's
    activity, the search index, the notifications. An edited post approved again
    (`republished`) is re-indexed only: its readers were told when it first appeared,
    and the thread's activity does not go back to the post's first time."""
    thread = post.thread
    if post.is_first and thread.status != PostStatus.VISIBLE:
        ForumThread.objects.filter(pk=thread.pk).update(status=PostStatus.VISIBLE)
        thread.status = PostStatus.VISIBLE
    search.index_post(post=post)
    if republished:
        return
    ForumThread.objects.filter(pk=thread.pk).update(last_activity_at=post.created_at)
    notifications.post_published(post=post)


def post_edit(*, actor: Any, post: ForumPost, body: str, title: str | None = None) -> ForumPost:
    """The author edits their own post (a moderator may too); the edited time is shown.
    A new member's edit of an approved post goes back to the review queue."""
    if not getattr(actor, "is_authenticated", False) or (post.author_id != actor.pk and not is_moderator(actor)):
        raise ForumError(_("Sie können nur Ihre eigenen Beiträge bearbeiten."))
    if post.status == PostStatus.REMOVED:
        raise ForumError(_("Dieser Beitrag wurde entfernt und kann nicht bearbeitet werden."))
    body = _clean_body(actor, body)
    with transaction.atomic():
        post = ForumPost.objects.select_for_update().get(pk=post.pk)
        post.body = body
        post.edited_at = timezone.now()
        fields = ["body", "edited_at"]
        if post.author_id == actor.pk and post.status == PostStatus.VISIBLE and user_posts_held_for_review(actor):
            post.status = PostStatus.PENDING
            fields.append("status")
        post.save(update_fields=fields)
        if title is not None and post.is_first:
            title = " ".join(title.split())
            if 5 <= len(title) <= MAX_TITLE and not forum_text.contains_link(title):
                ForumThread.objects.filter(pk=post.thread_id).update(title=title)
        audit_log(actor=actor, action="exchange.post_edited", subject=post, data={"status": post.status})
        search.index_post(post=post)
    return post


def thread_accept_answer(*, actor: Any, thread: ForumThread, post: ForumPost | None) -> ForumThread:
    """The question's author (or a moderator) accepts one answer, changes it, or takes
    the acceptance back (`post` None)."""
    if not getattr(actor, "is_authenticated", False) or (thread.author_id != actor.pk and not is_moderator(actor)):
        raise ForumError(_("Nur wer die Frage gestellt hat, kann eine Antwort akzeptieren."))
    if post is not None and (post.thread_id != thread.pk or post.is_first or post.status != PostStatus.VISIBLE):
        raise ForumError(_("Diese Antwort kann nicht akzeptiert werden."))
    with transaction.atomic():
        ForumThread.objects.filter(pk=thread.pk).update(accepted_post=post)
        thread.accepted_post = post
        audit_log(actor=actor, action="exchange.answer_accepted", subject=thread,
                  data={"post": post.pk if post else None})
    return thread
