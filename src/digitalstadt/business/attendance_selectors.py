"""What the organiser and the participant see of attendance: the participant list of a
date, a participant's own tickets and certificates."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import EventDate, Registration, RegistrationStatus

# Who is on the participant list: those holding or having held a seat.
LISTED = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING_PAYMENT, RegistrationStatus.OFFERED)


def participant_list(*, event_date: EventDate) -> QuerySet[Registration]:
    """The date's participants (the caller has checked the organiser may see them)."""
    return (Registration.objects.filter(event_date=event_date, status__in=LISTED)
            .select_related("company").order_by("name", "pk"))


def attendance_counts(*, event_date: EventDate) -> dict[str, int]:
    confirmed = Registration.objects.filter(event_date=event_date, status=RegistrationStatus.CONFIRMED)
    return {"confirmed": confirmed.count(), "checked_in": confirmed.filter(checked_in_at__isnull=False).count(),
            "certificates": confirmed.filter(certificate_document__isnull=False).count()}


def own_registration(*, user: Any, registration_id: int) -> Registration | None:
    """A registration of the person themselves (their ticket), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (Registration.objects.filter(pk=registration_id, participant=user)
            .select_related("event_date__series__organiser", "event_date__venue", "certificate_document",
                            "company").first())


def own_certificates(*, user: Any) -> QuerySet[Registration]:
    """The person's registrations with a certificate of attendance, newest date first."""
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    return (Registration.objects.filter(participant=user, certificate_document__isnull=False)
            .select_related("event_date__series__organiser", "certificate_document")
            .order_by("-event_date__starts_at"))


def own_attended(*, user: Any) -> QuerySet[Registration]:
    """The person's confirmed registrations (tickets), newest date first."""
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    return (Registration.objects.filter(participant=user, status=RegistrationStatus.CONFIRMED)
            .select_related("event_date__series__organiser", "certificate_document")
            .order_by("-event_date__starts_at"))


def certificate_verification_details(*, document, user=None, ip_address=None) -> list[tuple[str, str]]:
    """What the public verification page shows for a certificate of attendance: the
    event and its date, never the person (the page is public)."""
    from django.utils import formats, timezone
    from django.utils.translation import gettext as _

    if document is None:
        return []
    registration = (Registration.objects.filter(certificate_document=document)
                    .select_related("event_date__series__organiser").first())
    if registration is None:
        return []
    event_date = registration.event_date
    return [(_("Veranstaltung"), event_date.series.title),
            (_("Termin"), formats.date_format(timezone.localtime(event_date.starts_at), "SHORT_DATE_FORMAT")),
            (_("Veranstalter"), event_date.series.organiser.name)]
