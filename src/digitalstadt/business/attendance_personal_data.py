"""A person's attendance, certificates and feedback for the GDPR export and erasure, and
the retention of check-in data and feedback comments.

Feedback is anonymous to the organiser; the link from an answer to its registration
only stops a second answer and goes with retention or erasure. Certificates are the
person's own documents (core.Document, owned by the user, erased with the account)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from .models import EventFeedback, Registration


def personal_export(*, user: Any) -> list[dict]:
    rows = []
    for registration in (Registration.objects.filter(participant=user)
                         .select_related("event_date__series", "certificate_document").order_by("pk")):
        feedback = EventFeedback.objects.filter(registration=registration).first()
        document = registration.certificate_document
        rows.append({
            "series": registration.event_date.series.title,
            "date": registration.event_date.starts_at.isoformat(),
            "status": registration.status,
            "checked_in_at": registration.checked_in_at.isoformat() if registration.checked_in_at else None,
            "has_ticket_code": bool(registration.checkin_code_hash),
            "certificate": {"uuid": str(document.uuid), "title": document.title,
                            "verification_id": document.verification_id} if document else None,
            "feedback": {"overall": feedback.overall, "usefulness": feedback.usefulness,
                         "would_recommend": feedback.would_recommend, "comment": feedback.comment,
                         "created_at": feedback.created_at.isoformat()} if feedback else None,
        })
    return rows


def personal_erase(*, user: Any) -> dict:
    """The ticket codes and check-in details go; feedback answers lose their comment and
    their link to the person (the scores stay in the organiser's anonymous averages)."""
    with transaction.atomic():
        registrations = Registration.objects.filter(participant=user)
        feedback = EventFeedback.objects.filter(registration__in=registrations).update(registration=None, comment="")
        checkins = registrations.filter(Q(checked_in_at__isnull=False) | ~Q(checkin_code_hash="")).update(
            checkin_code_hash="", checked_in_at=None, checked_in_by=None)
    return {"feedback_anonymised": feedback, "checkins_cleared": checkins}


def checkin_purge(*, cutoff) -> int:
    """Check-in details of dates that ended before the cutoff."""
    return Registration.objects.filter(event_date__ends_at__lt=cutoff).filter(
        Q(checked_in_at__isnull=False) | ~Q(checkin_code_hash="") | Q(checked_in_by__isnull=False)).update(
        checkin_code_hash="", checked_in_at=None, checked_in_by=None)


def feedback_purge(*, cutoff) -> int:
    """Feedback given before the cutoff loses its comment and its link to the registration."""
    return EventFeedback.objects.filter(created_at__lt=cutoff).filter(
        ~Q(comment="") | Q(registration__isnull=False)).update(comment="", registration=None)
