"""The exchange's public enums."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["PostStatus"]


class PostStatus(models.TextChoices):
    VISIBLE = "visible", _("sichtbar")
    # New members' first posts wait in the review queue until a moderator approves them.
    PENDING = "pending", _("wartet auf Prüfung")
    # Removed by a moderation decision (with a statement of reasons) or by its author.
    REMOVED = "removed", _("entfernt")
