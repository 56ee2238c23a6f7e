"""A member's forum data (GDPR): export of their threads, posts, handle and
notification settings; erasure keeps the posts (the discussions stay readable) without
their author, and deletes the handle, settings and digest bookkeeping."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import DigestEntry, ForumPost, ForumProfile, ForumThread, NotificationSetting, ReviewDecision

__all__ = ["digests_purge", "personal_erase", "personal_export"]


def personal_export(*, user: Any) -> dict:
    profile = ForumProfile.objects.filter(user=user).first()
    return {
        "profile": {"handle": profile.handle, "display_name": profile.display_name} if profile else None,
        "threads": [{"id": t.pk, "title": t.title, "category": t.category.slug, "created_at": t.created_at.isoformat()}
                    for t in ForumThread.objects.filter(author=user).select_related("category").order_by("pk")],
        "posts": [{"id": p.pk, "thread": p.thread_id, "body": p.body, "status": p.status,
                   "created_at": p.created_at.isoformat(),
                   "edited_at": p.edited_at.isoformat() if p.edited_at else None}
                  for p in ForumPost.objects.filter(author=user).order_by("pk")],
        "notification_settings": [{"thread": s.thread_id, "category": s.category_id, "level": s.level}
                                  for s in NotificationSetting.objects.filter(user=user).order_by("pk")],
    }


def personal_erase(*, user: Any) -> dict:
    with transaction.atomic():
        posts = ForumPost.objects.filter(author=user).update(author=None)
        threads = ForumThread.objects.filter(author=user).update(author=None)
        ReviewDecision.objects.filter(moderator=user).update(moderator=None)
        settings_deleted, _ = NotificationSetting.objects.filter(user=user).delete()
        DigestEntry.objects.filter(user=user).delete()
        ForumProfile.objects.filter(user=user).delete()
    return {"posts_anonymised": posts, "threads_anonymised": threads, "notification_settings_deleted":
            settings_deleted}


def digests_purge(*, cutoff) -> int:
    """The digest's bookkeeping of sent entries, older than the cutoff."""
    deleted, _ = DigestEntry.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
