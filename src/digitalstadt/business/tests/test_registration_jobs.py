"""The periodic job runs the expiry and the reminders; running it twice changes nothing."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.business import registration_services as services
from digitalstadt.business.models import RegistrationStatus

from .factories import make_date

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("business_registrations_due", stdout=out)
    return out.getvalue().strip()


def test_periodic_job_expires_offers_and_reminds(clock):
    date = make_date(seats=1, days_ahead=1.5)
    anna, ben = CitizenFactory(), CitizenFactory()
    first = services.registration_create(event_date=date, actor=anna)
    second = services.registration_create(event_date=date, actor=ben)
    services.registration_cancel(registration=first, actor=anna)  # offered to Ben for 24 h
    clock.shift(timedelta(hours=24, minutes=1))
    assert _run() == "expired: 1, reminders: 0 day, 0 hour"
    second.refresh_from_db()
    assert second.status == RegistrationStatus.EXPIRED
    assert _run() == "expired: 0, reminders: 0 day, 0 hour"
