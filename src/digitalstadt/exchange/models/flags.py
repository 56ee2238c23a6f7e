"""Notices (flags) on forum posts, moderation decisions with their statement of reasons
and appeals against them, after the EU Digital Services Act:

- a `ForumNotice` is a notice under Art. 16 DSA (illegal content, with explanation,
  location, the notifier's name and e-mail unless it concerns child sexual abuse
  material, and the statement of good faith) or a member's flag for another reason;
- a `ModerationDecision` is taken by a person on all open notices of one post, with the
  statement of reasons of Art. 17 DSA frozen as text (`statement`);
- a `ModerationAppeal` is the internal complaint of Art. 20 DSA, decided by another
  moderator than the one who decided.

The notifier's personal data is purged by the retention job a year after the decision."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..flag_types import AppealOutcome, AppellantRole, DecisionOutcome, NoticeReason, TermsRule

__all__ = ["ForumNotice", "ModerationAppeal", "ModerationDecision"]


class ModerationDecision(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    post = models.ForeignKey("exchange.ForumPost", on_delete=models.CASCADE, related_name="moderation_decisions")
    # The post's author when the decision was taken (the post may lose its author later).
    post_author = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    outcome = models.CharField(_("Entscheidung"), max_length=16, choices=DecisionOutcome.choices)
    # What was decided and its scope (the post, the thread; the whole forum).
    scope = models.CharField(_("Umfang"), max_length=300)
    facts = models.TextField(_("Tatsachen und Umstände"))
    terms_rule = models.CharField(_("Regel der Forumsbedingungen"), max_length=32, choices=TermsRule.choices,
                                  blank=True)
    legal_ground = models.CharField(_("Rechtsgrundlage"), max_length=300, blank=True)
    # Art. 17(3)(c): always False here (a person decides), recorded for the statement.
    automated = models.BooleanField(_("automatisiert"), default=False)
    statement = models.TextField(_("Begründung (Art. 17 DSA)"))
    decided_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField()
    appeal_until = models.DateTimeField()

    class Meta:
        verbose_name = _("Moderationsentscheidung")
        verbose_name_plural = _("Moderationsentscheidungen")
        ordering = ["-decided_at", "-pk"]


class ForumNotice(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    post = models.ForeignKey("exchange.ForumPost", on_delete=models.CASCADE, related_name="notices")
    # Whether the notice concerns the whole thread (flagged on its first post).
    concerns_thread = models.BooleanField(default=False)
    reason = models.CharField(_("Grund"), max_length=16, choices=NoticeReason.choices)
    explanation = models.TextField(_("Begründung"), blank=True)
    is_csam = models.BooleanField(_("betrifft Darstellungen sexuellen Kindesmissbrauchs"), default=False)
    good_faith = models.BooleanField(_("in gutem Glauben"), default=False)
    notifier = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="forum_notices")
    notifier_name = models.CharField(_("Name"), max_length=200, blank=True)
    notifier_email = models.EmailField(_("E-Mail"), blank=True)
    language = models.CharField(max_length=8, default="de")
    created_at = models.DateTimeField()
    decision = models.ForeignKey(ModerationDecision, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="notices")
    personal_data_purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        ordering = ["created_at", "pk"]
        constraints = [
            # The same person cannot flag the same post twice.
            models.UniqueConstraint(fields=["post", "notifier"], condition=Q(notifier__isnull=False),
                                    name="exchange_notice_once_per_person"),
        ]
        indexes = [models.Index(fields=["decision", "created_at"])]


class ModerationAppeal(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(ModerationDecision, on_delete=models.CASCADE, related_name="appeals")
    appellant = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    role = models.CharField(max_length=16, choices=AppellantRole.choices)
    grounds = models.TextField(_("Begründung des Einspruchs"))
    created_at = models.DateTimeField()
    outcome = models.CharField(_("Ergebnis"), max_length=16, choices=AppealOutcome.choices, blank=True)
    reasons = models.TextField(_("Begründung"), blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Einspruch gegen eine Moderationsentscheidung")
        verbose_name_plural = _("Einsprüche gegen Moderationsentscheidungen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "appellant"], condition=Q(appellant__isnull=False),
                                    name="exchange_appeal_once_per_person"),
        ]
