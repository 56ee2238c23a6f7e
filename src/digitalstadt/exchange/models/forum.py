"""The forum where companies exchange experience: categories (the coaching topics and
more), threads (mostly questions, with one accepted answer), posts and tags.

A thread's first post carries its text. A post whose author erased their account keeps
its text (the thread stays readable) and loses its author (`author` empty). Status
changes (review, removal) go through the moderation services, never `save()`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digitalstadt.business.types import Topic

from ..types import PostStatus

__all__ = ["ForumCategory", "ForumPost", "ForumTag", "ForumThread"]


class ForumCategory(models.Model):
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    name = models.CharField(_("Name"), max_length=120)
    description = models.CharField(_("Beschreibung"), max_length=300, blank=True)
    # The coaching topic this category discusses (links to the events and toolkits).
    topic = models.CharField(_("Thema"), max_length=32, choices=Topic.choices, blank=True)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=100)

    class Meta:
        verbose_name = _("Forumskategorie")
        verbose_name_plural = _("Forumskategorien")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ForumTag(models.Model):
    slug = models.SlugField(_("Kurzname"), max_length=60, unique=True)
    name = models.CharField(_("Name"), max_length=60)

    class Meta:
        verbose_name = _("Schlagwort")
        verbose_name_plural = _("Schlagwörter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ForumThread(models.Model):
    category = models.ForeignKey(ForumCategory, on_delete=models.PROTECT, related_name="threads",
                                 verbose_name=_("Kategorie"))
    title = models.CharField(_("Titel"), max_length=200)
    author = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="forum_threads")
    tags = models.ManyToManyField(ForumTag, blank=True, related_name="threads", verbose_name=_("Schlagwörter"))
    is_question = models.BooleanField(_("Frage"), default=True)
    accepted_post = models.ForeignKey("ForumPost", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("akzeptierte Antwort"))
    status = models.CharField(_("Status"), max_length=16, choices=PostStatus.choices, default=PostStatus.VISIBLE)
    is_closed = models.BooleanField(_("geschlossen"), default=False)
    created_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Thema im Forum")
        verbose_name_plural = _("Themen im Forum")
        ordering = ["-last_activity_at", "-pk"]
        indexes = [models.Index(fields=["category", "status", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title


class ForumPost(models.Model):
    thread = models.ForeignKey(ForumThread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="forum_posts")
    body = models.TextField(_("Text"))
    is_first = models.BooleanField(default=False)
    status = models.CharField(_("Status"), max_length=16, choices=PostStatus.choices, default=PostStatus.VISIBLE)
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Beitrag")
        verbose_name_plural = _("Beiträge")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.thread} #{self.pk}"
