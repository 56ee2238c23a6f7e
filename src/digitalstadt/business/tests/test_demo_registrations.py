"""The demo registrations (business.demo_registrations): the company owner's colleague
registrations, a full date with a waiting list, and a past date with checked-in
participants and enough feedback for the results page; seeding twice changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from digitalstadt.accounts.management.commands.seed_demo import Command as SeedDemo
from digitalstadt.accounts.selectors import user_by_email
from digitalstadt.business import demo, demo_registrations
from digitalstadt.business.feedback_selectors import MIN_ANSWERS
from digitalstadt.business.models import EventDate, EventFeedback, Registration, RegistrationStatus
from digitalstadt.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _counts():
    return (Registration.objects.count(), EventDate.objects.count(), EventFeedback.objects.count(),
            AuditEntry.objects.count())


def _past_date(clock):
    return EventDate.objects.get(ends_at__lt=clock.now(), registrations__isnull=False,
                                 registrations__participant__email="teilnahme1@digitalstadt.example")


def test_seeding_twice_gives_the_same_demo(clock, client):
    SeedDemo().seed_accounts()
    demo.seed()
    demo_registrations.seed()
    first = _counts()
    clock.shift(dt.timedelta(days=1))  # a later run: the relative times must not add anything
    demo.seed()
    demo_registrations.seed()
    assert _counts() == first

    firma = user_by_email(email="firma@digitalstadt.example")
    mine = Registration.objects.filter(registered_by=firma, status=RegistrationStatus.CONFIRMED)
    assert {r.email for r in mine} == {"firma@digitalstadt.example", "team@digitalstadt.example"}
    assert {r.event_date.series.organiser.slug for r in mine} == {"house-of-it"}
    assert all(r.event_date.starts_at > clock.now() for r in mine)

    full = Registration.objects.get(email="buerger@digitalstadt.example").event_date
    assert Registration.objects.get(email="buerger@digitalstadt.example").status == RegistrationStatus.WAITING
    assert full.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == full.seats == 3


def test_partner_sees_the_past_date_and_its_feedback(clock, client):
    SeedDemo().seed_accounts()
    demo.seed()
    demo_registrations.seed()
    past = _past_date(clock)
    assert past.series.organiser.slug == "house-of-it"
    client.force_login(user_by_email(email="partner@digitalstadt.example"))

    dates = client.get(reverse("business:attendance-dates", kwargs={"partner": "house-of-it"})).context["dates"]
    assert past in dates
    response = client.get(reverse("business:attendance-list", kwargs={"date_id": past.pk}))
    assert response.status_code == 200
    # Six checked in, no certificate yet: partner@ issues them in the demo.
    assert response.context["counts"] == {"confirmed": 6, "checked_in": 6, "certificates": 0}
    assert response.context["ended"]

    results = client.get(reverse("business:feedback-date", kwargs={"date_id": past.pk})).context["results"]
    assert results.shown and results.answers == 5 >= MIN_ANSWERS
    assert 1 <= results.overall_average <= 5
