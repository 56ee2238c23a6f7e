"""The notifier's and the author's data in notices, decisions and appeals: retention
(the notifier's name and e-mail a year after the decision), export and erasure."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from .models import ForumNotice, ModerationAppeal, ModerationDecision


def notices_purge(*, cutoff) -> int:
    """Notices decided before `cutoff`: the notifier's name, e-mail and account link go."""
    rows = ForumNotice.objects.filter(decision__decided_at__lt=cutoff, personal_data_purged_at__isnull=True)
    return rows.update(notifier=None, notifier_name="", notifier_email="", personal_data_purged_at=timezone.now())


def personal_export(*, user) -> dict:
    notices = ForumNotice.objects.filter(Q(notifier=user) | Q(notifier_email__iexact=user.email))
    decisions = ModerationDecision.objects.filter(post_author=user)
    appeals = ModerationAppeal.objects.filter(appellant=user)
    return {
        "notices": [{"post": n.post_id, "reason": n.reason, "explanation": n.explanation,
                     "name": n.notifier_name, "email": n.notifier_email, "created_at": n.created_at.isoformat(),
                     "decided": n.decision_id is not None} for n in notices],
        "decisions_on_my_posts": [{"post": d.post_id, "outcome": d.outcome, "statement": d.statement,
                                   "decided_at": d.decided_at.isoformat()} for d in decisions],
        "appeals": [{"decision": str(a.decision.uuid), "grounds": a.grounds, "outcome": a.outcome,
                     "reasons": a.reasons, "created_at": a.created_at.isoformat()} for a in appeals],
    }


def personal_erase(*, user) -> str:
    notices = ForumNotice.objects.filter(Q(notifier=user) | Q(notifier_email__iexact=user.email)).update(
        notifier=None, notifier_name="", notifier_email="", personal_data_purged_at=timezone.now())
    appeals = ModerationAppeal.objects.filter(appellant=user).update(appellant=None)
    decisions = ModerationDecision.objects.filter(post_author=user).update(post_author=None)
    return (f"notices anonymised: {notices}; appeals unlinked: {appeals}; decisions unlinked from the author: "
            f"{decisions} (the statements of reasons stay, without the person, as the moderation record)")
