"""Feedback: once per checked-in registration after the date; aggregated results only
from five answers, for the organiser and the business development office only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from digitalstadt.accounts.models import StaffRole, StaffRoleKind
from digitalstadt.business import attendance_services
from digitalstadt.business.attendance_personal_data import feedback_purge, personal_erase, personal_export
from digitalstadt.business.feedback_selectors import date_feedback_results, series_feedback_results
from digitalstadt.business.feedback_services import feedback_submit
from digitalstadt.business.models import EventFeedback

from .attend_factories import make_date, make_partner, make_participant, make_registrations, make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(clock):
    partner, manager = make_partner()
    series = make_series(organiser=partner)
    event_date = make_date(series=series, starts_at=clock.now() + dt.timedelta(minutes=10))
    registrations = make_registrations(event_date=event_date, count=6)
    for registration in registrations[:5]:
        attendance_services.attendance_check_in(user=manager, date_id=event_date.pk,
                                                registration_id=registration.pk)
    clock.move_to(event_date.ends_at + dt.timedelta(minutes=1))
    return manager, series, event_date, registrations


def _give(registration, overall=4, usefulness=5, recommend=True, comment=""):
    return feedback_submit(user=registration.participant, registration_id=registration.pk, overall=overall,
                           usefulness=usefulness, would_recommend=recommend, comment=comment)


def test_one_answer_only_and_only_for_checked_in(ended):
    _manager, _series, _event_date, registrations = ended
    _give(registrations[0])
    with pytest.raises(ValidationError, match="bereits eine Rückmeldung"):
        _give(registrations[0], overall=1)
    with pytest.raises(ValidationError, match="eingecheckt"):
        _give(registrations[5])
    with pytest.raises(PermissionDenied):
        feedback_submit(user=registrations[1].participant, registration_id=registrations[2].pk, overall=3,
                        usefulness=3, would_recommend=False)
    assert EventFeedback.objects.count() == 1 and EventFeedback.objects.get().overall == 4


def test_bad_input_is_refused_clearly(ended):
    registration = ended[3][0]
    with pytest.raises(ValidationError) as caught:
        feedback_submit(user=registration.participant, registration_id=registration.pk, overall="6",
                        usefulness="x", would_recommend=True, comment="a" * 2001)
    assert set(caught.value.message_dict) == {"overall", "usefulness", "comment"}
    assert not EventFeedback.objects.exists()


def test_not_before_the_end(clock):
    partner, manager = make_partner()
    event_date = make_date(series=make_series(organiser=partner), starts_at=clock.now() + dt.timedelta(minutes=10))
    registration = make_registrations(event_date=event_date, count=1)[0]
    attendance_services.attendance_check_in(user=manager, date_id=event_date.pk, registration_id=registration.pk)
    with pytest.raises(ValidationError, match="erst nach dem Ende"):
        _give(registration)


def test_results_threshold_four_versus_five(ended):
    manager, series, event_date, registrations = ended
    for number, registration in enumerate(registrations[:4]):
        _give(registration, overall=5 - (number % 2), usefulness=4, recommend=number != 3,
              comment="Sehr hilfreich" if number == 0 else "")
    four = date_feedback_results(user=manager, event_date=event_date)
    assert four.answers == 4 and not four.shown and four.overall_average is None and four.comments == []
    assert not series_feedback_results(user=manager, series=series).shown
    _give(registrations[4], overall=2, usefulness=3, recommend=False, comment="Zu schnell")
    five = date_feedback_results(user=manager, event_date=event_date)
    assert five.shown and five.answers == 5
    assert five.overall_average == round((5 + 4 + 5 + 4 + 2) / 5, 1)
    assert five.usefulness_average == round((4 * 4 + 3) / 5, 1)
    assert five.recommend_share == 3 / 5
    assert dict(five.overall_distribution) == {5: 2, 4: 2, 3: 0, 2: 1, 1: 0}
    assert sorted(five.comments) == ["Sehr hilfreich", "Zu schnell"]
    assert series_feedback_results(user=manager, series=series).answers == 5


def test_who_sees_results(ended):
    _manager, series, event_date, _registrations = ended
    _other, other_manager = make_partner(name="IHK")
    staff = make_participant(email="wirtschaft@stadt.example")
    participant = ended[3][0].participant
    for user in (other_manager, participant, staff):
        with pytest.raises(PermissionDenied):
            date_feedback_results(user=user, event_date=event_date)
    StaffRole.objects.create(user=staff, role=StaffRoleKind.BUSINESS_DEVELOPMENT)
    assert series_feedback_results(user=staff, series=series).answers == 0


def test_export_erase_and_retention(ended, clock):
    _manager, _series, _event_date, registrations = ended
    _give(registrations[0], comment="Mein Name ist Paula")
    person = registrations[0].participant
    exported = personal_export(user=person)
    assert exported[0]["checked_in_at"] and exported[0]["feedback"]["comment"] == "Mein Name ist Paula"
    assert personal_erase(user=person) == {"feedback_anonymised": 1, "checkins_cleared": 1}
    feedback = EventFeedback.objects.get()
    assert feedback.registration is None and feedback.comment == "" and feedback.overall == 4
    _give(registrations[1], comment="Alles gut")
    assert feedback_purge(cutoff=clock.now() - dt.timedelta(days=1)) == 0
    assert feedback_purge(cutoff=clock.now() + dt.timedelta(days=1)) == 1
    assert not EventFeedback.objects.exclude(comment="").exists()


def test_series_results_leave_out_dates_below_the_threshold(ended, clock):
    manager, series, event_date, registrations = ended
    for registration in registrations[:5]:
        _give(registration, overall=5, comment="Gut")
    # A second date of the series, ended today, with a single answer.
    other = make_date(series=series, starts_at=clock.now() - dt.timedelta(hours=3))
    lonely = make_registrations(event_date=other, count=1)[0]
    attendance_services.attendance_check_in(user=manager, date_id=other.pk, registration_id=lonely.pk)
    _give(lonely, overall=1, comment="Die einzige Antwort dieses Termins")
    assert not date_feedback_results(user=manager, event_date=other).shown
    results = series_feedback_results(user=manager, series=series)
    # Series minus the first date must not reveal the second date's answer.
    assert results.answers == 5 and dict(results.overall_distribution)[1] == 0
    assert "Die einzige Antwort dieses Termins" not in results.comments


def test_erasure_through_the_registry_clears_feedback_and_check_in(ended):
    """Every handler in registry order (as GDPR erasure runs them): the registrations'
    handler unlinks the account, so the attendance data must be gone by then."""
    from digitalstadt.core.registry import personal_data_handlers

    _manager, _series, _event_date, registrations = ended
    _give(registrations[0], comment="Mein Name ist Paula")
    person = registrations[0].participant
    for handler_id, handler in personal_data_handlers.items():
        if handler_id.startswith("business."):
            handler.erase(user=person)
    feedback = EventFeedback.objects.get()
    assert feedback.comment == "" and feedback.registration is None
    registrations[0].refresh_from_db()
    assert registrations[0].checked_in_at is None and registrations[0].checkin_code_hash == ""
