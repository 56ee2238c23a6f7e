from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Message, MessageRead


def messages_for_user(*, user: Any) -> QuerySet[Message]:
    """Messages to the person and to every organisation the person belongs to,
    annotated with `is_read` for this person."""
    return (
        Message.objects.filter(
            Q(recipient_user=user) | Q(recipient_organisation__memberships__user=user)
        )
        .distinct()
        .annotate(is_read=Exists(MessageRead.objects.filter(message=OuterRef("pk"), user=user)))
        .select_related("recipient_organisation")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user: Any) -> int:
    return messages_for_user(user=user).filter(is_read=False).count()


def message_for_user(*, user: Any, uuid: Any) -> Message | None:
    """The message if this person may read it, else None (object-level permission)."""
    return messages_for_user(user=user).filter(uuid=uuid).prefetch_related("documents").first()


def has_messages(*, user: Any) -> bool:
    return Message.objects.filter(recipient_user=user).exists()
