"""The knowledge base: toolkits (checklists, templates, guides) for small firms working
from home. A toolkit's text lives in numbered, immutable versions; the newest is the
current one, the older ones stay readable and downloadable. Downloads are counted per
day, version and format, without any personal data."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digitalstadt.business.types import Topic

__all__ = ["Toolkit", "ToolkitDownloadDay", "ToolkitVersion"]


class Toolkit(models.Model):
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    topic = models.CharField(_("Thema"), max_length=32, choices=Topic.choices)
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.CharField(_("Kurzbeschreibung"), max_length=300)
    # Where the content comes from (e.g. the BSI's recommendations), shown on every page
    # and in every download.
    source_note = models.TextField(_("Quellenhinweis"), blank=True)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Arbeitshilfe")
        verbose_name_plural = _("Arbeitshilfen")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class ToolkitVersion(models.Model):
    """One published text of a toolkit. Never changed after publishing: a correction is
    a new version. `body` is Markdown-lite (see exchange/knowledge_text.py), rendered
    escaped; the numbers run 1, 2, 3 … per toolkit (unique, so two editors publishing
    at once cannot both get the same number)."""

    toolkit = models.ForeignKey(Toolkit, on_delete=models.CASCADE, related_name="versions",
                                verbose_name=_("Arbeitshilfe"))
    number = models.PositiveIntegerField(_("Version"))
    body = models.TextField(_("Inhalt"))
    change_note = models.CharField(_("Änderungshinweis"), max_length=300)
    published_at = models.DateTimeField(_("veröffentlicht am"))
    published_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("veröffentlicht von"))

    class Meta:
        verbose_name = _("Version einer Arbeitshilfe")
        verbose_name_plural = _("Versionen von Arbeitshilfen")
        ordering = ["toolkit", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["toolkit", "number"], name="toolkit_version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="toolkit_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.toolkit} v{self.number}"


class ToolkitDownloadDay(models.Model):
    """How often a version was downloaded in a format on a day: a number, nothing about
    who downloaded it."""

    toolkit = models.ForeignKey(Toolkit, on_delete=models.CASCADE, related_name="download_days")
    number = models.PositiveIntegerField()
    format = models.CharField(max_length=8)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Downloads einer Arbeitshilfe (Tag)")
        verbose_name_plural = _("Downloads von Arbeitshilfen (Tage)")
        constraints = [models.UniqueConstraint(fields=["toolkit", "number", "format", "day"],
                                               name="toolkit_download_day_unique")]
