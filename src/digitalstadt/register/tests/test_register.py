from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from digitalstadt.accounts.models import User
from digitalstadt.register import demo
from digitalstadt.register.models import District, ParkingZone, PickupDate, Resident, Street, StreetZone
from digitalstadt.register.selectors import pickup_dates_open, resident_for_user, street_find, zone_for

pytestmark = pytest.mark.django_db

HESSIAN_HOLIDAYS = holidays.Germany(subdiv="HE", years=range(2025, 2028))


@pytest.fixture
def nord():
    return District.objects.create(slug="nord", name="Darmstadt-Nord")


@pytest.fixture
def zones():
    return {code: ParkingZone.objects.create(code=code, name_de=name)
            for code, name in [("WA1", "Martinsviertel-Ost"), ("WA2", "Martinsviertel-West"), ("JO", "Johannesviertel")]}


def make_street(district, name, postal_code="64289"):
    return Street.objects.create(name=name, postal_code=postal_code, district=district)


def make_resident(street, **fields):
    values = {"family_name": "Eid", "given_names": "Emil", "birth_date": date(1985, 4, 12),
              "birth_place": "Darmstadt", "house_number": "20", "moved_in": date(2019, 9, 1)}
    return Resident.objects.create(street=street, **{**values, **fields})


# --- zone_for ---------------------------------------------------------------------------

def test_a_whole_street_zone_applies_to_every_house_number_and_to_none(nord, zones):
    street = make_street(nord, "Liebfrauenstraße")
    StreetZone.objects.create(street=street, zone=zones["WA1"])

    for number in ["1", "20a", "999", "", "Hinterhaus"]:
        assert zone_for(street=street, house_number=number) == zones["WA1"], number


def test_a_house_number_range_covers_its_numbers_and_suffixes_only(nord, zones):
    street = make_street(nord, "Heinheimer Straße")
    StreetZone.objects.create(street=street, zone=zones["WA1"], number_from=1, number_to=60)

    assert zone_for(street=street, house_number="20") == zones["WA1"]
    assert zone_for(street=street, house_number="20a") == zones["WA1"]
    assert zone_for(street=street, house_number=" 60 ") == zones["WA1"]
    assert zone_for(street=street, house_number="61") is None
    assert zone_for(street=street, house_number="75") is None
    # Not a house number: no guess at a zone.
    assert zone_for(street=street, house_number="Hinterhaus") is None
    assert zone_for(street=street, house_number="") is None
    assert zone_for(street=street, house_number="20-22") is None


def test_an_open_ended_range_puts_the_rest_of_the_street_in_another_zone(nord, zones):
    street = make_street(nord, "Heinheimer Straße")
    StreetZone.objects.create(street=street, zone=zones["WA1"], number_from=1, number_to=60)
    StreetZone.objects.create(street=street, zone=zones["WA2"], number_from=61)

    assert zone_for(street=street, house_number="59b") == zones["WA1"]
    assert zone_for(street=street, house_number="61") == zones["WA2"]
    assert zone_for(street=street, house_number="1204") == zones["WA2"]
    assert zone_for(street=street, house_number="x") is None


def test_a_street_without_zone_has_none(nord):
    street = make_street(nord, "Alsfelder Straße")

    assert zone_for(street=street, house_number="6") is None


# --- street_find ------------------------------------------------------------------------

def test_street_find_accepts_the_ways_people_type_a_street(nord):
    heinheimer = make_street(nord, "Heinheimer Straße")
    make_street(nord, "Heinrichstraße", "64283")
    landgraf = make_street(nord, "Landgraf-Georg-Straße", "64283")

    assert street_find(name="Heinheimer Straße") == heinheimer
    assert street_find(name="Heinheimer Str.") == heinheimer
    assert street_find(name="heinheimer strasse") == heinheimer
    assert street_find(name="  HEINHEIMER   STR ") == heinheimer
    assert street_find(name="Landgraf Georg Str.") == landgraf
    assert street_find(name="Heinheimer") is None
    assert street_find(name="") is None


def test_street_find_filters_by_postal_code(nord):
    west = District.objects.create(slug="west", name="Darmstadt-West")
    in_nord = make_street(nord, "Frankfurter Straße", "64293")
    in_west = make_street(west, "Frankfurter Straße", "64295")

    assert street_find(name="Frankfurter Str.", postal_code="64293") == in_nord
    assert street_find(name="Frankfurter Str.", postal_code=" 64295 ") == in_west
    assert street_find(name="Frankfurter Straße", postal_code="64283") is None


# --- resident_for_user ------------------------------------------------------------------

def test_the_record_is_found_through_the_eid_subject(nord):
    street = make_street(nord, "Heinheimer Straße")
    make_resident(street, family_name="Andere", given_names="Anna", eid_subject="subject-anna")
    record = make_resident(street, eid_subject="subject-emil")
    user = User.objects.create_user("emil@example.org", "pw-Darmstadt-1", eid_subject="subject-emil")

    assert resident_for_user(user=user) == record


def test_a_secondary_residence_is_not_the_record(nord):
    street = make_street(nord, "Heinheimer Straße")
    make_resident(street, eid_subject="subject-emil", kind=Resident.Kind.SECONDARY)
    user = User.objects.create_user("emil@example.org", "pw-Darmstadt-1", eid_subject="subject-emil")

    assert resident_for_user(user=user) is None


def test_matching_names_without_eid_subject_find_nothing(nord):
    street = make_street(nord, "Heinheimer Straße")
    make_resident(street, eid_subject="subject-emil")
    make_resident(street, given_names="Emil", family_name="Eid", birth_date=date(1990, 1, 1))  # no subject either
    namesake = User.objects.create_user("emil.eid@example.org", "pw-Darmstadt-1", first_name="Emil", last_name="Eid")
    blank_subject = User.objects.create_user("leer@example.org", "pw-Darmstadt-1", first_name="Emil",
                                             last_name="Eid", eid_subject="")

    assert resident_for_user(user=namesake) is None
    assert resident_for_user(user=blank_subject) is None
    assert resident_for_user(user=AnonymousUser()) is None


# --- pick-up days -----------------------------------------------------------------------

def test_open_pickup_dates_exclude_full_past_and_todays_days(nord):
    today = date(2026, 6, 10)
    other = District.objects.create(slug="ost", name="Darmstadt-Ost")
    PickupDate.objects.create(district=nord, date=today - timedelta(days=7))
    PickupDate.objects.create(district=nord, date=today)
    full = PickupDate.objects.create(district=nord, date=today + timedelta(days=1), capacity=20, booked=20)
    almost_full = PickupDate.objects.create(district=nord, date=today + timedelta(days=8), capacity=20, booked=19)
    later = PickupDate.objects.create(district=nord, date=today + timedelta(days=15))
    PickupDate.objects.create(district=other, date=today + timedelta(days=2))

    # 09:00 on Wednesday 10 June: the cut-off of the 18th (noon two working days before) is far.
    now = datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert list(pickup_dates_open(district=nord, now=now)) == [almost_full, later]
    assert list(pickup_dates_open(district=nord, now=now, limit=1)) == [almost_full]
    assert full.free == 0 and almost_full.free == 1


@pytest.mark.parametrize("weekday, after, skipped", [
    (3, date(2025, 12, 20), [date(2025, 12, 25), date(2026, 1, 1)]),  # Christmas and New Year on Thursdays
    (0, date(2026, 3, 30), [date(2026, 4, 6), date(2026, 5, 25)]),  # Easter and Whit Monday
    (4, date(2026, 3, 30), [date(2026, 4, 3), date(2026, 5, 1)]),  # Good Friday, Labour Day
    (3, date(2026, 5, 1), [date(2026, 5, 14), date(2026, 6, 4)]),  # Ascension, Corpus Christi (Hesse)
])
def test_pickup_days_skip_hessian_holidays(weekday, after, skipped):
    days = demo.pickup_days(weekday=weekday, after=after)

    assert len(days) == 10 and days == sorted(set(days))
    assert all(day > after and day.weekday() == weekday and day not in HESSIAN_HOLIDAYS for day in days)
    assert not set(skipped) & set(days)
    # Each skipped holiday pushes the series on by one week; nothing else is skipped.
    first_candidate = after + timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)
    assert days[-1] == first_candidate + timedelta(weeks=9 + len(skipped))


def test_pickup_days_start_tomorrow_at_the_earliest():
    wednesday = date(2026, 6, 10)

    assert demo.pickup_days(weekday=2, after=wednesday)[0] == date(2026, 6, 17)
    assert demo.pickup_days(weekday=3, after=wednesday)[0] == date(2026, 6, 11)


# --- the demo seeder --------------------------------------------------------------------

def counts():
    return {model.__name__: model.objects.count()
            for model in (District, ParkingZone, Street, StreetZone, Resident, PickupDate)}


@pytest.fixture
def demo_accounts():
    emil = User.objects.create_user("eid@digitalstadt.example", "pw-Darmstadt-1", first_name="Emil", last_name="Eid")
    berta = User.objects.create_user("buerger@digitalstadt.example", "pw-Darmstadt-1", first_name="Berta",
                                     last_name="Bürger")
    return emil, berta


def test_the_seeder_is_idempotent_and_links_emils_account(demo_accounts):
    emil, berta = demo_accounts

    demo.seed()
    first = counts()
    demo.seed()

    assert counts() == first
    assert first["District"] == 9 and first["ParkingZone"] == 8 and 60 <= first["Street"] <= 90
    assert first["PickupDate"] == 9 * 10 and 20 <= first["Resident"] <= 30
    assert not Resident.objects.filter(is_demo=False).exists()
    emil.refresh_from_db()
    berta.refresh_from_db()
    assert emil.eid_subject == "demo-eid-emil"
    assert not berta.eid_subject and resident_for_user(user=berta) is None
    record = resident_for_user(user=emil)
    assert (record.family_name, record.given_names, record.birth_date) == ("Eid", "Emil", date(1985, 4, 12))
    assert (record.address_line, record.city_line, record.moved_in) == (
        "Heinheimer Straße 20", "64289 Darmstadt", date(2019, 9, 1))
    assert zone_for(street=record.street, house_number=record.house_number).code == "WA1"


def test_the_seeder_runs_without_the_accounts_and_keeps_an_existing_eid_link():
    demo.seed()
    assert Resident.objects.filter(eid_subject="demo-eid-emil").count() == 1

    emil = User.objects.create_user("eid@digitalstadt.example", "pw-Darmstadt-1", eid_subject="real-subject")
    demo.seed()
    emil.refresh_from_db()
    assert emil.eid_subject == "real-subject"


def test_seeded_zones_mark_invented_codes_as_demo():
    demo.seed()

    zones = {z.code: z for z in ParkingZone.objects.all()}
    assert {code for code, zone in zones.items() if zone.is_demo} == {"WO", "BN", "BO"}
    assert zones["WA1"].valid_from == date(2023, 12, 1) and zones["WA2"].valid_from == date(2024, 3, 1)
    assert zones["k"].valid_from == date(2017, 11, 1)
    every_zone_has_streets = all(zone.streets.exists() for zone in zones.values())
    assert every_zone_has_streets
    assert all(District.objects.get(slug=slug).streets.exists() for slug, _name, _day in demo.DISTRICTS)
    assert StreetZone.objects.filter(number_from__isnull=False).exists()


def test_seeded_pickup_days_avoid_weekends_and_hessian_holidays(monkeypatch):
    # Seed just before Easter, so Good Friday, Easter Monday, Labour Day, Ascension and
    # Whit Monday all fall within the ten weeks.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 3, 29))
    demo.seed()

    days = list(PickupDate.objects.select_related("district"))
    assert len(days) == 90
    assert all(d.date.weekday() < 5 and d.date not in HESSIAN_HOLIDAYS for d in days)
    assert all(d.date > date(2026, 3, 29) and d.capacity == 20 and d.booked == 0 for d in days)
    weekdays = {d.district.slug: d.date.weekday() for d in days}
    assert set(weekdays.values()) == {0, 1, 2, 3, 4}
    mitte = [d.date for d in days if d.district.slug == "mitte"]
    assert date(2026, 4, 6) not in mitte and date(2026, 4, 13) in mitte


def test_the_seeder_runs_after_the_services_and_before_street_parking():
    seeders = settings.DEMO_SEEDERS
    assert seeders.index("digitalstadt.register.demo.seed") > seeders.index("digitalstadt.applications.demo.seed")
    assert seeders.index("digitalstadt.register.demo.seed") > seeders.index("digitalstadt.catalog.demo.seed")
    # street parking links its zones to the register's resident-parking zones
    assert seeders.index("digitalstadt.parking.street_demo.seed") > seeders.index("digitalstadt.register.demo.seed")


def test_the_register_is_read_only_in_the_admin_and_reads_are_logged(client, django_user_model):
    from digitalstadt.core.models import AuditEntry
    from digitalstadt.register.models import District, Resident, Street

    from allauth.mfa.totp.internal.auth import TOTP

    admin_user = django_user_model.objects.create_superuser("root@stadt.example", "Sicher-genug-2026")
    TOTP.activate(admin_user, "JBSWY3DPEHPK3PXPTESTTOTP234567AB")  # staff pages need MFA
    street = Street.objects.create(name="Teststraße", postal_code="64283",
                                   district=District.objects.create(slug="t", name="T"))
    resident = Resident.objects.create(family_name="Muster", given_names="Max", birth_date="1990-01-01",
                                       birth_place="Darmstadt", street=street, house_number="1",
                                       moved_in="2020-01-01", eid_subject="sub-1")
    client.force_login(admin_user)
    page = client.get(f"/admin/register/resident/{resident.pk}/change/")
    assert page.status_code == 200
    assert AuditEntry.objects.filter(action="register.resident_viewed", subject_id=str(resident.pk)).exists()
    client.post(f"/admin/register/resident/{resident.pk}/change/", {"eid_subject": "stolen", "family_name": "X"})
    resident.refresh_from_db()
    assert resident.eid_subject == "sub-1" and resident.family_name == "Muster"


# --- pick-up places: taken and released only through register's services -------------


def test_a_pickup_place_is_taken_and_released_with_audit_rows(nord):
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from digitalstadt.core.models import AuditEntry
    from digitalstadt.register.services import pickup_place_release, pickup_place_take

    day = timezone.localdate() + timedelta(days=7)
    pickup = PickupDate.objects.create(district=nord, date=day, capacity=1)
    citizen = User.objects.create_user("buerger@example.org", "x" * 12)
    with transaction.atomic():
        taken = pickup_place_take(district_id=nord.pk, day=day, actor=citizen, regarding="DA-2026-000007")
    assert taken.pk == pickup.pk
    pickup.refresh_from_db()
    assert pickup.booked == 1
    with pytest.raises(ValidationError, match="ausgebucht"), transaction.atomic():
        pickup_place_take(district_id=nord.pk, day=day, actor=citizen)
    pickup.refresh_from_db()
    assert pickup.booked == 1
    with transaction.atomic():
        pickup_place_release(pickup_id=pickup.pk, actor=None, regarding="DA-2026-000007")
        pickup_place_release(pickup_id=pickup.pk, actor=None)  # never below zero
    pickup.refresh_from_db()
    assert pickup.booked == 0
    actions = list(AuditEntry.objects.filter(subject_type="register.pickupdate").values_list("action", flat=True))
    assert actions.count("register.pickup_place_taken") == 1
    assert actions.count("register.pickup_place_released") == 1

