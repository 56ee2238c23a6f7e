"""The pages: participant list and check-in button, code entry, ticket, feedback form
with bad input, results threshold, and that other partners get nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from digitalstadt.business import attendance_services
from digitalstadt.business.models import EventFeedback, Registration

from .attend_factories import make_date, make_partner, make_registration, make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(clock):
    partner, manager = make_partner(name="House of IT")
    series = make_series(organiser=partner)
    event_date = make_date(series=series, starts_at=clock.now() + dt.timedelta(minutes=20))
    return partner, manager, event_date, make_registration(event_date=event_date), make_registration(
        event_date=event_date)


def test_list_button_and_code_entry(client, setup):
    _partner, manager, event_date, first, second = setup
    client.force_login(manager)
    page = client.get(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/")
    assert page.status_code == 200 and first.name in page.content.decode()
    answer = client.post(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/", {"anmeldung": first.pk},
                         follow=True)
    assert "ist eingecheckt" in answer.content.decode()
    assert Registration.objects.get(pk=first.pk).checked_in_at is not None
    bad = client.post(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/", {"anmeldung": "x'--"})
    assert bad.status_code == 400
    code = attendance_services.registration_ticket_code(registration=second)
    wrong = client.post(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/code/", {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert wrong.status_code == 400 and "kein Ticket" in wrong.content.decode()
    good = client.post(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/code/", {"code": code}, follow=True)
    assert "ist eingecheckt" in good.content.decode()
    again = client.post(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/code/", {"code": code}, follow=True)
    assert "bereits eingecheckt" in again.content.decode()


def test_other_partner_and_participant_get_404(client, setup):
    _partner, _manager, event_date, first, _second = setup
    _other, other_manager = make_partner(name="IHK")
    for user in (other_manager, first.participant):
        client.force_login(user)
        assert client.get(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/").status_code == 404
        assert client.post(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/",
                           {"anmeldung": first.pk}).status_code == 404
        assert client.get(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/rueckmeldungen/").status_code == 404
    client.force_login(other_manager)
    assert client.get(f"/weiterbildung/tickets/{first.pk}/").status_code == 404
    assert Registration.objects.get(pk=first.pk).checked_in_at is None


def test_ticket_shows_the_code_and_feedback_form_refuses_bad_input(client, setup, clock):
    _partner, manager, event_date, first, _second = setup
    client.force_login(first.participant)
    ticket = client.get(f"/weiterbildung/tickets/{first.pk}/").content.decode()
    code = attendance_services.registration_ticket_code(registration=first)
    assert attendance_services.code_display(code) in ticket and "<svg" in ticket
    attendance_services.attendance_check_in(user=manager, date_id=event_date.pk, registration_id=first.pk)
    assert "erst nach dem Ende" in client.get(f"/weiterbildung/tickets/{first.pk}/rueckmeldung/").content.decode()
    clock.move_to(event_date.ends_at + dt.timedelta(minutes=5))
    client.force_login(first.participant)  # the session timed out meanwhile
    bad = client.post(f"/weiterbildung/tickets/{first.pk}/rueckmeldung/", {"overall": "9", "usefulness": ""})
    assert bad.status_code == 400 and "Bewertung von 1 bis 5" in bad.content.decode()
    assert not EventFeedback.objects.exists()
    good = client.post(f"/weiterbildung/tickets/{first.pk}/rueckmeldung/",
                       {"overall": "5", "usefulness": "4", "would_recommend": "ja", "comment": "Gut"}, follow=True)
    assert "Vielen Dank" in good.content.decode() and EventFeedback.objects.count() == 1
    client.force_login(manager)
    results = client.get(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/rueckmeldungen/").content.decode()
    assert "Ergebnisse ab 5 Rückmeldungen" in results and "Gut" not in results


def test_results_page_from_five_answers_for_organiser_and_staff(client, setup, clock):
    from allauth.mfa.totp.internal.auth import TOTP
    from django.utils import timezone

    from digitalstadt.accounts.models import StaffRole, StaffRoleKind

    from .attend_factories import make_participant

    _partner, manager, event_date, _first, _second = setup
    for score in (5, 4, 4, 3, 5):
        EventFeedback.objects.create(event_date=event_date, overall=score, usefulness=score, would_recommend=score > 3,
                                     comment=f"Kommentar {score}", created_at=timezone.now())
    client.force_login(manager)
    page = client.get(f"/weiterbildung/anwesenheit/termin/{event_date.pk}/rueckmeldungen/").content.decode()
    assert "Ergebnisse ab 5 Rückmeldungen" not in page and "4,2" in page and "80 %" in page
    assert "Kommentar 3" in page and "2 von 5" in page
    series_page = client.get(f"/weiterbildung/anwesenheit/reihe/{event_date.series_id}/rueckmeldungen/")
    assert series_page.status_code == 200
    staff = make_participant(email="wirtschaft@stadt.example")
    staff.is_staff = True
    staff.save()
    StaffRole.objects.create(user=staff, role=StaffRoleKind.BUSINESS_DEVELOPMENT)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPTESTTOTP234567AB")
    client.force_login(staff)
    answer = client.get(f"/verwaltung/weiterbildung/rueckmeldungen/termin/{event_date.pk}/")
    # Staff pages need the second factor first (the middleware sends them there).
    assert answer.status_code in (200, 302)
