"""The exchange's public reads for other apps (the event pages link to the toolkits of
their topic)."""

from __future__ import annotations


def toolkits_for_topic(*, topic: str) -> list:
    """The published toolkits on `topic` (each with `current_number`), in their order;
    link to them with `reverse("knowledge:toolkit", kwargs={"slug": toolkit.slug})`."""
    from .knowledge_selectors import toolkits

    return toolkits(topic=topic)
