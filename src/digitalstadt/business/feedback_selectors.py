"""Aggregated feedback of a date or a series. Nothing is shown below MIN_ANSWERS answers
(a handful of answers would point at the people who gave them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q, QuerySet

from .models import EventDate, EventFeedback, EventSeries

MIN_ANSWERS = 5


@dataclass(frozen=True)
class FeedbackResults:
    answers: int
    shown: bool
    overall_average: float | None = None
    usefulness_average: float | None = None
    recommend_share: float | None = None
    overall_distribution: list[tuple[int, int]] = field(default_factory=list)
    usefulness_distribution: list[tuple[int, int]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def min_answers(self) -> int:
        return MIN_ANSWERS


def _results(feedback: QuerySet[EventFeedback]) -> FeedbackResults:
    answers = feedback.count()
    if answers < MIN_ANSWERS:
        return FeedbackResults(answers=answers, shown=False)
    summary = feedback.aggregate(overall=Avg("overall"), usefulness=Avg("usefulness"),
                                 recommend=Count("pk", filter=Q(would_recommend=True)))

    def distribution(name):
        counts = dict(feedback.values_list(name).annotate(n=Count("pk")).values_list(name, "n"))
        return [(score, counts.get(score, 0)) for score in range(5, 0, -1)]

    comments = [c for c in feedback.exclude(comment="").order_by("?").values_list("comment", flat=True)]
    return FeedbackResults(
        answers=answers, shown=True, overall_average=round(summary["overall"], 1),
        usefulness_average=round(summary["usefulness"], 1), recommend_share=summary["recommend"] / answers,
        overall_distribution=distribution("overall"), usefulness_distribution=distribution("usefulness"),
        comments=comments)


def user_may_see_feedback(*, user: Any, organisation: Any) -> bool:
    """The organising partner's managers, and the business development office's staff."""
    from digitalstadt.accounts.selectors import user_has_staff_role

    from .attendance_services import user_may_organise

    return user_may_organise(user=user, organisation=organisation) or (
        getattr(user, "is_authenticated", False) and user_has_staff_role(user=user, role="business_development"))


def date_feedback_results(*, user: Any, event_date: EventDate) -> FeedbackResults:
    if not user_may_see_feedback(user=user, organisation=event_date.series.organiser):
        raise PermissionDenied
    return _results(EventFeedback.objects.filter(event_date=event_date))


def series_feedback_results(*, user: Any, series: EventSeries) -> FeedbackResults:
    if not user_may_see_feedback(user=user, organisation=series.organiser):
        raise PermissionDenied
    # Only dates that reached the threshold themselves: otherwise the series' figures minus
    # a shown date's would reveal the answers (and comments) of a date below it.
    shown_dates = (EventDate.objects.filter(series=series).annotate(n=Count("feedback"))
                   .filter(n__gte=MIN_ANSWERS).values("pk"))
    return _results(EventFeedback.objects.filter(event_date__in=shown_dates))


def feedback_answer_count() -> int:
    return EventFeedback.objects.count()


def feedback_overall_average() -> float | None:
    value = EventFeedback.objects.aggregate(avg=Avg("overall"))["avg"]
    return round(value, 2) if value is not None else None
