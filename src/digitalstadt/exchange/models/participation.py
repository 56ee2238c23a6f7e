"""Members' part in the forum: their public handle, notification levels per category and
per thread, the digest's bookkeeping and the review queue's decisions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["DigestEntry", "ForumProfile", "NotificationLevel", "NotificationSetting", "ReviewDecision"]


class ForumProfile(models.Model):
    """A member's public face in the forum: a stable handle for @mentions and a display
    name ("Anna M."), never the e-mail address. Made on the first post or visit."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="forum_profile")
    handle = models.SlugField(_("Name im Forum"), max_length=40, unique=True)
    display_name = models.CharField(_("Anzeigename"), max_length=80)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Forumsprofil")
        verbose_name_plural = _("Forumsprofile")

    def __str__(self) -> str:
        return self.display_name


class NotificationLevel(models.TextChoices):
    WATCHING = "watching", _("Beobachten")
    TRACKING = "tracking", _("Verfolgen")
    NORMAL = "normal", _("Normal")
    MUTED = "muted", _("Stummgeschaltet")


class NotificationSetting(models.Model):
    """A member's level for one category or one thread (exactly one of the two)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="forum_notification_settings")
    category = models.ForeignKey("exchange.ForumCategory", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    thread = models.ForeignKey("exchange.ForumThread", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="notification_settings")
    level = models.CharField(_("Benachrichtigung"), max_length=16, choices=NotificationLevel.choices)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Benachrichtigungseinstellung")
        verbose_name_plural = _("Benachrichtigungseinstellungen")
        constraints = [
            models.CheckConstraint(condition=models.Q(category__isnull=True) ^ models.Q(thread__isnull=True),
                                   name="exchange_notification_one_target"),
            models.UniqueConstraint(fields=["user", "category"], condition=models.Q(thread__isnull=True),
                                    name="exchange_notification_user_category"),
            models.UniqueConstraint(fields=["user", "thread"], condition=models.Q(category__isnull=True),
                                    name="exchange_notification_user_thread"),
        ]


class DigestEntry(models.Model):
    """One post waiting for (or sent in) one member's daily digest. Unique per member and
    post: a member gets each post at most once."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("exchange.ForumPost", on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Eintrag der Zusammenfassung")
        verbose_name_plural = _("Einträge der Zusammenfassung")
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="exchange_digest_once")]
        indexes = [models.Index(fields=["sent_at", "user"])]


class ReviewDecision(models.Model):
    """A moderator's decision on a post held for review (new members' posts)."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("freigegeben")
        REJECTED = "rejected", _("abgelehnt")

    post = models.ForeignKey("exchange.ForumPost", on_delete=models.CASCADE, related_name="review_decisions")
    moderator = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("Entscheidung"), max_length=16, choices=Outcome.choices)
    reason = models.CharField(_("Begründung"), max_length=500, blank=True)
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Prüfentscheidung")
        verbose_name_plural = _("Prüfentscheidungen")
        ordering = ["-decided_at"]
