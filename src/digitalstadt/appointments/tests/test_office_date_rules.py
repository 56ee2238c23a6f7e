"""Date rules with impact first: a rule replaces the weekly hours of its days; the
preview lists the bookings it affects with a proposed alternative (nothing saved,
nothing sent); the admin chooses per booking and confirms; only then messages go out
(e-mail and Postfach); the citizen accepts the held alternative with one click."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digitalstadt.accounts.models import StaffRoleKind, User
from digitalstadt.appointments.models import (
    AlternativeOffer,
    Booking,
    BookingStatus,
    DateRule,
    OpeningHours,
    Slot,
)
from digitalstadt.appointments.schedule import capacity_by_start
from digitalstadt.appointments.selectors import free_starts, need_at
from digitalstadt.appointments.services import booking_confirm, booking_hold, booking_submit_details
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.models import Message, OutboundEmail

from .factories import confirmed_booking_ahead, make_location
from .test_staff_views import staff

pytestmark = pytest.mark.django_db


def test_a_date_rule_replaces_the_weekly_hours_of_its_day():
    location = make_location(counters=2)
    hours = list(OpeningHours.objects.filter(location=location))
    monday = timezone.localdate() + timedelta(days=(7 - timezone.localdate().weekday()) % 7 or 7)
    normal = capacity_by_start(location, monday, hours=hours, closed=False)
    assert set(normal.values()) == {2}
    rule = DateRule(location=location, starts_on=monday, ends_on=monday, opens=time(9), closes=time(10), counters=1)
    changed = capacity_by_start(location, monday, hours=hours, closed=False, rules=[rule])
    assert set(changed.values()) == {1} and len(changed) == 6  # 09:00–10:00 in 10 minutes, not added to 2
    closed = DateRule(location=location, starts_on=monday, ends_on=monday, counters=0)
    assert capacity_by_start(location, monday, hours=hours, closed=False, rules=[closed]) == {}


def _book(location, service, start, email, user=None):
    booking, hold = booking_hold(location=location, services=[(service.pk, 1)], starts_at=start, user=user)
    booking, _ = booking_submit_details(booking=booking, hold_token=hold, name=email.split("@")[0], email=email)
    return booking_confirm(booking=booking)


@pytest.fixture
def day_with_three_bookings():
    location, service, first = confirmed_booking_ahead(days_ahead=3, email="eins@example.org")
    day = timezone.localdate(first.starts_at)
    citizen = User.objects.create_user("zwei@example.org", "Sicher-genug-2026")
    same_day = [s for s in free_starts(need_at(location, [(service.pk, 1)]), limit=200, after=first.ends_at)
                if timezone.localdate(s) == day]
    second = _book(location, service, same_day[0], "zwei@example.org", user=citizen)
    third = _book(location, service, same_day[5], "drei@example.org")
    return location, day, [first, second, third], citizen


def url(location):
    return reverse("appointments-office:date-rule", kwargs={"slug": location.slug})


def rule_data(day, **extra):
    return {"regel-starts_on": day.strftime("%d.%m.%Y"), "regel-ends_on": day.strftime("%d.%m.%Y"),
            "regel-counters": 0, "regel-opens": "", "regel-closes": "", "regel-reason_de": "Personalversammlung",
            **extra}


def test_closure_preview_choice_confirmation_and_one_click_accept(client, day_with_three_bookings):
    location, day, (first, second, third), citizen = day_with_three_bookings
    client.force_login(staff("amt@example.org", StaffRoleKind.OFFICE_ADMIN, office=location.office))
    mails, postfach, slots = OutboundEmail.objects.count(), Message.objects.count(), Slot.objects.count()

    # Preview: the three bookings with a proposed alternative on another day; nothing saved or sent.
    response = client.post(url(location), {**rule_data(day), "schritt": "vorschau"})
    page = response.content.decode()
    assert response.status_code == 200
    assert all(b.code in page for b in (first, second, third))
    assert "Noch ist nichts gespeichert" in page
    # Per-booking choice, then the summary: still nothing saved or sent.
    choices = {f"entscheidung-{first.pk}": "keep", f"entscheidung-{second.pk}": "move",
               f"entscheidung-{third.pk}": "cancel"}
    response = client.post(url(location), {**rule_data(day), **choices, "schritt": "zusammenfassung"})
    assert response.status_code == 200 and "Speichern und benachrichtigen" in response.content.decode()
    assert not DateRule.objects.exists()
    assert (OutboundEmail.objects.count(), Message.objects.count(), Slot.objects.count()) == (mails, postfach, slots)
    assert not AlternativeOffer.objects.exists()

    # A booking id that was not in the preview is refused, in German; nothing changes.
    response = client.post(url(location), {**rule_data(day), **choices, "entscheidung-999999": "cancel",
                                           "schritt": "bestaetigt"})
    assert response.status_code == 400 and "gehört nicht zur Vorschau" in response.content.decode()
    assert not DateRule.objects.exists() and OutboundEmail.objects.count() == mails

    # Confirmed: rule saved, one kept, one moved (held alternative), one cancelled with the reason.
    response = client.post(url(location), {**rule_data(day), **choices, "schritt": "bestaetigt"})
    assert response.status_code == 302
    rule = DateRule.objects.get()
    assert (rule.starts_on, rule.counters) == (day, 0)
    for b in (first, second, third):
        b.refresh_from_db()
    assert first.status == BookingStatus.CONFIRMED
    assert third.status == BookingStatus.CANCELLED
    assert OutboundEmail.objects.filter(to="drei@example.org", purpose="appointments:cancelled_by_office",
                                        body_text__contains="Personalversammlung").exists()
    offer = AlternativeOffer.objects.get(original=second)
    held = offer.held
    assert held.status == BookingStatus.HELD and timezone.localdate(held.starts_at) != day
    assert held.expires_at >= second.starts_at
    mail = OutboundEmail.objects.get(to="zwei@example.org", purpose="appointments:alternative_offer")
    accept_path = reverse("appointments:alternative", kwargs={"uuid": offer.uuid})
    assert accept_path in mail.body_text
    message = Message.objects.get(recipient_user=citizen, subject__contains="Ersatztermin")
    assert accept_path in message.body
    # The held place is taken: nobody else can book it.
    slot = Slot.objects.get(location=location, starts_at=held.starts_at)
    assert slot.booked >= 1
    assert held.starts_at not in free_starts(need_at(location, [(first.booked_services.first().service_id, 1)]),
                                             limit=500) or slot.capacity > slot.booked

    # The citizen accepts in one click (GET only shows it).
    client.logout()
    client.force_login(citizen)
    assert "Ersatztermin annehmen" in client.get(accept_path).content.decode()
    held.refresh_from_db()
    assert held.status == BookingStatus.HELD
    client.post(accept_path)
    held.refresh_from_db()
    second.refresh_from_db()
    assert held.status == BookingStatus.CONFIRMED and second.status == BookingStatus.RESCHEDULED
    assert second.moved_to_id == held.pk
    assert OutboundEmail.objects.filter(to="zwei@example.org", purpose="appointments:rescheduled").exists()
    assert AuditEntry.objects.filter(action="appointments.alternative_accepted").exists()
    # A second click changes nothing.
    client.post(accept_path)
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED, email="zwei@example.org").count() == 1

    # The history shows who changed what.
    client.logout()
    client.force_login(User.objects.get(email="amt@example.org"))
    history = client.get(reverse("appointments-office:history", kwargs={"slug": location.slug})).content.decode()
    assert "Abweichende Öffnung an bestimmten Tagen eingetragen" in history and "amt@example.org" in history


def test_bad_rules_get_german_messages_and_change_nothing(client, day_with_three_bookings):
    location, day, _bookings, _citizen = day_with_three_bookings
    client.force_login(staff("amt@example.org", StaffRoleKind.OFFICE_ADMIN, office=location.office))
    before = OutboundEmail.objects.count()
    yesterday = timezone.localdate() - timedelta(days=1)
    cases = [
        (rule_data(day, **{"regel-ends_on": (day - timedelta(days=1)).strftime("%d.%m.%Y")}),
         "Das Ende liegt vor dem Beginn."),
        (rule_data(yesterday), "Dieser Tag liegt in der Vergangenheit."),
        (rule_data(day, **{"regel-counters": 1}), "Bitte geben Sie an, von wann bis wann Termine möglich sind."),
        (rule_data(day, **{"regel-counters": 5, "regel-opens": "08:00", "regel-closes": "10:00"}),
         "Es gibt nicht so viele Schalter an diesem Standort."),
        (rule_data(day, **{"regel-starts_on": "32.13.2026"}), "als Tag.Monat.Jahr"),
    ]
    for data, message in cases:
        response = client.post(url(location), {**data, "schritt": "bestaetigt"})
        assert response.status_code == 400, message
        assert message in response.content.decode()
    assert not DateRule.objects.exists() and OutboundEmail.objects.count() == before


def test_one_counter_less_affects_only_the_booking_that_does_not_fit(client):
    location, service, first = confirmed_booking_ahead(days_ahead=3, email="eins@example.org", counters=2)
    second = _book(location, service, first.starts_at, "zwei@example.org")  # same start, second counter
    day = timezone.localdate(first.starts_at)
    client.force_login(staff("amt@example.org", StaffRoleKind.OFFICE_ADMIN, office=location.office))
    response = client.post(url(location), {**rule_data(day, **{"regel-counters": 1, "regel-opens": "08:00",
                                                                "regel-closes": "12:00"}), "schritt": "vorschau"})
    page = response.content.decode()
    assert second.code in page and first.code not in page


def test_removing_a_rule_asks_first(client, day_with_three_bookings):
    location, day, _bookings, _citizen = day_with_three_bookings
    rule = DateRule.objects.create(location=location, starts_on=day + timedelta(days=30), ends_on=day + timedelta(days=30),
                                   counters=0, reason_de="Inventur")
    client.force_login(staff("amt@example.org", StaffRoleKind.OFFICE_ADMIN, office=location.office))
    remove = reverse("appointments-office:remove-rule", kwargs={"slug": location.slug, "pk": rule.pk})
    assert "Wirklich entfernen?" in client.get(remove).content.decode()
    assert DateRule.objects.filter(pk=rule.pk).exists()
    client.post(remove)
    assert not DateRule.objects.filter(pk=rule.pk).exists()
    assert AuditEntry.objects.filter(action="appointments.date_rule_removed").exists()
