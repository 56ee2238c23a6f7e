"""What the moderation pages read: the queue (open notices per post), open appeals, the
moderation log, the transparency figures."""

from __future__ import annotations

import statistics
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from .flag_types import NoticeReason
from .models import ForumModerator, ForumNotice, ForumPost, ModerationAppeal, ModerationDecision


def queue() -> list[dict]:
    """Posts with open notices, oldest notice first, with the count per reason."""
    posts = (_with_open_notices()
             .annotate(open_count=Count("notices", filter=Q(notices__decision__isnull=True)),
                       first_notice=Min("notices__created_at", filter=Q(notices__decision__isnull=True)))
             .select_related("thread", "author").order_by("first_notice", "pk"))
    rows = []
    for post in posts[:200]:
        reasons = (ForumNotice.objects.filter(post=post, decision__isnull=True).values("reason")
                   .annotate(n=Count("pk")).order_by("reason"))
        rows.append({"post": post, "open_count": post.open_count, "first_notice": post.first_notice,
                     "reasons": [(NoticeReason(r["reason"]).label, r["n"]) for r in reasons]})
    return rows


def _with_open_notices() -> QuerySet[ForumPost]:
    return ForumPost.objects.filter(Exists(ForumNotice.objects.filter(post=OuterRef("pk"), decision__isnull=True)))


def open_notices(*, post: ForumPost) -> QuerySet[ForumNotice]:
    return ForumNotice.objects.filter(post=post, decision__isnull=True).order_by("created_at")


def open_post_count() -> int:
    return _with_open_notices().count()


def open_appeals(*, user: Any = None) -> QuerySet[ModerationAppeal]:
    appeals = ModerationAppeal.objects.filter(decided_at__isnull=True).select_related(
        "decision", "decision__post", "decision__post__thread")
    if user is not None:
        appeals = appeals.exclude(decision__decided_by=user).exclude(decision__post_author=user)
    return appeals.order_by("created_at")


def decision_by_uuid(*, uuid) -> ModerationDecision | None:
    return ModerationDecision.objects.select_related("post", "post__thread", "decided_by").filter(uuid=uuid).first()


def appeal_by_uuid(*, uuid) -> ModerationAppeal | None:
    return ModerationAppeal.objects.select_related("decision", "decision__post", "decision__post__thread").filter(
        uuid=uuid).first()


def post_by_pk(*, pk: int) -> ForumPost | None:
    return ForumPost.objects.select_related("thread", "author").filter(pk=pk).first()


def moderation_log(*, post: int | None = None, moderator: int | None = None, outcome: str = "") -> list[dict]:
    """Decisions and appeal outcomes, newest first."""
    decisions = ModerationDecision.objects.select_related("post", "post__thread", "decided_by")
    appeals = ModerationAppeal.objects.filter(decided_at__isnull=False).select_related(
        "decision__post", "decision__post__thread", "decided_by")
    if post:
        decisions, appeals = decisions.filter(post_id=post), appeals.filter(decision__post_id=post)
    if moderator:
        decisions, appeals = decisions.filter(decided_by_id=moderator), appeals.filter(decided_by_id=moderator)
    if outcome:
        decisions = decisions.filter(outcome=outcome)
        appeals = appeals.filter(outcome=outcome)
    rows = [{"kind": "decision", "at": d.decided_at, "post": d.post, "by": d.decided_by,
             "outcome": d.get_outcome_display(), "object": d} for d in decisions[:200]]
    rows += [{"kind": "appeal", "at": a.decided_at, "post": a.decision.post, "by": a.decided_by,
              "outcome": a.get_outcome_display(), "object": a} for a in appeals[:200]]
    return sorted(rows, key=lambda r: r["at"], reverse=True)[:200]


def log_moderators() -> list[tuple[int, str]]:
    from django.contrib.auth import get_user_model

    ids = set(ModerationDecision.objects.values_list("decided_by_id", flat=True)) | set(
        ModerationAppeal.objects.values_list("decided_by_id", flat=True))
    people = get_user_model().objects.filter(pk__in=[i for i in ids if i]).order_by("last_name", "first_name")
    return [(p.pk, p.get_full_name() or p.email) for p in people]


def moderators() -> QuerySet[ForumModerator]:
    return ForumModerator.objects.select_related("user", "organisation").order_by("user__last_name")


def moderator_by_pk(*, pk: int) -> ForumModerator | None:
    return ForumModerator.objects.select_related("user").filter(pk=pk).first()


def partner_organisations():
    # The organisation model through the moderator's relation (accounts has no selector
    # for organisations of one kind).
    organisation_model = ForumModerator._meta.get_field("organisation").related_model
    return organisation_model.objects.filter(kind="partner").order_by("name")


# --- transparency figures ----------------------------------------------------------


def notice_count() -> int:
    return ForumNotice.objects.count()


def decision_count() -> int:
    return ModerationDecision.objects.count()


def median_hours_to_decision() -> float | None:
    pairs = ForumNotice.objects.filter(decision__isnull=False).values_list("created_at", "decision__decided_at")
    hours = [(decided - created).total_seconds() / 3600 for created, decided in pairs[:10000]]
    return round(statistics.median(hours), 1) if hours else None
