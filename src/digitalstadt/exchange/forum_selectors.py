"""Reads of the forum: categories, a category's threads, a thread's posts as a reader
sees them (others' pending posts hidden), who may write."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q

from .models import ForumCategory, ForumPost, ForumTag, ForumThread
from .permissions import is_moderator
from .types import PostStatus

__all__ = ["categories_with_counts", "category_by_slug", "questions_answered_count", "questions_asked_count",
           "thread_for_reader", "thread_posts_for_reader", "threads_page", "user_may_write"]

THREADS_PER_PAGE = 20
WRITER_ORGANISATION_KINDS = ("company", "partner")


def user_may_write(user: Any) -> bool:
    """Members of a company or a partner organisation, city staff and moderators write;
    everybody reads."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    from digitalstadt.accounts.selectors import organisations_for_user, user_is_staff

    if user_is_staff(user=user) or is_moderator(user):
        return True
    return organisations_for_user(user=user).filter(kind__in=WRITER_ORGANISATION_KINDS).exists()


def _visible_threads():
    return ForumThread.objects.filter(status=PostStatus.VISIBLE)


def categories_with_counts():
    return ForumCategory.objects.annotate(
        thread_count=Count("threads", filter=Q(threads__status=PostStatus.VISIBLE), distinct=True))


def category_by_slug(slug: str) -> ForumCategory | None:
    return ForumCategory.objects.filter(slug=slug).first()


def threads_page(*, category: ForumCategory, page: Any, tag: str = ""):
    """One page of the category's visible threads, newest activity first."""
    threads = (_visible_threads().filter(category=category).select_related("author__forum_profile")
               .prefetch_related("tags")
               .annotate(reply_count=Count("posts", filter=Q(posts__status=PostStatus.VISIBLE, posts__is_first=False)))
               .order_by("-last_activity_at", "-pk"))
    if tag:
        threads = threads.filter(tags__slug=tag)
    return Paginator(threads, THREADS_PER_PAGE).get_page(page)


def thread_for_reader(*, pk: int, user: Any) -> ForumThread | None:
    """The thread if this reader may see it: visible ones for all, a pending one for its
    author and moderators."""
    thread = ForumThread.objects.select_related("category", "author__forum_profile").filter(pk=pk).first()
    if thread is None or thread.status == PostStatus.VISIBLE:
        return thread
    if thread.status == PostStatus.PENDING and getattr(user, "is_authenticated", False) and (
            thread.author_id == user.pk or is_moderator(user)):
        return thread
    return None


def thread_posts_for_reader(*, thread: ForumThread, user: Any) -> list[ForumPost]:
    """The question first, then the accepted answer, then the others in order; pending
    posts only for their author (and moderators)."""
    shown = Q(status=PostStatus.VISIBLE)
    if getattr(user, "is_authenticated", False):
        shown |= Q(status=PostStatus.PENDING, author=user)
        if is_moderator(user):
            shown |= Q(status=PostStatus.PENDING)
    posts = list(thread.posts.filter(shown).select_related("author__forum_profile"))
    first = [p for p in posts if p.is_first]
    accepted = [p for p in posts if p.pk == thread.accepted_post_id and not p.is_first]
    rest = [p for p in posts if not p.is_first and p.pk != thread.accepted_post_id]
    return first + accepted + rest


def tags_all():
    return ForumTag.objects.all()


def questions_asked_count() -> int:
    return _visible_threads().filter(is_question=True).count()


def questions_answered_count() -> int:
    """Questions with an accepted answer, or at least one visible answer."""
    answered = ForumPost.objects.filter(thread=OuterRef("pk"), is_first=False, status=PostStatus.VISIBLE)
    return _visible_threads().filter(is_question=True).filter(
        Q(accepted_post__isnull=False) | Exists(answered)).count()


def questions_solved_count() -> int:
    return _visible_threads().filter(is_question=True, accepted_post__isnull=False).count()
