"""Registration services: for oneself and for colleagues, seats and per-company quota,
deadlines, cancellation with the waiting list's offer, paid dates, the organiser's
cancellation of a date (real SMTP), reminders on the clock, the calendar file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.business import registration_services as services
from digitalstadt.business import waitlist
from digitalstadt.business.ics import registration_calendar
from digitalstadt.business.models import Registration, RegistrationStatus
from digitalstadt.business.registration_reminders import reminders_send
from digitalstadt.business.registration_selectors import (
    confirmed_registrations,
    registrations_of_company,
    seats_left,
    waiting_position,
)
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.models import Message, OutboundEmail

from .factories import make_company, make_date, make_series

pytestmark = pytest.mark.django_db

S = RegistrationStatus


def _statuses(event_date):
    return list(Registration.objects.filter(event_date=event_date).order_by("created_at", "pk")
                .values_list("status", flat=True))


def test_self_registration_takes_a_seat_then_the_waiting_list():
    date = make_date(seats=1)
    anna, ben = CitizenFactory(), CitizenFactory()
    first = services.registration_create(event_date=date, actor=anna)
    second = services.registration_create(event_date=date, actor=ben)
    assert (first.status, second.status) == (S.CONFIRMED, S.WAITING)
    assert first.company is None and first.email == anna.email and first.price_cents == 0
    assert seats_left(event_date=date) == 0 and waiting_position(registration=second) == 1
    assert list(confirmed_registrations(event_date=date)) == [first]
    assert AuditEntry.objects.filter(action="business.registration_created").count() == 2
    # Told by e-mail and in the Postfach.
    assert OutboundEmail.objects.filter(to=anna.email, subject__startswith="Anmeldung bestätigt").exists()
    assert Message.objects.filter(recipient_user=ben, subject__startswith="Warteliste").exists()
    with pytest.raises(ValidationError, match="bereits angemeldet"):
        services.registration_create(event_date=date, actor=anna)


def test_owner_registers_colleagues_in_order_and_only_members():
    date = make_date(seats=1)
    company, owner, (eva, finn) = make_company(employees=2)
    made = services.registration_create_for_colleagues(event_date=date, company=company, participants=[eva, finn],
                                                       actor=owner)
    assert [r.status for r in made] == [S.CONFIRMED, S.WAITING]
    assert all(r.company == company and r.registered_by == owner for r in made)
    stranger = CitizenFactory()
    with pytest.raises(ValidationError, match="Mitglieder"):
        services.registration_create_for_colleagues(event_date=date, company=company, participants=[stranger],
                                                    actor=owner)
    with pytest.raises(PermissionDenied):  # a member (not owner/admin) cannot send colleagues
        services.registration_create_for_colleagues(event_date=date, company=company, participants=[finn],
                                                    actor=eva)
    [(listed_date, rows)] = registrations_of_company(company=company)
    assert listed_date == date and [r.participant for r in rows] == [eva, finn]


def test_company_quota_counts_sent_and_self_registered_employees_and_the_waiting_list():
    date = make_date(seats=1, per_company_quota=2)
    company, owner, (eva, finn, gina) = make_company(employees=3)
    services.registration_create(event_date=date, actor=eva)  # herself: counts for her company
    with pytest.raises(ValidationError, match="höchstens 2 Plätze"):
        services.registration_create_for_colleagues(event_date=date, company=company, participants=[finn, gina],
                                                    actor=owner)
    assert _statuses(date) == [S.CONFIRMED]  # all or nothing
    services.registration_create_for_colleagues(event_date=date, company=company, participants=[finn], actor=owner)
    with pytest.raises(ValidationError, match="höchstens 2"):
        services.registration_create(event_date=date, actor=gina)
    # Another company is not affected.
    other_company, other_owner, (hans,) = make_company(employees=1)
    services.registration_create_for_colleagues(event_date=date, company=other_company, participants=[hans],
                                                actor=other_owner)


@pytest.mark.parametrize("case", ["past", "deadline", "cancelled"])
def test_closed_dates_refuse_with_a_clear_message(case):
    now = timezone.now()
    date = {"past": lambda: make_date(starts_at=now - timedelta(hours=1)),
            "deadline": lambda: make_date(registration_closes_at=now - timedelta(minutes=1)),
            "cancelled": lambda: make_date(status="cancelled")}[case]()
    message = {"past": "Vergangenheit", "deadline": "Anmeldeschluss", "cancelled": "abgesagt"}[case]
    with pytest.raises(ValidationError, match=message):
        services.registration_create(event_date=date, actor=CitizenFactory())
    assert not Registration.objects.exists()


def test_cancellation_offers_the_seat_and_claim_confirms(clock, settings):
    settings.BUSINESS_WAITLIST_OFFER_HOURS = 24
    date = make_date(seats=1, days_ahead=3)
    anna, ben, cleo = CitizenFactory(), CitizenFactory(), CitizenFactory()
    first = services.registration_create(event_date=date, actor=anna)
    second = services.registration_create(event_date=date, actor=ben)
    third = services.registration_create(event_date=date, actor=cleo)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=first, actor=ben)
    services.registration_cancel(registration=first, actor=anna)
    second.refresh_from_db()
    assert second.status == S.OFFERED
    assert abs(second.offer_expires_at - (timezone.now() + timedelta(hours=24))) < timedelta(seconds=30)
    offer_mail = OutboundEmail.objects.get(to=ben.email, subject__startswith="Ein Platz ist frei")
    assert f"/weiterbildung/anmeldungen/{second.pk}/platz/" in offer_mail.body_text
    with pytest.raises(PermissionDenied):
        waitlist.registration_claim_offer(registration=second, actor=cleo)
    waitlist.registration_claim_offer(registration=second, actor=ben)
    assert _statuses(date) == [S.CANCELLED, S.CONFIRMED, S.WAITING]
    with pytest.raises(ValidationError, match="kein Platzangebot"):
        waitlist.registration_claim_offer(registration=second, actor=ben)
    third.refresh_from_db()
    assert third.status == S.WAITING


def test_declined_and_expired_offers_go_to_the_next(clock):
    date = make_date(seats=1, days_ahead=3)
    people = [CitizenFactory() for _ in range(4)]
    regs = [services.registration_create(event_date=date, actor=p) for p in people]
    services.registration_cancel(registration=regs[0], actor=people[0])
    waitlist.registration_decline_offer(registration=regs[1], actor=people[1])
    assert _statuses(date) == [S.CANCELLED, S.CANCELLED, S.OFFERED, S.WAITING]
    clock.shift(timedelta(hours=23))
    assert waitlist.holds_expire() == 0
    clock.shift(timedelta(hours=1, minutes=1))
    assert waitlist.holds_expire() == 1
    assert waitlist.holds_expire() == 0  # idempotent
    assert _statuses(date) == [S.CANCELLED, S.CANCELLED, S.EXPIRED, S.OFFERED]
    with pytest.raises(ValidationError, match="kein Platzangebot"):
        waitlist.registration_claim_offer(registration=regs[2], actor=people[2])


def test_offer_never_runs_past_an_hour_before_the_start(clock):
    date = make_date(seats=1, days_ahead=0.5)  # twelve hours ahead
    anna, ben = CitizenFactory(), CitizenFactory()
    first = services.registration_create(event_date=date, actor=anna)
    second = services.registration_create(event_date=date, actor=ben)
    services.registration_cancel(registration=first, actor=anna)
    second.refresh_from_db()
    assert second.offer_expires_at == date.starts_at - timedelta(hours=1)


def test_no_cancellation_after_the_start(clock):
    date = make_date(seats=2, days_ahead=1)
    anna = CitizenFactory()
    reg = services.registration_create(event_date=date, actor=anna)
    clock.shift(timedelta(days=1, minutes=1))
    with pytest.raises(ValidationError, match="Nach Beginn"):
        services.registration_cancel(registration=reg, actor=anna)


def _pay(registration):
    from digitalstadt.payments.conf import creditor
    from digitalstadt.payments.models import Payment
    from digitalstadt.payments.services import statement_import_camt053
    from digitalstadt.testing.camt import Credit, camt053

    payment = Payment.objects.get(reference=registration.payment_reference)
    statement_import_camt053(content=camt053(iban=creditor().iban, credits=[
        Credit(payment.reference, payment.amount_cents)]), filename=f"auszug-{payment.pk}.xml")
    return payment


def test_paid_date_holds_the_seat_until_paid_and_refunds_on_cancellation(clock, settings):
    from digitalstadt.payments.models import Refund

    settings.BUSINESS_PAYMENT_HOLD_MINUTES = 30
    date = make_date(make_series(price_cents=4900), seats=1, days_ahead=5)
    anna, ben = CitizenFactory(), CitizenFactory()
    reg = services.registration_create(event_date=date, actor=anna)
    assert reg.status == S.PENDING_PAYMENT and reg.price_cents == 4900 and reg.payment_reference
    assert services.registration_create(event_date=date, actor=ben).status == S.WAITING  # the hold takes the seat
    _pay(reg)
    reg.refresh_from_db()
    assert reg.status == S.CONFIRMED and reg.offer_expires_at is None
    services.registration_cancel(registration=reg, actor=anna)
    refund = Refund.objects.get()
    assert refund.amount_cents == 4900 and refund.status == Refund.Status.OPEN
    assert OutboundEmail.objects.filter(to=anna.email, body_text__contains="49,00 €").exists()


def test_unpaid_hold_expires_and_the_seat_goes_to_the_waiting_list(clock, settings):
    from digitalstadt.payments.models import Payment, PaymentStatus

    settings.BUSINESS_PAYMENT_HOLD_MINUTES = 30
    date = make_date(make_series(price_cents=2000), seats=1, days_ahead=5)
    anna, ben = CitizenFactory(), CitizenFactory()
    reg = services.registration_create(event_date=date, actor=anna)
    waiting = services.registration_create(event_date=date, actor=ben)
    clock.shift(timedelta(minutes=31))
    assert waitlist.holds_expire() == 1
    reg.refresh_from_db()
    waiting.refresh_from_db()
    assert reg.status == S.EXPIRED and waiting.status == S.OFFERED
    assert Payment.objects.get(reference=reg.payment_reference).status == PaymentStatus.CANCELLED
    waitlist.registration_claim_offer(registration=waiting, actor=ben)
    waiting.refresh_from_db()
    assert waiting.status == S.PENDING_PAYMENT


@pytest.mark.django_db(transaction=True)
def test_organiser_cancels_a_date_everyone_is_told_by_real_mail(smtp_server, deliver_mail, settings):
    from digitalstadt.accounts.models import Membership, OrgRole
    from digitalstadt.payments.models import Refund

    series = make_series(price_cents=1500)
    date = make_date(series, seats=1)
    anna, ben = CitizenFactory(), CitizenFactory()
    paid = services.registration_create(event_date=date, actor=anna)
    _pay(paid)
    services.registration_create(event_date=date, actor=ben)  # waiting
    member = CitizenFactory()
    Membership.objects.create(user=member, organisation=series.organiser, role=OrgRole.MEMBER)
    with pytest.raises(PermissionDenied):
        services.event_date_cancel(event_date=date, by=member, reason="Krank")
    manager = series.organiser.memberships.get(role=OrgRole.OWNER).user
    with pytest.raises(ValidationError, match="Grund"):
        services.event_date_cancel(event_date=date, by=manager, reason="  ")
    services.event_date_cancel(event_date=date, by=manager, reason="Die Referentin ist erkrankt.")
    date.refresh_from_db()
    assert date.is_cancelled and _statuses(date) == [S.CANCELLED, S.CANCELLED]
    assert Refund.objects.get().amount_cents == 1500
    assert AuditEntry.objects.filter(action="business.event_date_cancelled").count() == 1
    deliver_mail()
    told = {m["to"][0] for m in smtp_server.messages if m["subject"].startswith("Termin abgesagt")}
    assert told == {anna.email, ben.email}
    body = next(m["body"] for m in smtp_server.messages if m["to"] == [anna.email]
                and m["subject"].startswith("Termin abgesagt"))
    assert "Die Referentin ist erkrankt." in body and "15,00 €" in body
    assert Message.objects.filter(recipient_user=ben, subject__startswith="Termin abgesagt").exists()
    with pytest.raises(ValidationError, match="bereits abgesagt"):
        services.event_date_cancel(event_date=date, by=manager, reason="nochmal")


def test_reminders_the_day_before_and_an_hour_before_once_each(clock):
    date = make_date(seats=5, days_ahead=2)
    anna, ben = CitizenFactory(), CitizenFactory()
    services.registration_create(event_date=date, actor=anna)
    cancelled = services.registration_create(event_date=date, actor=ben)
    services.registration_cancel(registration=cancelled, actor=ben)
    assert reminders_send() == {"day_before": 0, "hour_before": 0}
    clock.shift(timedelta(days=1, minutes=5))
    assert reminders_send() == {"day_before": 1, "hour_before": 0}
    assert reminders_send() == {"day_before": 0, "hour_before": 0}
    clock.shift(timedelta(hours=23))
    assert reminders_send() == {"day_before": 0, "hour_before": 1}
    assert reminders_send() == {"day_before": 0, "hour_before": 0}
    subjects = list(OutboundEmail.objects.filter(to=anna.email, purpose__startswith="business:reminder")
                    .values_list("subject", flat=True))
    assert len(subjects) == 2
    assert not OutboundEmail.objects.filter(to=ben.email, purpose__startswith="business:reminder").exists()


def test_calendar_file_is_rfc5545_in_utc_with_folding_and_escaping():
    from icalendar import Calendar

    series = make_series(title="Sicher im Homeoffice; VPN, Passwörter und mehr – ein ausführlicher Überblick für "
                               "kleine Unternehmen")
    date = make_date(series)
    reg = services.registration_create(event_date=date, actor=CitizenFactory())
    raw = registration_calendar(reg)
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    text = raw.decode()
    assert "Homeoffice\\; VPN\\, Passw" in text.replace("\r\n ", "")
    event = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["uid"]).startswith(f"business-registration-{reg.pk}@")
    assert event.decoded("dtstart") == date.starts_at and event.decoded("dtstart").utcoffset() == timedelta(0)
    assert "DTSTART:" in text and "Z\r\n" in text and "DTSTAMP:" in text


def test_added_seats_are_offered_to_the_waiting_list():
    date = make_date(seats=1)
    services.registration_create(event_date=date, actor=CitizenFactory())
    waiting = services.registration_create(event_date=date, actor=CitizenFactory())
    type(date).objects.filter(pk=date.pk).update(seats=2)
    assert waitlist.waitlist_refill(event_date=date) == 1
    assert waitlist.waitlist_refill(event_date=date) == 0
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED


def test_personal_data_export_erase_and_retention(clock):
    from digitalstadt.business import registration_personal_data as personal_data

    past = make_date(seats=3, days_ahead=1)
    ahead = make_date(seats=1, days_ahead=30)
    anna, ben = CitizenFactory(), CitizenFactory()
    services.registration_create(event_date=past, actor=anna)
    services.registration_create(event_date=ahead, actor=anna)
    waiting = services.registration_create(event_date=ahead, actor=ben)
    clock.shift(timedelta(days=2))
    exported = personal_data.export(user=anna)
    assert [r["email"] for r in exported["registrations"]] == [anna.email, anna.email]
    assert personal_data.erase(user=anna) == {"registrations_cancelled": 1, "registrations_anonymised": 2}
    assert not Registration.objects.filter(email=anna.email).exists()
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED  # her seat ahead went to the waiting list
    assert personal_data.purge(cutoff=timezone.now()) == 1  # the past date's registration
    assert Registration.objects.filter(event_date=past).count() == 0
