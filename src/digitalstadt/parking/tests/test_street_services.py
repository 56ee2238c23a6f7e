"""Street-parking sessions: start (idempotent, plate checked), extend, stop, reminder,
monthly bill; and the enforcement answer."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from io import StringIO
from django.core.exceptions import PermissionDenied, ValidationError

from digitalstadt.accounts.models import User
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.models import OutboundEmail
from digitalstadt.parking import street_services as services
from digitalstadt.parking.models import ParkingSession, ResidentPermit, Vehicle
from digitalstadt.parking.street_selectors import enforcement_check, statement_of_month
from digitalstadt.register.models import ParkingZone

from .street_factories import make_street_zone

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)


@pytest.fixture
def driver():
    return User.objects.create_user("fahrerin@example.org", "Sicher-genug-2026")


@pytest.fixture
def zone():
    return make_street_zone("I", max_stay=120)


def start(driver, zone, *, plate="DA-AB 123", minutes=60, token="t1", now=MONDAY_10, **kw):
    return services.street_session_start(user=driver, zone_id=zone.pk, plate=plate, minutes=minutes,
                                         start_token=token, now=now, **kw)


def test_start_prices_the_chosen_time_and_queues_a_reminder(driver, zone):
    from django_tasks_db.models import DBTaskResult

    session = start(driver, zone)
    assert (session.plate, session.plate_normalised, session.quoted_cents) == ("DA-AB 123", "DA-AB123", 200)
    assert session.ends_at == MONDAY_10 + dt.timedelta(hours=1)
    assert session.reminder_due_at == MONDAY_10 + dt.timedelta(minutes=50)
    task = DBTaskResult.objects.get(task_path__endswith="remind_street_session")
    assert task.run_after == session.reminder_due_at
    assert AuditEntry.objects.filter(action="parking.street_session_started", data__zone="I").exists()


def test_a_double_click_starts_one_session(driver, zone):
    first = start(driver, zone)
    again = start(driver, zone)
    assert first.pk == again.pk and ParkingSession.objects.count() == 1


def test_a_second_session_for_a_parked_car_is_refused(driver, zone):
    start(driver, zone)
    with pytest.raises(ValidationError, match="läuft schon"):
        start(driver, zone, plate="da ab 123", token="t2")
    assert ParkingSession.objects.count() == 1


def test_bad_input_changes_nothing(driver, zone):
    for kwargs, message in [({"plate": "BAB123"}, "nicht eindeutig"), ({"minutes": 0}, "Parkdauer"),
                            ({"minutes": 180}, "höchstens 120 Minuten"), ({"token": ""}, "bestätigen")]:
        with pytest.raises(ValidationError, match=message):
            start(driver, zone, **kwargs)
    with pytest.raises(ValidationError, match="Parkzone"):
        services.street_session_start(user=driver, zone_id=999999, plate="DA-AB 1", minutes=30, start_token="x",
                                      now=MONDAY_10)
    assert not ParkingSession.objects.exists()


def test_extend_and_stop_to_the_minute(driver, zone):
    session = start(driver, zone, minutes=30)
    session = services.street_session_extend(user=driver, session_id=session.pk, minutes=30,
                                             now=MONDAY_10 + dt.timedelta(minutes=20))
    assert session.ends_at == MONDAY_10 + dt.timedelta(hours=1) and session.quoted_cents == 200
    with pytest.raises(ValidationError, match="höchstens 120"):
        services.street_session_extend(user=driver, session_id=session.pk, minutes=90, now=MONDAY_10)
    stopped = services.street_session_stop(user=driver, session_id=session.pk,
                                           now=MONDAY_10 + dt.timedelta(minutes=44, seconds=10))
    assert stopped.amount_cents == 150  # 45 started minutes x 100/30 ct
    assert stopped.ends_at == MONDAY_10 + dt.timedelta(minutes=44, seconds=10)
    again = services.street_session_stop(user=driver, session_id=session.pk, now=MONDAY_10 + dt.timedelta(hours=1))
    assert again.amount_cents == 150


def test_another_driver_cannot_touch_a_session(driver, zone):
    session = start(driver, zone)
    other = User.objects.create_user("other@example.org", "Sicher-genug-2026")
    with pytest.raises(PermissionDenied):
        services.street_session_stop(user=other, session_id=session.pk, now=MONDAY_10)
    with pytest.raises(PermissionDenied):
        services.street_session_extend(user=other, session_id=session.pk, minutes=10, now=MONDAY_10)


def test_the_reminder_names_the_platform_from_the_settings(driver, zone, settings):
    settings.PLATFORM_NAME = "Musterportal"
    session = start(driver, zone)
    assert services.street_session_remind(session_id=session.pk, due=session.reminder_due_at,
                                          now=session.reminder_due_at)
    body = OutboundEmail.objects.get(purpose="parking.street_reminder").body_text
    assert "Musterportal – Handyparken" in body and "Darmstadt" not in body


def test_the_reminder_is_sent_once_and_not_after_an_extension(driver, zone):
    session = start(driver, zone)
    due = session.reminder_due_at
    assert services.street_session_remind(session_id=session.pk, due=due, now=due)
    assert not services.street_session_remind(session_id=session.pk, due=due, now=due)
    mail = OutboundEmail.objects.get(purpose="parking.street_reminder")
    assert "DA-AB 123" in mail.subject and "11:00" in mail.subject
    assert "Digitalstadt Darmstadt – Handyparken" in mail.body_text  # the platform's name from the settings
    extended = services.street_session_extend(user=driver, session_id=session.pk, minutes=30, now=due)
    assert not services.street_session_remind(session_id=session.pk, due=due, now=due)
    assert services.street_session_remind(session_id=session.pk, due=extended.reminder_due_at,
                                          now=extended.reminder_due_at)


def test_expired_sessions_end_at_their_paid_end(driver, zone):
    session = start(driver, zone, minutes=30)
    assert services.street_sessions_finish_expired(now=MONDAY_10 + dt.timedelta(hours=2)) == 1
    session.refresh_from_db()
    assert session.status == "stopped" and session.amount_cents == 100


def test_the_monthly_bill_is_one_payment(driver, zone):
    first = start(driver, zone, minutes=30)
    services.street_session_stop(user=driver, session_id=first.pk, now=MONDAY_10 + dt.timedelta(minutes=30))
    later = MONDAY_10 + dt.timedelta(days=1)
    second = start(driver, zone, minutes=60, token="t2", now=later)
    services.street_session_stop(user=driver, session_id=second.pk, now=later + dt.timedelta(minutes=15))
    statement = statement_of_month(user=driver, year=2026, month=3)
    assert statement.total_cents == 150 and len(statement.sessions) == 2
    payment = services.street_statement_close(user=driver, year=2026, month=3)
    assert payment.amount_cents == 150 and payment.payer == driver
    assert services.street_statement_close(user=driver, year=2026, month=3) is None
    assert set(ParkingSession.objects.values_list("payment_reference", flat=True)) == {payment.reference}


def test_vehicles_are_saved_once_and_only_readable_plates(driver):
    vehicle = services.vehicle_add(owner=driver, plate="da ab 123")
    assert vehicle.plate == "DA-AB 123"
    assert services.vehicle_add(owner=driver, plate="DA-AB123").pk == vehicle.pk
    with pytest.raises(ValidationError):
        services.vehicle_add(owner=driver, plate="BAB1")
    other = User.objects.create_user("o@example.org", "Sicher-genug-2026")
    with pytest.raises(PermissionDenied):
        services.vehicle_remove(owner=other, vehicle_id=vehicle.pk)
    services.vehicle_remove(owner=driver, vehicle_id=vehicle.pk)
    assert not Vehicle.objects.exists()


def test_enforcement_answers(driver, zone):
    wa1 = ParkingZone.objects.create(code="WA1", name_de="Martinsviertel-Ost")
    resident = make_street_zone("WA1", resident_zone=wa1)
    holder = User.objects.create_user("h@example.org", "Sicher-genug-2026")
    day = MONDAY_10.date()
    ResidentPermit.objects.create(number="P1", holder=holder, zone=wa1, plate="DA-PP 1", valid_from=day,
                                  valid_until=day)
    ResidentPermit.objects.create(number="P2", holder=holder, zone=wa1, plate="DA-RR 2", valid_from=day,
                                  valid_until=day, revoked_at=MONDAY_10 - dt.timedelta(days=1))
    start(driver, zone, plate="B-AB 123")
    now = MONDAY_10 + dt.timedelta(minutes=5)
    answer = enforcement_check(plate="b ab 123", zone=zone, now=now)
    assert answer.result == "session" and answer.until == MONDAY_10 + dt.timedelta(hours=1)
    assert enforcement_check(plate="BA-B 123", zone=zone, now=now).result == "none"  # Bamberg is another car
    assert enforcement_check(plate="B-AB 123", zone=resident, now=now).result == "none"  # other zone
    assert enforcement_check(plate="B-AB 123", zone=zone, now=now + dt.timedelta(hours=1)).result == "none"
    assert enforcement_check(plate="DA PP 1", zone=resident, now=now).result == "permit"
    wrong_zone = enforcement_check(plate="DA PP 1", zone=zone, now=now)
    assert wrong_zone.result == "none" and wrong_zone.other_zone_permits
    assert enforcement_check(plate="DA-RR 2", zone=resident, now=now).result == "revoked"
    assert enforcement_check(plate="DA-ZZ 9", zone=None, now=now).result == "none"


@pytest.fixture
def voucher(settings):
    """A real park & shop voucher: a shop's programme (30 min, up to 2 €), a paid click &
    collect order on Monday morning."""
    import time_machine

    from digitalstadt.parking.models import Voucher

    from .voucher_factories import epay_settings, paid_order, shop_with_programme

    epay_settings(settings)
    with time_machine.travel(MONDAY_10 - dt.timedelta(hours=1), tick=False):
        shop, _owner = shop_with_programme(budget_cents=1000, max_value_cents=200, minutes=30)
        order = paid_order(shop)
    return Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{order.pk}")


def test_a_voucher_covers_the_start_and_charges_the_shops_budget(driver, zone, voucher):
    from digitalstadt.parking.models import Redemption, VoucherProgramme

    session = start(driver, zone, voucher_code=voucher.code.lower())
    assert (session.voucher_code, session.voucher_minutes, session.quoted_cents) == (voucher.code, 30, 100)
    assert session.voucher_until == MONDAY_10 + dt.timedelta(minutes=30)
    redemption = Redemption.unscoped_objects.get(voucher=voucher)
    assert (redemption.channel, redemption.amount_cents, redemption.session_ref) == ("street", 100, str(session.pk))
    programme = VoucherProgramme.unscoped_objects.get(pk=voucher.programme_id)
    assert (programme.balance_cents, programme.spent_cents) == (900, 100)  # 2 € reserved, 1 € used, 1 € back
    assert enforcement_check(plate="DA-AB 123", zone=zone, now=MONDAY_10 + dt.timedelta(minutes=10)).result == "voucher"
    assert enforcement_check(plate="DA-AB 123", zone=zone, now=MONDAY_10 + dt.timedelta(minutes=40)).result == "session"
    # Used once: a second car cannot start with it, and nothing of that start is kept.
    with pytest.raises(ValidationError, match="eingelöst"):
        start(driver, zone, plate="DA-CD 45", token="t2", voucher_code=voucher.code)
    assert ParkingSession.objects.count() == 1 and Redemption.unscoped_objects.count() == 1


def test_a_voucher_worth_less_than_its_minutes_covers_what_it_pays_for(driver, voucher):
    from digitalstadt.parking.models import Voucher

    Voucher.unscoped_objects.filter(pk=voucher.pk).update(max_value_cents=50)
    zone_i = make_street_zone("I", max_stay=120)  # 1 € per 30 min: 50 ct pay for 15 minutes
    session = start(driver, zone_i, voucher_code=voucher.code)
    assert (session.voucher_minutes, session.quoted_cents) == (15, 150)


def test_an_unknown_voucher_is_refused_and_nothing_starts(driver, zone):
    with pytest.raises(ValidationError, match="Parkgutschein gibt es nicht"):
        start(driver, zone, voucher_code="PS-AAAA-BBBB-CCCC")
    assert not ParkingSession.objects.exists()


def test_a_session_running_over_the_month_end_comes_on_the_next_bill(driver):
    """Started 31 January 23:30, still running when January is billed at 04:00 on
    1 February, stopped at 04:30: February's bill has it (it must not be lost)."""
    from django.core.management import call_command

    night = make_street_zone("N", days=range(7), start=0, end=24)  # charged day and night
    late = dt.datetime(2026, 1, 31, 23, 30, tzinfo=BERLIN)
    session = start(driver, night, minutes=360, now=late)
    with time_machine.travel(dt.datetime(2026, 2, 1, 4, 0, tzinfo=BERLIN), tick=False):
        call_command("street_parking_bill", stdout=StringIO())
    session.refresh_from_db()
    assert session.status == "active" and session.payment_reference == ""
    services.street_session_stop(user=driver, session_id=session.pk, now=late + dt.timedelta(hours=5))
    with time_machine.travel(dt.datetime(2026, 3, 1, 4, 0, tzinfo=BERLIN), tick=False):
        call_command("street_parking_bill", stdout=StringIO())
    session.refresh_from_db()
    assert session.amount_cents == 1000 and session.payment_reference
    from digitalstadt.payments.models import Payment

    assert Payment.objects.get(reference=session.payment_reference).amount_cents == 1000


def test_expired_sessions_are_all_finished_not_one_batch(driver, zone, monkeypatch):
    monkeypatch.setattr(services, "FINISH_BATCH", 1)
    for n in range(3):
        start(driver, zone, plate=f"DA-AB {n + 1}", minutes=30, token=f"t{n}")
    assert services.street_sessions_finish_expired(now=MONDAY_10 + dt.timedelta(hours=2)) == 3
    assert not ParkingSession.objects.filter(status="active").exists()


def test_a_voucher_stopped_early_charges_the_shop_only_what_it_saved(driver, zone, voucher):
    """30 voucher minutes at 1 € per 30 minutes: the start charges 1 €; stopped after
    5 minutes the voucher saved 5 minutes' price, the rest goes back to the budget."""
    from digitalstadt.parking.models import Redemption, VoucherProgramme

    session = start(driver, zone, voucher_code=voucher.code)
    assert Redemption.unscoped_objects.get(voucher=voucher).amount_cents == 100
    session = services.street_session_stop(user=driver, session_id=session.pk, now=MONDAY_10 + dt.timedelta(minutes=5))
    saved = 17  # 5 of 30 minutes at 1 €, charged to the minute
    assert session.amount_cents == 0
    redemption = Redemption.unscoped_objects.get(voucher=voucher)
    assert redemption.amount_cents == saved
    programme = VoucherProgramme.unscoped_objects.get(pk=voucher.programme_id)
    assert (programme.balance_cents, programme.spent_cents) == (1000 - saved, saved)
    assert AuditEntry.objects.filter(action="parking.voucher_redemption_adjusted", data__returned_cents=100 - saved
                                     ).exists()
    services.street_session_stop(user=driver, session_id=session.pk, now=MONDAY_10 + dt.timedelta(minutes=9))
    assert VoucherProgramme.unscoped_objects.get(pk=voucher.programme_id).spent_cents == saved  # once


def test_a_voucher_on_an_expired_session_is_settled_on_the_time_parked(driver, zone, voucher):
    from digitalstadt.parking.models import Redemption, VoucherProgramme

    start(driver, zone, minutes=60, voucher_code=voucher.code)
    services.street_sessions_finish_expired(now=MONDAY_10 + dt.timedelta(hours=2))
    assert Redemption.unscoped_objects.get(voucher=voucher).amount_cents == 100  # all 30 minutes were used
    assert VoucherProgramme.unscoped_objects.get(pk=voucher.programme_id).spent_cents == 100


def test_a_voucher_in_free_time_is_refused_and_stays_valid(driver, zone, voucher):
    from digitalstadt.parking.models import Redemption

    evening = MONDAY_10.replace(hour=21)  # after the charged hours: parking is free
    with pytest.raises(ValidationError, match="spart bei diesem Parkvorgang nichts"):
        start(driver, zone, now=evening, voucher_code=voucher.code)
    voucher.refresh_from_db()
    assert voucher.status == "issued" and not Redemption.unscoped_objects.exists()
    assert not ParkingSession.objects.exists()
