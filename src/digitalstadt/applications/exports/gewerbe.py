"""Structured export of a Gewerbeanmeldung for the chambers and authorities.

Our own versioned JSON document, described by JSON_SCHEMA (JSON Schema 2020-12) and
documented, with a field-by-field mapping to XGewerbeanzeige concepts, in
docs/exports/gewerbeanmeldung.md. It claims NO conformance to XGewerbeanzeige: that
schema was not available when this was written. A later adapter has to be validated
against the official XSD.

Regenerate the published schema file after changing JSON_SCHEMA:
    PYTHONPATH=src python -m digitalstadt.applications.exports.gewerbe
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

SCHEMA_ID = "https://digitalstadt.example/schemas/gewerbeanzeige/1.0"
SCHEMA_VERSION = "1.0"
SCHEMA_FILE = Path(__file__).resolve().parents[4] / "docs" / "exports" / "gewerbeanzeige-1.0.schema.json"
DEFAULT_MUNICIPALITY_KEY = "06411000"  # Amtlicher Gemeindeschlüssel of Darmstadt

# DEMO DATA: the bodies that usually receive a copy of a Gewerbeanmeldung in Darmstadt
# (§ 14 Abs. 8 GewO, GewAnzV). Names, legal bases and conditions are plausible but not
# confirmed by the Gewerbeamt; check them (and the Finanzamt, which for a sole trader
# living elsewhere is the one of the residence) before anything is sent for real.
# `only_if_business_type` limits a recipient to notifications with that business type.
RECIPIENTS = [
    {"key": "ihk", "name": "IHK Darmstadt Rhein Main Neckar", "basis": "§ 14 Abs. 8 GewO"},
    {"key": "hwk", "name": "Handwerkskammer Frankfurt-Rhein-Main", "basis": "§ 14 Abs. 8 GewO",
     "only_if_business_type": "handwerk"},
    {"key": "finanzamt", "name": "Finanzamt Darmstadt", "basis": "§ 14 Abs. 8 GewO, § 138 AO"},
    {"key": "berufsgenossenschaft", "name": "Berufsgenossenschaft (zuständiger Unfallversicherungsträger, "
     "nicht bestimmt)", "basis": "§ 14 Abs. 8 GewO"},
    {"key": "statistik", "name": "Hessisches Statistisches Landesamt", "basis": "§ 14 GewO, GewAnzV "
     "(Gewerbeanzeigenstatistik)"},
    {"key": "arbeitsagentur", "name": "Agentur für Arbeit Darmstadt", "basis": "§ 14 Abs. 8 GewO"},
    {"key": "zoll", "name": "Hauptzollamt Darmstadt (Finanzkontrolle Schwarzarbeit)", "basis": "§ 14 Abs. 8 GewO"},
    {"key": "arbeitsschutz", "name": "Regierungspräsidium Darmstadt (Arbeitsschutz)", "basis": "§ 14 Abs. 8 GewO"},
]

# Code lists of the document (a published contract: a test checks they match the forms).
SEX_CODES = ["f", "m", "d", "x"]
LEGAL_FORM_CODES = ["einzelunternehmen", "gbr", "ohg", "kg", "gmbh", "ug", "ag", "ev", "sonstige"]
BUSINESS_TYPE_CODES = ["industrie", "handwerk", "handel", "sonstiges"]
ESTABLISHMENT_CODES = ["hauptniederlassung", "zweigniederlassung", "unselbststaendig"]
REASON_CODES = ["neuerrichtung", "uebernahme", "umwandlung", "zuzug"]

# Where each form field (step, field) lands in the document, as a JSON Pointer.
# The docs table and the tests use it: a form field without a row here fails the tests.
FIELD_POINTERS = {
    ("person", "family_name"): "/person/familyName",
    ("person", "given_names"): "/person/givenNames",
    ("person", "birth_name"): "/person/birthName",
    ("person", "sex"): "/person/sex",
    ("person", "birth_date"): "/person/birthDate",
    ("person", "birth_place"): "/person/birthPlace",
    ("person", "nationality"): "/person/nationalities",
    ("person", "residence"): "/person/residence",
    ("person", "phone"): "/person/contact/phone",
    ("betrieb", "legal_form"): "/business/legalForm/code",
    ("betrieb", "company_name"): "/business/name",
    ("betrieb", "register_court"): "/business/registerEntry/court",
    ("betrieb", "register_number"): "/business/registerEntry/number",
    ("betrieb", "street"): "/business/establishment/address/street",
    ("betrieb", "house_number"): "/business/establishment/address/houseNumber",
    ("betrieb", "postal_code"): "/business/establishment/address/postalCode",
    ("betrieb", "activity"): "/business/activity",
    ("betrieb", "start_date"): "/business/startDate",
    ("betrieb", "business_type"): "/business/businessTypes",
    ("betrieb", "establishment"): "/business/establishment/kind",
    ("betrieb", "reason"): "/business/reason",
    ("betrieb", "side_business"): "/business/sideBusiness",
    ("betrieb", "employees_full_time"): "/business/employees/fullTime",
    ("betrieb", "employees_part_time"): "/business/employees/partTime",
    ("betrieb", "permit_required"): "/business/permitRequired",
}


def business_registration_export(*, case) -> dict:
    """The document for one submitted Gewerbeanmeldung; missing optional values are null."""
    from django.conf import settings

    person = case.data.get("person") or {}
    business = case.data.get("betrieb") or {}
    municipality_key = getattr(settings, "MUNICIPALITY_KEY", DEFAULT_MUNICIPALITY_KEY)
    office = case.office
    business_types = [code for code in BUSINESS_TYPE_CODES if code in (business.get("business_type") or [])]
    return {
        "schema": SCHEMA_ID,
        "schemaVersion": SCHEMA_VERSION,
        "message": {
            "kind": "Anmeldung",
            "reference": case.reference,
            "leikaKey": _text(getattr(case.service, "leika_key", None)),
            "submittedAt": _timestamp(case.submitted_at),
            "decidedAt": _timestamp(case.decided_at),
            "authority": {
                "name": _text(office and office.name),
                "street": _text(office and office.street),
                "postalCode": _text(office and office.postal_code),
                "city": _text(office and office.city),
                "municipalityKey": municipality_key,
            },
        },
        "person": {
            "familyName": _text(person.get("family_name")),
            "givenNames": _text(person.get("given_names")),
            "birthName": _text(person.get("birth_name")),
            "sex": _text(person.get("sex")),
            "birthDate": _date(person.get("birth_date")),
            "birthPlace": _text(person.get("birth_place")),
            "nationalities": _nationalities(person.get("nationality")),
            "residence": _text(person.get("residence")),
            "contact": {"phone": _text(person.get("phone")), "email": _text(case.applicant.email)},
        },
        "business": {
            "legalForm": {"code": _text(business.get("legal_form")),
                          "label": _legal_form_label(business.get("legal_form"))},
            "name": _text(business.get("company_name")),
            "registerEntry": {"court": _text(business.get("register_court")),
                              "number": _text(business.get("register_number"))},
            "establishment": {
                "kind": _text(business.get("establishment")),
                "address": {
                    "street": _text(business.get("street")),
                    "houseNumber": _text(business.get("house_number")),
                    "postalCode": _text(business.get("postal_code")),
                    "city": settings.CITY_TOWN,
                    "municipalityKey": municipality_key,
                },
            },
            "activity": _text(business.get("activity")),
            "startDate": _date(business.get("start_date")),
            "businessTypes": business_types,
            "reason": _text(business.get("reason")),
            "sideBusiness": bool(business.get("side_business")),
            "employees": {"fullTime": _count(business.get("employees_full_time")),
                          "partTime": _count(business.get("employees_part_time"))},
            "permitRequired": bool(business.get("permit_required")),
        },
        "recipients": recipients_for(business_types=business_types),
    }


def recipients_for(*, business_types: list[str]) -> list[dict]:
    return [{"key": row["key"], "name": row["name"], "basis": row["basis"]} for row in RECIPIENTS
            if row.get("only_if_business_type") in (None, *business_types)]


def _text(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _date(value) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(value)


def _timestamp(value) -> str | None:
    from django.utils import timezone

    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _count(value) -> int | None:
    return None if value in (None, "") else int(value)


def _nationalities(value) -> list[str]:
    return [part.strip() for part in re.split(r"[,;/]| und ", _text(value) or "") if part.strip()]


def _legal_form_label(code) -> str | None:
    from django.utils import translation

    from ..plugins.gewerbeanmeldung import LEGAL_FORMS

    with translation.override("de"):
        return next((str(label) for value, label in LEGAL_FORMS if value == code), None)


# --- JSON Schema (draft 2020-12) -------------------------------------------------------

def _object(properties: dict, *, description: str = "") -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties),
              "additionalProperties": False}
    return {"description": description, **schema} if description else schema


def _string(description: str, *, nullable: bool = False, **extra) -> dict:
    return {"type": ["string", "null"] if nullable else "string", "description": description, **extra}


def _code(description: str, codes: list[str]) -> dict:
    return {"description": description, "enum": codes}


DATE = r"^\d{4}-\d{2}-\d{2}$"
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"

JSON_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "Gewerbeanzeige (Anmeldung), Digitalstadt export 1.0",
    "description": "Our own schema for forwarding a Gewerbeanmeldung to chambers and authorities. "
                   "No conformance to XGewerbeanzeige is claimed; see docs/exports/gewerbeanmeldung.md.",
    **_object({
        "schema": {"const": SCHEMA_ID},
        "schemaVersion": {"const": SCHEMA_VERSION},
        "message": _object({
            "kind": {"const": "Anmeldung", "description": "Kind of notification (GewA 1)."},
            "reference": _string("Case reference (Aktenzeichen), e.g. DA-2026-000123.", minLength=1),
            "leikaKey": _string("LeiKa key of the service.", nullable=True),
            "submittedAt": _string("ISO-8601 timestamp with offset.", format="date-time", pattern=TIMESTAMP),
            "decidedAt": _string("ISO-8601 timestamp with offset, null while undecided.", nullable=True,
                                 format="date-time", pattern=TIMESTAMP),
            "authority": _object({
                "name": _string("Receiving office.", nullable=True),
                "street": _string("Street and house number of the office.", nullable=True),
                "postalCode": _string("Postal code of the office.", nullable=True),
                "city": _string("City of the office.", nullable=True),
                "municipalityKey": _string("Amtlicher Gemeindeschlüssel (8 digits).", pattern=r"^\d{8}$"),
            }, description="The authority that received the notification."),
        }, description="Message metadata."),
        "person": _object({
            "familyName": _string("Familienname.", minLength=1),
            "givenNames": _string("Vornamen.", minLength=1),
            "birthName": _string("Geburtsname if different.", nullable=True),
            "sex": _code("f, m, d or x (no statement).", SEX_CODES),
            "birthDate": _string("Geburtsdatum, ISO-8601 date.", format="date", pattern=DATE),
            "birthPlace": _string("Geburtsort und -land, free text."),
            "nationalities": {"type": "array", "items": {"type": "string", "minLength": 1},
                              "description": "Staatsangehörigkeiten as entered, split at commas."},
            "residence": _string("Anschrift der Wohnung, one free-text line."),
            "contact": _object({
                "phone": _string("Telefon.", nullable=True),
                "email": _string("E-mail address of the applicant's account.", nullable=True),
            }),
        }, description="The person making the notification (GewA 1 fields 3-9)."),
        "business": _object({
            "legalForm": _object({
                "code": _code("Rechtsform code.", LEGAL_FORM_CODES),
                "label": _string("German label of the code."),
            }),
            "name": _string("Name of the business / name in the register.", nullable=True),
            "registerEntry": _object({
                "court": _string("Registergericht.", nullable=True),
                "number": _string("Registernummer, e.g. HRB 12345.", nullable=True),
            }, description="Both null when the business is not in a register."),
            "establishment": _object({
                "kind": _code("Kind of establishment.", ESTABLISHMENT_CODES),
                "address": _object({
                    "street": _string("Straße."),
                    "houseNumber": _string("Hausnummer."),
                    "postalCode": _string("Postleitzahl.", pattern=r"^\d{5}$"),
                    "city": _string("Ort."),
                    "municipalityKey": _string("Amtlicher Gemeindeschlüssel.", pattern=r"^\d{8}$"),
                }),
            }, description="The Betriebsstätte in the city."),
            "activity": _string("Angemeldete Tätigkeit, free text.", minLength=1),
            "startDate": _string("Beginn der Tätigkeit, ISO-8601 date.", format="date", pattern=DATE),
            "businessTypes": {"type": "array", "items": {"enum": BUSINESS_TYPE_CODES}, "minItems": 1,
                              "uniqueItems": True, "description": "Art des Betriebs."},
            "reason": _code("Grund der Anmeldung.", REASON_CODES),
            "sideBusiness": {"type": "boolean", "description": "Nebenerwerb."},
            "employees": _object({
                "fullTime": {"type": "integer", "minimum": 0, "description": "Vollzeit, without the owner."},
                "partTime": {"type": "integer", "minimum": 0, "description": "Teilzeit."},
            }),
            "permitRequired": {"type": "boolean",
                               "description": "Permit needed or entered in the Handwerksrolle."},
        }, description="The business and its establishment (GewA 1 fields 1, 2, 10-17)."),
        "recipients": {
            "type": "array",
            "description": "Bodies that usually receive a copy (demo data, see the module).",
            "items": _object({
                "key": _string("Stable key of the recipient.", pattern=r"^[a-z_]+$"),
                "name": _string("Name of the body."),
                "basis": _string("Legal basis, informative."),
            }),
        },
    }),
}


def schema_file_text() -> str:
    return json.dumps(JSON_SCHEMA, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_FILE.write_text(schema_file_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
