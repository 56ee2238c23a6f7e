"""core.params: one way to read dates, ids, UUIDs, choices and texts from requests."""

import datetime as dt
import uuid

import pytest
from django.http import QueryDict
from django.utils import timezone, translation

from digitalstadt.core.params import (
    BadParameter,
    query_choice,
    query_date,
    query_datetime,
    query_int,
    query_text,
    query_uuid,
)


def data(**values) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(values)
    return query


def test_absent_or_empty_gives_the_default_and_required_says_what_is_missing():
    assert query_date(data(), "datum", default=dt.date(2026, 12, 1)) == dt.date(2026, 12, 1)
    assert query_int(data(schalter=""), "schalter") is None
    with pytest.raises(BadParameter, match="Die Angabe „entry“ fehlt."):
        query_uuid(data(entry=""), "entry", required=True)


def test_dates_parse_and_stay_in_a_sane_range():
    assert query_date(data(datum="2026-12-01"), "datum") == dt.date(2026, 12, 1)
    for far in ("9999-12-31", "0001-01-01", "2201-01-01", "1899-12-31"):
        with pytest.raises(BadParameter, match="liegt außerhalb des möglichen Bereichs"):
            query_date(data(datum=far), "datum")
    with pytest.raises(BadParameter, match="ist kein gültiges Datum"):
        query_date(data(datum="2026-02-30"), "datum")
    with pytest.raises(BadParameter, match="außerhalb"):
        query_date(data(datum="2027-01-01"), "datum", latest=dt.date(2026, 12, 31))


def test_datetimes_are_aware_in_local_time():
    moment = query_datetime(data(ab="2026-12-01T10:20"), "ab")
    assert timezone.is_aware(moment) and timezone.localtime(moment).hour == 10
    with pytest.raises(BadParameter, match="außerhalb"):
        query_datetime(data(ab="9999-12-31T23:59"), "ab")
    with pytest.raises(BadParameter, match="keine gültige Zeitangabe"):
        query_datetime(data(ab="morgen"), "ab")


def test_ids_are_whole_numbers_a_database_can_hold():
    assert query_int(data(schalter=" 42 "), "schalter") == 42
    for bad in ("abc", "4.2", "--5", "1" + "0" * 30, "²"):
        with pytest.raises(BadParameter):
            query_int(data(schalter=bad), "schalter")
    with pytest.raises(BadParameter, match="außerhalb"):
        query_int(data(schalter="0"), "schalter")
    assert query_int(data(seite="-3"), "seite", minimum=-5, maximum=5) == -3


def test_uuids_choices_and_texts():
    value = uuid.uuid4()
    assert query_uuid(data(entry=str(value)), "entry") == value
    with pytest.raises(BadParameter, match="„not-a-uuid“ ist keine gültige Kennung."):
        query_uuid(data(entry="not-a-uuid"), "entry")
    assert query_choice(data(status="open"), "status", [("open", "offen"), ("closed", "zu")]) == "open"
    assert query_choice(data(), "status", ["open"], default="open") == "open"
    with pytest.raises(BadParameter, match="nicht möglich"):
        query_choice(data(status="x"), "status", ["open"])
    assert query_text(data(q="  Perso  "), "q") == "Perso"
    with pytest.raises(BadParameter, match="unzulässige Zeichen"):
        query_text(data(q="a\x00b"), "q")


def test_a_long_bad_value_is_shown_short_and_printable_and_in_english_for_english_pages():
    with pytest.raises(BadParameter) as caught:
        query_int(data(schalter="x" * 500), "schalter")
    assert len(caught.value.message) < 100
    with pytest.raises(BadParameter, match="contains characters that are not allowed"):
        with translation.override("en"):
            query_date(data(datum="2026\x00"), "datum")
