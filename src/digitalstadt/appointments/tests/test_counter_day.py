"""The counter day: walk-in hours, check-in by booking code, missed tickets in the
statistics, the counter kept in the session, the day plan paged with a summary."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from digitalstadt.accounts.models import StaffRoleKind
from digitalstadt.appointments.models import (
    Booking,
    BookingStatus,
    Closure,
    Counter,
    HoursKind,
    OpeningHours,
    Ticket,
    TicketStatus,
)
from digitalstadt.appointments.queue import (
    OutsideWalkInHours,
    ticket_call_next,
    ticket_check_in_by_code,
    ticket_mark_missed,
    ticket_recall,
    ticket_walk_in,
    ticket_walk_in_at_counter,
    walk_in_hours_open,
)
from digitalstadt.appointments.stats import day_stats
from digitalstadt.core.models import AuditEntry

from .factories import make_location
from .test_staff_views import staff

pytestmark = pytest.mark.django_db


def booking_at(location, code, minutes_from_now=3):
    start = timezone.now() + timedelta(minutes=minutes_from_now)
    return Booking.objects.create(code=code, location=location, starts_at=start, ends_at=start + timedelta(minutes=20),
                                  status=BookingStatus.CONFIRMED, name=f"Person {code}", email=f"{code}@example.org")


@pytest.fixture
def location(clock):
    clock.set_time_of_day(9, 30)  # a Tuesday morning; the office opens 08:00–12:00 on weekdays
    return make_location(counters=2)


# --- walk-in hours ----------------------------------------------------------------------


def test_walk_ins_follow_the_appointment_hours_when_no_walk_in_hours_exist(location, clock):
    assert walk_in_hours_open(location)
    clock.set_time_of_day(19, 57)
    assert not walk_in_hours_open(location)


def test_walk_in_hours_of_their_own_win_and_a_closure_closes(location, clock):
    OpeningHours.objects.create(location=location, kind=HoursKind.WALK_IN, weekday=timezone.localdate().weekday(),
                                opens=time(10), closes=time(11), valid_from=date(2020, 1, 1))
    assert not walk_in_hours_open(location)  # 09:30: appointments yes, walk-ins not yet
    clock.set_time_of_day(10, 15)
    assert walk_in_hours_open(location)
    Closure.objects.create(location=location, starts_on=timezone.localdate(), ends_on=timezone.localdate(),
                           reason_de="Betriebsausflug")
    assert not walk_in_hours_open(location)


def test_walk_in_outside_hours_is_refused_without_the_override_and_audited_with_it(location, clock):
    clock.set_time_of_day(19, 57)
    with pytest.raises(OutsideWalkInHours, match="nicht für Kundschaft ohne Termin geöffnet"):
        ticket_walk_in_at_counter(location=location, actor=None)
    assert not Ticket.objects.exists()
    ticket = ticket_walk_in_at_counter(location=location, actor=None, override=True)
    assert ticket.number == "W001"
    [entry] = AuditEntry.objects.filter(action="queue.walk_in_outside_hours")
    assert entry.data["at"].startswith(timezone.localdate().isoformat() + "T19:57")


def test_walk_in_within_hours_writes_no_override_entry(location):
    ticket_walk_in_at_counter(location=location, actor=None)
    assert not AuditEntry.objects.filter(action="queue.walk_in_outside_hours").exists()


# --- check-in by code -------------------------------------------------------------------


def test_check_in_by_code_accepts_lower_case_and_spaces(location):
    booking_at(location, "ABCD2345")
    ticket = ticket_check_in_by_code(location=location, code=" abcd 2345 ", actor=None)
    assert ticket.number == "T001"
    assert Booking.objects.get(code="ABCD2345").status == BookingStatus.CHECKED_IN


@pytest.mark.parametrize("code", ["", "XXXX9999", "OTHER234"])
def test_wrong_empty_or_foreign_code_gives_a_german_message_and_changes_nothing(location, code):
    other = make_location(slug="nord", counters=1)
    foreign = booking_at(other, "OTHER234")
    with pytest.raises(ValidationError) as error:
        ticket_check_in_by_code(location=location, code=code, actor=None)
    assert "Buchungsnummer" in error.value.messages[0]
    assert not Ticket.objects.exists()
    foreign.refresh_from_db()
    assert foreign.status == BookingStatus.CONFIRMED


def test_check_in_by_code_of_tomorrows_booking_is_refused(location):
    booking_at(location, "TOMO2345", minutes_from_now=24 * 60)
    with pytest.raises(ValidationError, match="nicht heute"):
        ticket_check_in_by_code(location=location, code="TOMO2345", actor=None)
    assert not Ticket.objects.exists()


# --- statistics -------------------------------------------------------------------------


def missed(ticket, counter):
    for _ in range(2):
        ticket_recall(ticket=ticket, actor=None)
    return ticket_mark_missed(ticket=ticket, actor=None)


def test_missed_walk_ins_and_missed_appointments_count_as_not_appeared(location):
    counter = Counter.objects.filter(location=location).first()
    ticket_walk_in(location=location)
    assert day_stats(location, timezone.localdate()).no_shows == 0
    missed(ticket_call_next(location=location, counter=counter, actor=None), counter)
    assert day_stats(location, timezone.localdate()).no_shows == 1
    ticket_check_in_by_code(location=location, code=booking_at(location, "MISS2345").code, actor=None)
    missed(ticket_call_next(location=location, counter=counter, actor=None), counter)
    stats = day_stats(location, timezone.localdate())
    assert stats.no_shows == 2 and stats.walk_ins == 1 and stats.booked == 1


# --- views ------------------------------------------------------------------------------


def test_the_chosen_counter_is_kept_in_the_session(client, location):
    user = staff("schalter@example.org", StaffRoleKind.COUNTER_STAFF, office=location.office)
    client.force_login(user)
    counter = Counter.objects.filter(location=location).last()
    url = reverse("appointments-staff:day-plan", kwargs={"slug": location.slug})
    client.get(url, {"schalter": counter.pk})
    page = client.get(url)
    assert f'<option value="{counter.pk}" selected>' in page.content.decode()
    ticket_walk_in(location=location)
    client.post(reverse("appointments-staff:call-next", kwargs={"slug": location.slug}))
    assert Ticket.objects.get().counter == counter


def test_day_plan_pages_twenty_rows_and_counts_the_day(client, location):
    user = staff("schalter@example.org", StaffRoleKind.COUNTER_STAFF, office=location.office)
    client.force_login(user)
    for i in range(25):
        booking_at(location, f"PAGE{i:04d}", minutes_from_now=10 + i)
    Booking.objects.filter(code="PAGE0000").update(status=BookingStatus.NO_SHOW)
    url = reverse("appointments-staff:day-plan", kwargs={"slug": location.slug})
    first = client.get(url)
    assert len(first.context["bookings"]) == 20 and first.context["summary"] == {
        "booked": 25, "checked_in": 0, "served": 0, "missed": 1}
    assert "Seite 1 von 2" in first.content.decode()
    second = client.get(url, {"seite": "2"})
    assert len(second.context["bookings"]) == 5 and "PAGE0024" in second.content.decode()
    assert client.get(url, {"seite": "kaputt"}).status_code == 200


def test_check_in_by_code_view_shows_the_message(client, location):
    user = staff("schalter@example.org", StaffRoleKind.COUNTER_STAFF, office=location.office)
    client.force_login(user)
    page = client.post(reverse("appointments-staff:check-in-by-code", kwargs={"slug": location.slug}),
                       {"code": "NOPE2345"}, follow=True)
    assert "keinen Termin" in page.content.decode() and not Ticket.objects.exists()


def test_walk_in_view_outside_hours_offers_the_override(client, location, clock):
    clock.set_time_of_day(19, 57)
    user = staff("schalter@example.org", StaffRoleKind.COUNTER_STAFF, office=location.office)
    client.force_login(user)
    walk_in = reverse("appointments-staff:walk-in", kwargs={"slug": location.slug})
    refused = client.post(walk_in, follow=True)
    assert "Trotzdem ausgeben" in refused.content.decode() and not Ticket.objects.exists()
    assert client.post(walk_in, {"trotzdem": "1"}).status_code == 302
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_queue_partial_for_polling(client, location):
    user = staff("schalter@example.org", StaffRoleKind.COUNTER_STAFF, office=location.office)
    client.force_login(user)
    ticket_walk_in(location=location)
    partial = client.get(reverse("appointments-staff:day-plan", kwargs={"slug": location.slug}),
                         {"teil": "warteschlange"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and "W001" in body


def test_missed_ticket_page_tells_the_next_steps(client, location):
    counter = Counter.objects.filter(location=location).first()
    ticket = ticket_walk_in(location=location)
    missed(ticket_call_next(location=location, counter=counter, actor=None), counter)
    page = client.get(reverse("appointments-public:ticket", kwargs={"uuid": ticket.uuid}))
    body = page.content.decode()
    assert "So geht es weiter" in body and "Neuen Termin buchen" in body and "hx-get" not in body



def test_the_confirmed_booking_page_shows_the_code_to_scan_at_the_counter(client, clock):
    from digitalstadt.appointments.schedule import generate_slots
    from digitalstadt.appointments.selectors import free_starts, need_at
    from digitalstadt.appointments.services import booking_confirm, booking_hold, booking_submit_details

    from .factories import make_service, offer

    location = make_location(counters=1)
    service = make_service()
    offer(location, service)
    generate_slots(location=location, start=timezone.localdate(), end=timezone.localdate() + timedelta(days=14))
    start = free_starts(need_at(location, [(service.pk, 1)]), limit=1)[0]
    booking, hold_token = booking_hold(location=location, services=[(service.pk, 1)], starts_at=start)
    booking, token = booking_submit_details(booking=booking, hold_token=hold_token, name="Berta", email="b@example.org")
    booking_confirm(booking=booking)
    body = client.get(reverse("appointments:manage", kwargs={"code": booking.code}), {"t": token}).content.decode()
    assert "<svg" in body and f"die Buchungsnummer {booking.code} am Empfang" in body
