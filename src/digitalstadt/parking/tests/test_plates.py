"""Plates keep the boundary between district code and letters."""

import pytest

from digitalstadt.parking.plates import PlateError, district_codes, normalise_plate, parse_plate


@pytest.mark.parametrize("typed, canonical", [
    ("DA-AB 123", "DA-AB123"), ("DA AB 123", "DA-AB123"), ("da ab123", "DA-AB123"), ("DA:AB-123", "DA-AB123"),
    ("  DA - AB 123 ", "DA-AB123"), ("DAAB123", "DA-AB123"), ("DAAB 123", "DA-AB123"),
    ("B-AB 123", "B-AB123"), ("BA-B 123", "BA-B123"), ("DA-X 9E", "DA-X9E"), ("DA-AB 123 H", "DA-AB123H"),
    ("OF-Z 1", "OF-Z1"), ("SÜW-AB 12", "SÜW-AB12"), ("HDAB1", "HD-AB1"),
])
def test_readable_plates(typed, canonical):
    assert parse_plate(typed).canonical == canonical


def test_berlin_and_bamberg_stay_different_cars():
    assert normalise_plate("B-AB 123") != normalise_plate("BA-B 123")
    assert normalise_plate("DA-AB 123") == normalise_plate("DA AB 123") == normalise_plate("DAAB123")


def test_display_form():
    assert parse_plate("da ab123e").display == "DA-AB 123E"


@pytest.mark.parametrize("typed", ["BAB123", "MAB1", "FFB12"])
def test_ambiguous_without_separator_asks_for_one(typed):
    with pytest.raises(PlateError) as raised:
        parse_plate(typed)
    assert "Bindestrich" in str(raised.value)


def test_ambiguous_message_names_the_readings():
    with pytest.raises(PlateError) as raised:
        parse_plate("BAB123")
    assert "B-AB 123" in str(raised.value) and "BA-B 123" in str(raised.value)


@pytest.mark.parametrize("typed", ["", "123", "DA-AB 0123", "DA-ABC 1", "DA-AB 12345", "DAAB", "QQAB1",
                                   "<script>", "DA-AB 1X", "A" * 30])
def test_unreadable_input_is_refused_with_a_message(typed):
    with pytest.raises(PlateError) as raised:
        parse_plate(typed)
    assert str(raised.value)


def test_unreadable_input_never_matches_a_real_plate():
    assert normalise_plate("BAB123").startswith("?")
    assert normalise_plate("BAB123") not in {normalise_plate("B-AB 123"), normalise_plate("BA-B 123")}


def test_the_shipped_list_holds_the_codes_we_need_and_says_it_is_compiled():
    assert {"DA", "B", "BA", "F", "OF", "HD", "M", "GG", "DI", "ERB", "HP", "MZ", "WI"} <= district_codes()
    from digitalstadt.parking.plates import CODES_FILE

    assert "not an official download" in CODES_FILE.read_text(encoding="utf-8").lower()
    assert all(1 <= len(code) <= 3 for code in district_codes())


@pytest.mark.django_db
def test_permits_are_stored_and_found_by_the_new_key():
    import datetime as dt

    from digitalstadt.accounts.models import User
    from digitalstadt.parking.models import ResidentPermit
    from digitalstadt.parking.selectors import plate_check
    from digitalstadt.register.models import ParkingZone

    holder = User.objects.create_user("h@example.org", "Sicher-genug-2026")
    zone = ParkingZone.objects.create(code="WA1", name_de="Martinsviertel-Ost")
    day = dt.date(2026, 3, 2)
    berlin = ResidentPermit.objects.create(number="BPA-1", holder=holder, zone=zone, plate="B-AB 123",
                                           valid_from=day, valid_until=day)
    assert berlin.plate_normalised == "B-AB123"
    assert plate_check(plate="b ab 123", day=day)[0] == "valid"
    assert plate_check(plate="BA-B 123", day=day)[0] == "none"


def test_the_data_migration_rewrites_old_keys():
    import importlib

    migration = importlib.import_module("digitalstadt.parking.migrations.0005_street")

    updates = {}

    class Manager:
        def only(self, *fields):
            return self

        def iterator(self):
            return iter([type("P", (), {"pk": 1, "plate": "BA-B 123"}), type("P", (), {"pk": 2, "plate": "DA-AB 1E"})])

        def filter(self, pk):
            return type("Q", (), {"update": lambda _self, **kw: updates.__setitem__(pk, kw["plate_normalised"])})()

    class Apps:
        def get_model(self, app, name):
            return type("M", (), {"objects": Manager()})

    migration.renormalise_permit_plates(Apps(), None)
    assert updates == {1: "BA-B123", 2: "DA-AB1E"}
    migration.merge_permit_plates(Apps(), None)
    assert updates == {1: "BAB123", 2: "DAAB1E"}
