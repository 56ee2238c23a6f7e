"""The Gewerbeanmeldung export: schema, completeness against the forms, recipients, docs."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator

from digitalstadt.applications.exports import gewerbe
from digitalstadt.applications.exports.gewerbe import (
    FIELD_POINTERS,
    JSON_SCHEMA,
    SCHEMA_FILE,
    business_registration_export,
)
from digitalstadt.applications.plugins.gewerbeanmeldung import BusinessForm, PersonForm

FORMS = {"person": PersonForm, "betrieb": BusinessForm}
DOCS_PAGE = Path(SCHEMA_FILE).parent / "gewerbeanmeldung.md"

# Every field filled, booleans true and counts non-zero, so each value provably flows through.
FULL_DATA = {
    "person": {"family_name": "Musterfrau", "given_names": "Erika Maria", "birth_name": "Gabler", "sex": "f",
               "birth_date": "1985-04-12", "birth_place": "Darmstadt, Deutschland",
               "nationality": "deutsch, italienisch", "residence": "Luisenplatz 5, 64283 Darmstadt",
               "phone": "06151 123456"},
    "betrieb": {"legal_form": "gmbh", "company_name": "Kaffeerösterei Musterfrau GmbH",
                "register_court": "Amtsgericht Darmstadt", "register_number": "HRB 12345",
                "street": "Rheinstraße", "house_number": "12a", "postal_code": "64283",
                "activity": "Einzelhandel mit Kaffee und Röstmaschinen", "start_date": "2026-05-01",
                "business_type": ["handel", "handwerk"], "establishment": "hauptniederlassung",
                "reason": "neuerrichtung", "side_business": True, "employees_full_time": 3,
                "employees_part_time": 2, "permit_required": True},
}


def make_case(data=None, *, office=True, decided=True):
    berlin = ZoneInfo("Europe/Berlin")
    return SimpleNamespace(
        reference="DA-2026-000123",
        submitted_at=dt.datetime(2026, 3, 2, 10, 15, tzinfo=berlin),
        decided_at=dt.datetime(2026, 3, 4, 9, 0, tzinfo=berlin) if decided else None,
        office=SimpleNamespace(name="Gewerbeamt Darmstadt", street="Luisenplatz 5", postal_code="64283",
                               city="Darmstadt") if office else None,
        service=SimpleNamespace(leika_key="99000000000000"),  # a dummy key
        applicant=SimpleNamespace(email="erika@example.org"),
        data=copy.deepcopy(FULL_DATA if data is None else data),
    )


def resolve(document, pointer: str):
    value = document
    for part in pointer.lstrip("/").split("/"):
        value = value[part]
    return value


def assert_valid(document):
    validator = Draft202012Validator(JSON_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(document)]
    assert not errors, errors


def test_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(JSON_SCHEMA)


def test_full_export_validates_against_the_schema():
    assert_valid(business_registration_export(case=make_case()))


def test_every_form_field_is_mapped_and_its_value_exported():
    document = business_registration_export(case=make_case())
    form_fields = {(step, name) for step, form_class in FORMS.items() for name in form_class.base_fields}

    assert form_fields - FIELD_POINTERS.keys() == set(), "form fields without a place in the export"
    assert FIELD_POINTERS.keys() - form_fields == set(), "mapping rows for fields the forms no longer have"
    for (step, name), pointer in FIELD_POINTERS.items():
        expected = FULL_DATA[step][name]
        if name == "nationality":
            expected = ["deutsch", "italienisch"]
        elif name == "business_type":
            expected = ["handwerk", "handel"]  # in code-list order
        assert resolve(document, pointer) == expected, (step, name, pointer)


def test_code_lists_of_the_schema_match_the_form_choices():
    def codes(form_class, name):
        return [value for value, _label in form_class.base_fields[name].choices]

    assert gewerbe.SEX_CODES == codes(PersonForm, "sex")
    assert gewerbe.LEGAL_FORM_CODES == codes(BusinessForm, "legal_form")
    assert gewerbe.BUSINESS_TYPE_CODES == codes(BusinessForm, "business_type")
    assert gewerbe.ESTABLISHMENT_CODES == codes(BusinessForm, "establishment")
    assert gewerbe.REASON_CODES == codes(BusinessForm, "reason")


def test_message_metadata_and_authority():
    document = business_registration_export(case=make_case())

    assert document["schema"] == JSON_SCHEMA["$id"]
    assert document["schemaVersion"] == "1.0"
    message = document["message"]
    assert message["kind"] == "Anmeldung"
    assert message["reference"] == "DA-2026-000123"
    assert message["authority"]["name"] == "Gewerbeamt Darmstadt"
    assert message["authority"]["municipalityKey"] == "06411000"
    assert document["business"]["legalForm"]["label"] == "Gesellschaft mit beschränkter Haftung (GmbH)"
    assert document["business"]["establishment"]["address"]["city"] == "Darmstadt"
    assert document["person"]["contact"]["email"] == "erika@example.org"


def test_municipality_key_comes_from_the_setting(settings):
    settings.MUNICIPALITY_KEY = "06412000"

    document = business_registration_export(case=make_case())

    assert document["message"]["authority"]["municipalityKey"] == "06412000"
    assert document["business"]["establishment"]["address"]["municipalityKey"] == "06412000"


def test_dates_and_timestamps_stay_iso_strings():
    document = business_registration_export(case=make_case())

    assert document["person"]["birthDate"] == "1985-04-12"
    assert document["business"]["startDate"] == "2026-05-01"
    submitted = document["message"]["submittedAt"]
    assert isinstance(submitted, str)
    assert dt.datetime.fromisoformat(submitted) == dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.UTC)
    assert dt.datetime.fromisoformat(submitted).utcoffset() is not None
    json.dumps(document)  # nothing but JSON types


def test_missing_optional_values_become_null_not_empty_strings():
    data = copy.deepcopy(FULL_DATA)
    data["person"].update(birth_name="", phone="   ")
    del data["betrieb"]["company_name"]
    data["betrieb"].update(legal_form="einzelunternehmen", register_court="", register_number="",
                           side_business=False, permit_required=False)

    document = business_registration_export(case=make_case(data, office=False, decided=False))

    assert document["person"]["birthName"] is None
    assert document["person"]["contact"]["phone"] is None
    assert document["business"]["name"] is None
    assert document["business"]["registerEntry"] == {"court": None, "number": None}
    assert document["message"]["decidedAt"] is None
    assert document["message"]["authority"]["name"] is None
    assert document["business"]["sideBusiness"] is False
    assert_valid(document)


def test_handwerk_adds_the_handwerkskammer():
    data = copy.deepcopy(FULL_DATA)
    data["betrieb"]["business_type"] = ["handel"]
    trade_only = business_registration_export(case=make_case(data))
    with_craft = business_registration_export(case=make_case())

    trade_keys = [recipient["key"] for recipient in trade_only["recipients"]]
    craft_keys = [recipient["key"] for recipient in with_craft["recipients"]]
    assert "ihk" in trade_keys and "hwk" not in trade_keys
    assert "ihk" in craft_keys and "hwk" in craft_keys
    assert {"finanzamt", "statistik", "berufsgenossenschaft"} <= set(trade_keys)
    hwk = next(r for r in with_craft["recipients"] if r["key"] == "hwk")
    assert hwk["name"] == "Handwerkskammer Frankfurt-Rhein-Main"


def test_published_schema_file_equals_the_schema():
    published = json.loads(Path(SCHEMA_FILE).read_text(encoding="utf-8"))

    assert published == JSON_SCHEMA, ("docs schema is stale: run "
                                      "PYTHONPATH=src python -m digitalstadt.applications.exports.gewerbe")


@pytest.mark.parametrize("pointer", sorted(set(FIELD_POINTERS.values())))
def test_docs_mapping_table_names_every_exported_field(pointer):
    assert f"`{pointer}`" in DOCS_PAGE.read_text(encoding="utf-8")
