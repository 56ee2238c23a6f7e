"""Check-in rules: who may, when, by button and by code, and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from digitalstadt.business import attendance_services as services
from digitalstadt.business.attendance_selectors import participant_list
from digitalstadt.business.models import Registration, RegistrationStatus
from digitalstadt.core.models import AuditEntry

from .attend_factories import make_date, make_partner, make_registration, make_registrations, make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):
    partner, manager = make_partner()
    series = make_series(organiser=partner)
    event_date = make_date(series=series, starts_at=clock.now() + dt.timedelta(minutes=30))
    return partner, manager, series, event_date


def test_check_in_by_button_once_then_already_checked_in(world):
    _partner, manager, _series, event_date = world
    registration = make_registration(event_date=event_date)
    done = services.attendance_check_in(user=manager, date_id=event_date.pk, registration_id=registration.pk)
    assert done.checked_in_at is not None and done.checked_in_by == manager
    with pytest.raises(services.AlreadyCheckedIn, match="bereits eingecheckt"):
        services.attendance_check_in(user=manager, date_id=event_date.pk, registration_id=registration.pk)
    assert AuditEntry.objects.filter(action="business.checked_in", subject_id=str(registration.pk)).count() == 1


def test_check_in_by_code_and_wrong_date_refused(world):
    partner, manager, series, event_date = world
    registration = make_registration(event_date=event_date)
    code = services.registration_ticket_code(registration=registration)
    registration.refresh_from_db()
    # Only the SHA-256 is stored, and the code is stable (the ticket shows it again).
    assert code not in registration.checkin_code_hash and len(registration.checkin_code_hash) == 64
    assert services.registration_ticket_code(registration=registration) == code
    other_date = make_date(series=series, starts_at=event_date.starts_at + dt.timedelta(days=7))
    other = make_registration(event_date=other_date)
    other_code = services.registration_ticket_code(registration=other)
    with pytest.raises(ValidationError, match="anderen Termin"):
        services.attendance_check_in_by_code(user=manager, date_id=event_date.pk, code=services.qr_payload(other_code))
    with pytest.raises(ValidationError, match="kein Ticket"):
        services.attendance_check_in_by_code(user=manager, date_id=event_date.pk, code="AAAA-BBBB-CCCC")
    with pytest.raises(ValidationError, match="12 Zeichen"):
        services.attendance_check_in_by_code(user=manager, date_id=event_date.pk, code="<script>")
    # Typed in lower case with spaces: still found.
    typed = services.code_display(code).lower().replace("-", " ")
    done = services.attendance_check_in_by_code(user=manager, date_id=event_date.pk, code=typed)
    assert done.pk == registration.pk and done.checked_in_at is not None
    with pytest.raises(ValidationError, match="bereits eingecheckt"):
        services.attendance_check_in_by_code(user=manager, date_id=event_date.pk, code=code)
    assert Registration.objects.get(pk=other.pk).checked_in_at is None


def test_check_in_window_on_the_clock(world, clock):
    _partner, manager, _series, event_date = world
    registration = make_registration(event_date=event_date)
    clock.move_to(event_date.starts_at - services.CHECKIN_OPENS_BEFORE - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="beginnt am"):
        services.attendance_check_in(user=manager, date_id=event_date.pk, registration_id=registration.pk)
    # Late in the evening of the same day: still open.
    clock.move_to(event_date.ends_at.replace(hour=22, minute=50))
    assert services.checkin_is_open(event_date)
    # The next day: closed.
    opens, closes = services.checkin_window(event_date)
    clock.move_to(closes)
    with pytest.raises(ValidationError, match="beendet"):
        services.attendance_check_in(user=manager, date_id=event_date.pk, registration_id=registration.pk)
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None
    clock.move_to(opens)
    assert services.attendance_check_in(user=manager, date_id=event_date.pk,
                                        registration_id=registration.pk).checked_in_at is not None


def test_only_confirmed_registrations_check_in(world):
    _partner, manager, _series, event_date = world
    waiting = make_registration(event_date=event_date, status=RegistrationStatus.WAITING)
    with pytest.raises(ValidationError, match="nicht verbindlich angemeldet"):
        services.attendance_check_in(user=manager, date_id=event_date.pk, registration_id=waiting.pk)
    with pytest.raises(ValidationError):
        services.registration_ticket_code(registration=waiting)


def test_another_partner_and_unapproved_partners_are_refused(world):
    _partner, _manager, _series, event_date = world
    registration = make_registration(event_date=event_date)
    _other, other_manager = make_partner(name="IHK")
    _pending, pending_manager = make_partner(name="Neu", approved=False)
    for user in (other_manager, pending_manager, registration.participant):
        with pytest.raises(PermissionDenied):
            services.organiser_date(user=user, date_id=event_date.pk)
        with pytest.raises(PermissionDenied):
            services.attendance_check_in(user=user, date_id=event_date.pk, registration_id=registration.pk)
    # Their own date's id does not let them check in someone of this date either.
    other_series = make_series(organiser=_other)
    other_date = make_date(series=other_series)
    with pytest.raises(ValidationError, match="gibt es zu diesem Termin nicht"):
        services.attendance_check_in(user=other_manager, date_id=other_date.pk, registration_id=registration.pk)
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


def test_participant_list_lists_seat_holders(world):
    _partner, _manager, _series, event_date = world
    confirmed = make_registrations(event_date=event_date, count=2)
    make_registration(event_date=event_date, status=RegistrationStatus.WAITING)
    make_registration(event_date=event_date, status=RegistrationStatus.CANCELLED)
    assert {r.pk for r in participant_list(event_date=event_date)} == {r.pk for r in confirmed}
