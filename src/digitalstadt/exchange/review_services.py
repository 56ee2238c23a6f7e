"""The review queue: new members' posts (trust level 0) wait PENDING until a moderator
approves them (they become visible and are announced; the author is told) or rejects
them with a reason (status REMOVED; the author is told, with the reason)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows
from digitalstadt.core.urls_helpers import absolute_url

from .forum_services import ForumError, post_publish
from .models import ForumPost, ForumThread, ReviewDecision
from .permissions import is_moderator
from .types import PostStatus

__all__ = ["pending_posts", "review_approve", "review_reject"]


def pending_posts():
    return (ForumPost.objects.filter(status=PostStatus.PENDING)
            .select_related("thread__category", "author__forum_profile").order_by("created_at", "pk"))


def _locked_pending(actor: Any, post_id: int) -> ForumPost:
    if not is_moderator(actor):
        raise ForumError(_("Nur Moderatorinnen und Moderatoren können Beiträge prüfen."))
    rows = lock_rows(ForumPost.objects.filter(pk=post_id))
    post = rows[0] if rows else None
    if post is None or post.status != PostStatus.PENDING:
        raise ForumError(_("Dieser Beitrag wartet nicht mehr auf Prüfung."))
    return post


def _tell_author(post: ForumPost, decision: ReviewDecision) -> None:
    from django.conf import settings

    from digitalstadt.mailbox.services import outbox_enqueue

    author = post.author
    if author is None:
        return
    with translation.override(getattr(author, "language", "") or "de"):
        context = {"post": post, "thread": post.thread, "decision": decision, "platform_name": settings.PLATFORM_NAME,
                   "thread_url": absolute_url("exchange:thread", kwargs={"thread": post.thread_id})}
        subject = render_to_string("exchange/email/review_subject.txt", context).strip()
        body = render_to_string("exchange/email/review_message.txt", context)
    outbox_enqueue(to=author.email, subject=subject, body_text=body, purpose="exchange:review")


def review_approve(*, actor: Any, post_id: int) -> ForumPost:
    with transaction.atomic():
        post = _locked_pending(actor, post_id)
        # Approved once before and edited since: it was published (and notified) then.
        republished = ReviewDecision.objects.filter(post=post, outcome=ReviewDecision.Outcome.APPROVED).exists()
        post.status = PostStatus.VISIBLE
        post.save(update_fields=["status"])
        post.thread = ForumThread.objects.get(pk=post.thread_id)
        decision = ReviewDecision.objects.create(post=post, moderator=actor, outcome=ReviewDecision.Outcome.APPROVED,
                                                 decided_at=timezone.now())
        audit_log(actor=actor, action="exchange.post_approved", subject=post, data_subject=post.author)
        post_publish(post=post, republished=republished)
        _tell_author(post, decision)
    return post


def review_reject(*, actor: Any, post_id: int, reason: str) -> ForumPost:
    reason = " ".join((reason or "").split())[:500]
    if len(reason) < 5:
        raise ForumError(_("Bitte geben Sie eine Begründung an (mindestens 5 Zeichen)."))
    with transaction.atomic():
        post = _locked_pending(actor, post_id)
        post.status = PostStatus.REMOVED
        post.save(update_fields=["status"])
        if post.is_first:
            ForumThread.objects.filter(pk=post.thread_id).update(status=PostStatus.REMOVED)
        decision = ReviewDecision.objects.create(post=post, moderator=actor, outcome=ReviewDecision.Outcome.REJECTED,
                                                 reason=reason, decided_at=timezone.now())
        audit_log(actor=actor, action="exchange.post_rejected", subject=post, data_subject=post.author,
                  data={"reason": reason})
        _tell_author(post, decision)
    return post
