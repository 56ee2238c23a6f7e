"""Who moderates the forum: staff of the business development office always; people
from partner organisations once the office appoints them (a ForumModerator row)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ForumModerator"]


class ForumModerator(models.Model):
    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="forum_moderator")
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("für die Partnerorganisation"))
    appointed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    appointed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Moderator/in")
        verbose_name_plural = _("Moderatorinnen und Moderatoren")

    def __str__(self) -> str:
        return str(self.user)
