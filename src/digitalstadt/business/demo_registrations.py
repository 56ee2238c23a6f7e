"""Demo registrations for the coachings and webinars (runs after business.demo, see
settings.DEMO_SEEDERS), so that the demo logins see filled lists:

- firma@ (owner of the demo company) has registered team@ and themself for the next
  House of IT date that takes registrations;
- a small House of IT workshop with 3 seats is full (three demo participants) and
  buerger@ is on its waiting list;
- a House of IT date three days before seeding took place: six demo participants
  (teilnahme1@ … teilnahme6@) were confirmed and checked in, five gave feedback (enough
  for the results page); the certificates are NOT issued, so partner@ can issue them.

Everything that the services accept is written through them; the past date and its
registrations are written as the services would (they refuse dates in the past).
Times are relative to the moment of seeding. Idempotent: each part is skipped when its
data is there."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from digitalstadt.accounts.selectors import organisation_by_slug, user_by_email
from digitalstadt.accounts.services import demo_user_ensure
from digitalstadt.core.audit import audit_log
from digitalstadt.core.scoping import unscoped

from .attendance_services import registration_ticket_code
from .demo import PARTNER_LOGIN, PASSWORD, _room_provider, _slug
from .feedback_services import feedback_submit
from .models import EventDate, EventDateStatus, EventFeedback, EventSeries, Registration, RegistrationStatus, Venue
from .registration_services import registration_create, registration_create_for_colleagues
from .types import EventFormat, Topic

PARTNER_SLUG = "house-of-it"
COMPANY_SLUG = "softwarehaus-bessungen"
COMPANY_OWNER = "firma@digitalstadt.example"
COLLEAGUE = "team@digitalstadt.example"
WAITING = "buerger@digitalstadt.example"

# The series (from business.demo) whose next date firma@ registers for, and the one of the past date.
UPCOMING_SERIES = "Führen auf Distanz: die ersten 100 Tage"
PAST_SERIES = "Sicher im Homeoffice: Passwörter, Updates, Phishing"
PAST_DAYS_AGO = 3

FULL_SERIES = "Phishing-Mails erkennen: Übungen am eigenen Rechner"
FULL_SUMMARY = "In kleiner Runde üben: echte Beispiele von Phishing-Mails prüfen und richtig melden."
FULL_SEATS = 3
FULL_DAYS_AHEAD = 5

# email, first name, last name (invented demo people)
PARTICIPANTS = [
    ("teilnahme1@digitalstadt.example", "Anna", "Albrecht"),
    ("teilnahme2@digitalstadt.example", "Bernd", "Becker"),
    ("teilnahme3@digitalstadt.example", "Canan", "Çelik"),
    ("teilnahme4@digitalstadt.example", "Dirk", "Dietz"),
    ("teilnahme5@digitalstadt.example", "Elif", "Ergün"),
    ("teilnahme6@digitalstadt.example", "Frank", "Fischer"),
]

# overall, usefulness, would recommend, comment (the first five participants answer)
FEEDBACK = [
    (5, 5, True, "Sehr praxisnah, die Checkliste nehmen wir direkt ins Team mit. (Demo-Daten)"),
    (4, 5, True, "Gute Beispiele zu Phishing; gern etwas mehr Zeit für Fragen. (Demo-Daten)"),
    (5, 4, True, ""),
    (4, 3, True, "Für uns als kleines Büro genau das richtige Niveau. (Demo-Daten)"),
    (3, 4, False, ""),
]


def seed(*, stdout=None) -> None:
    with unscoped():
        partner_org = organisation_by_slug(slug=PARTNER_SLUG)
        partner = user_by_email(email=PARTNER_LOGIN)
        if partner_org is None or partner is None:
            return  # business.demo has not run
        participants = [demo_user_ensure(email=email, first_name=first, last_name=last, password=PASSWORD)
                        for email, first, last in PARTICIPANTS]
        with transaction.atomic():
            _company_registrations(partner_org)
            _full_date(partner_org, partner, participants)
            _past_date(partner_org, partner, participants)
    if stdout is not None:
        stdout.write(f"business registrations: {Registration.objects.count()} registrations, "
                     f"{EventFeedback.objects.count()} feedback answers")


def _company_registrations(partner_org) -> None:
    """firma@ registers team@ and themself for the next House of IT date."""
    owner = user_by_email(email=COMPANY_OWNER)
    colleague = user_by_email(email=COLLEAGUE)
    company = organisation_by_slug(slug=COMPANY_SLUG)
    if owner is None or colleague is None or company is None:
        return
    if Registration.objects.filter(registered_by=owner, company=company).exists():
        return
    now = timezone.now()
    event_date = (EventDate.objects.filter(series__organiser=partner_org, series__title=UPCOMING_SERIES,
                                           series__is_published=True, status=EventDateStatus.SCHEDULED,
                                           registration_closes_at__gt=now)
                  .order_by("starts_at").first())
    if event_date is None:
        return
    registration_create_for_colleagues(event_date=event_date, company=company, participants=[colleague, owner],
                                       actor=owner)


def _full_date(partner_org, partner, participants) -> None:
    """A workshop with few seats, taken by three demo participants; buerger@ waits."""
    if EventSeries.objects.filter(organiser=partner_org, title=FULL_SERIES).exists():
        return
    venue = Venue.objects.filter(organiser=partner_org).order_by("pk").first()
    series = EventSeries.objects.create(
        organiser=partner_org, slug=_slug(FULL_SERIES), title=FULL_SERIES, summary=FULL_SUMMARY,
        topic=Topic.HOME_OFFICE_SECURITY, format=EventFormat.IN_PERSON, price_cents=0, is_published=True,
        description=FULL_SUMMARY + "\n\n(Demo-Daten)", created_by=partner,
        target_group="Mitarbeitende kleiner Unternehmen ohne eigene IT-Abteilung")
    starts = datetime.combine(timezone.localdate() + timedelta(days=FULL_DAYS_AHEAD), time(9),
                              tzinfo=timezone.get_current_timezone())
    event_date = EventDate.objects.create(
        series=series, starts_at=starts, ends_at=starts + timedelta(minutes=120), venue=venue, seats=FULL_SEATS,
        per_company_quota=2, registration_closes_at=starts - timedelta(days=1))
    for person in participants[-FULL_SEATS:]:
        registration_create(event_date=event_date, actor=person)
    waiting = user_by_email(email=WAITING)
    if waiting is not None:
        registration_create(event_date=event_date, actor=waiting)


def _past_date(partner_org, partner, participants) -> None:
    """A date that took place: everyone confirmed and checked in, five answers, no certificates."""
    if Registration.objects.filter(participant=participants[0], checked_in_at__isnull=False).exists():
        return
    series = EventSeries.objects.filter(organiser=partner_org, title=PAST_SERIES).first()
    if series is None:
        return
    venue = Venue.objects.filter(organiser=partner_org).order_by("pk").first()
    starts = datetime.combine(timezone.localdate() - timedelta(days=PAST_DAYS_AGO), time(14),
                              tzinfo=timezone.get_current_timezone())
    # Services refuse dates in the past: a demo row, as business.demo writes its dates.
    event_date = EventDate.objects.create(
        series=series, starts_at=starts, ends_at=starts + timedelta(minutes=120), venue=venue,
        room_provider=_room_provider(), seats=20, per_company_quota=3,
        registration_closes_at=starts - timedelta(days=1))
    for index, person in enumerate(participants):
        # As registration_create would have written it a week before the date.
        registration = Registration.objects.create(
            event_date=event_date, participant=person, name=person.get_full_name() or person.email,
            email=person.email, registered_by=person, price_cents=series.price_cents,
            status=RegistrationStatus.CONFIRMED, created_at=starts - timedelta(days=7, hours=index))
        audit_log(actor=person, action="business.registration_created", subject=registration, data_subject=person,
                  data={"event_date": event_date.pk, "status": registration.status, "company": None})
        registration_ticket_code(registration=registration)
        # As attendance_check_in would have written it at the door.
        registration.checked_in_at = starts - timedelta(minutes=15 - index)
        registration.checked_in_by = partner
        registration.save(update_fields=["checked_in_at", "checked_in_by"])
        audit_log(actor=partner, action="business.checked_in", subject=registration, data_subject=person,
                  data={"date": event_date.pk, "via": "list"})
    for person, (overall, usefulness, recommend, comment) in zip(participants, FEEDBACK):
        registration = Registration.objects.get(event_date=event_date, participant=person)
        feedback_submit(user=person, registration_id=registration.pk, overall=overall, usefulness=usefulness,
                        would_recommend=recommend, comment=comment)
