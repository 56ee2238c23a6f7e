"""Demo data of coachings and webinars: Darmstadt's partners of the business development
office (invented details are demo data) with approved event-organiser roles, one role
request waiting for wirtschaft@, the demo partner login partner@ (owner of House of IT),
venues with accessibility information, and series over the weeks after seeding.
Idempotent: nothing is added to a partner that already has series."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from digitalstadt.accounts.types import OrganisationKind
from digitalstadt.accounts.services import demo_user_ensure, organisation_ensure
from digitalstadt.core.scoping import unscoped

from .models import EventDate, EventSeries, PartnerRole, Venue
from .types import EventFormat, PartnerRoleKind, PartnerRoleStatus, Topic

PASSWORD = "Darmstadt-Demo-2026"
PARTNER_LOGIN = "partner@digitalstadt.example"

# slug, name, street, postal code, role status (None: no role yet)
PARTNERS = [
    ("house-of-it", "House of IT e. V. (Demo)", "Rheinstraße 75", "64295", PartnerRoleStatus.APPROVED),
    ("ihk-darmstadt", "IHK Darmstadt Rhein Main Neckar (Demo)", "Rheinstraße 89", "64295",
     PartnerRoleStatus.APPROVED),
    ("mittelstand-digital-darmstadt", "Mittelstand-Digital Zentrum Darmstadt (Demo)", "Magdalenenstraße 4",
     "64289", PartnerRoleStatus.APPROVED),
    ("heag", "HEAG Holding AG (Demo)", "Im Carree 1", "64283", PartnerRoleStatus.REQUESTED),
]

# partner slug, name, street, postal code, room, step-free, toilet, loop, note, lat, lon
VENUES = [
    ("house-of-it", "House of IT, Seminarraum", "Rheinstraße 75", "64295", "Raum 2.04", True, True, False,
     "Aufzug im Foyer, zwei Behindertenparkplätze vor dem Haus (Demo-Angabe).", "49.8724", "8.6389"),
    ("ihk-darmstadt", "IHK Darmstadt, Veranstaltungssaal", "Rheinstraße 89", "64295", "Saal 1", True, True, True,
     "Eingang ebenerdig über die Rheinstraße; Induktionsschleife im Saal (Demo-Angabe).", "49.8727", "8.6362"),
    ("mittelstand-digital-darmstadt", "Mittelstand-Digital Zentrum, Lernfabrik", "Magdalenenstraße 4", "64289",
     "", False, False, False, "Zwei Stufen am Eingang, mobile Rampe auf Nachfrage (Demo-Angabe).",
     "49.8768", "8.6571"),
]

# partner, title, summary, topic, format, price cents, venue index or None, day offsets, hour, minutes
SERIES = [
    ("house-of-it", "Führen auf Distanz: die ersten 100 Tage",
     "Wie Führungskräfte kleiner Teams Vertrauen, Ziele und Rückmeldung auf Distanz organisieren.",
     Topic.REMOTE_LEADERSHIP, EventFormat.WEBINAR, 0, None, (7, 21), 10, 90),
    ("house-of-it", "Sicher im Homeoffice: Passwörter, Updates, Phishing",
     "Die Grundregeln des BSI für das Arbeiten von zu Hause – praktisch erklärt.",
     Topic.HOME_OFFICE_SECURITY, EventFormat.HYBRID, 0, 0, (10, 31), 14, 120),
    ("ihk-darmstadt", "Neue Mitarbeitende online einarbeiten",
     "Checklisten, Patenschaften und die ersten Wochen: Onboarding, wenn das Team verteilt arbeitet.",
     Topic.ONLINE_ONBOARDING, EventFormat.IN_PERSON, 4900, 1, (14,), 9, 180),
    ("ihk-darmstadt", "Remote Onboarding for international hires",
     "Onboarding international staff remotely: contracts, tools and culture.",
     Topic.ONLINE_ONBOARDING, EventFormat.WEBINAR, 0, None, (17,), 16, 60),
    ("mittelstand-digital-darmstadt", "Teamzusammenhalt im hybriden Alltag",
     "Rituale, Begegnungen und Werkzeuge, damit ein Team zusammenbleibt, auch wenn es selten im Büro ist.",
     Topic.TEAM_COHESION, EventFormat.IN_PERSON, 0, 2, (12, 26), 13, 150),
]

REASONS = {
    PartnerRoleStatus.APPROVED: "Wir bieten seit Jahren Weiterbildungen für kleine und mittlere Unternehmen in "
                                "Darmstadt an. (Demo-Daten)",
    PartnerRoleStatus.REQUESTED: "Wir möchten Coachings zum mobilen Arbeiten für die Unternehmen der Region "
                                 "anbieten. (Demo-Daten)",
}


def seed(*, stdout=None) -> None:
    owner = demo_user_ensure(email=PARTNER_LOGIN, first_name="Petra", last_name="Partner", password=PASSWORD)
    office_user = _office_user()
    now = timezone.now()
    with transaction.atomic(), unscoped():
        orgs = {}
        for slug, name, street, plz, status in PARTNERS:
            org = organisation_ensure(slug=slug, name=name, kind=OrganisationKind.PARTNER, street=street,
                                      postal_code=plz, city="Darmstadt",
                                      owner=owner if slug == "house-of-it" else None)
            orgs[slug] = org
            role, created = PartnerRole.objects.get_or_create(
                organisation=org, kind=PartnerRoleKind.EVENT_ORGANISER,
                defaults={"status": status, "reason": REASONS[status], "requested_by": owner})
            if created and status == PartnerRoleStatus.APPROVED:
                role.decided_by, role.decided_at = office_user, now
                role.decision_note = "Freigegeben (Demo-Daten)."
                role.save()
        venues = []
        for slug, name, street, plz, room, step, toilet, loop, note, lat, lon in VENUES:
            venue, _ = Venue.objects.get_or_create(organiser=orgs[slug], name=name, defaults={
                "street": street, "postal_code": plz, "city": "Darmstadt", "room": room, "step_free": step,
                "accessible_toilet": toilet, "hearing_loop": loop, "accessibility_note": note,
                "latitude": Decimal(lat), "longitude": Decimal(lon)})
            venues.append(venue)
        today = timezone.localdate()
        tz = timezone.get_current_timezone()
        for slug, title, summary, topic, fmt, price, venue_index, offsets, hour, minutes in SERIES:
            if EventSeries.objects.filter(organiser=orgs[slug], title=title).exists():
                continue
            series = EventSeries.objects.create(
                organiser=orgs[slug], slug=_slug(title), title=title, summary=summary, topic=topic, format=fmt,
                language="en" if title.startswith("Remote") else "de", price_cents=price, is_published=True,
                description=summary + "\n\n(Demo-Daten)", created_by=owner,
                target_group="Geschäftsführungen und Teamleitungen kleiner und mittlerer Unternehmen")
            for offset in offsets:
                starts = datetime.combine(today + timedelta(days=offset), time(hour), tzinfo=tz)
                EventDate.objects.create(
                    series=series, starts_at=starts, ends_at=starts + timedelta(minutes=minutes),
                    venue=venues[venue_index] if venue_index is not None else None,
                    room_provider="" if fmt == EventFormat.IN_PERSON else _room_provider(),
                    seats=20 if fmt == EventFormat.IN_PERSON else 40, per_company_quota=3,
                    registration_closes_at=starts - timedelta(days=1))
    if stdout is not None:
        stdout.write(f"business: {EventSeries.objects.count()} event series, {EventDate.objects.count()} dates")


def _slug(title: str) -> str:
    from django.utils.text import slugify

    base = slugify(title)[:80]
    slug, n = base, 2
    while EventSeries.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _room_provider() -> str:
    """The first enabled room provider, or none while no provider is registered."""
    from .rooms import room_providers

    choices = room_providers.choices()
    return choices[0][0] if choices else ""


def _office_user():
    from digitalstadt.accounts.selectors import user_by_email

    return user_by_email(email="wirtschaft@digitalstadt.example")
