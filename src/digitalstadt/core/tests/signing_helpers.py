"""Sealed test documents and tampered copies of them (shared with the browser tests)."""

from __future__ import annotations

import datetime as dt
import io

from digitalstadt.core.pdf import DecisionLetter, Office

OFFICE = Office(
    name="Bürger- und Ordnungsamt", street="Grafenstraße 30", postal_code="64283", city="Darmstadt",
    phone="06151 115", email="buergeramt@darmstadt.example", opening_hours="Mo–Fr 8–12 Uhr",
)
PERSONAL = ["Erika Mustermann", "Heinrichstraße 12", "DA-2026-000123"]


def sample_letter(**overrides) -> DecisionLetter:
    values = dict(
        office=OFFICE,
        addressee_lines=["Frau", "Erika Mustermann", "Heinrichstraße 12", "64283 Darmstadt"],
        reference="DA-2026-000123",
        subject="Bescheid über die Erteilung eines Bewohnerparkausweises",
        date=dt.date(2026, 11, 26),
        salutation="Sehr geehrte Frau Mustermann,",
        case_worker="Frau Beispiel",
        paragraphs=[
            "auf Ihren Antrag vom 20. November 2026 erteile ich Ihnen den Bewohnerparkausweis "
            "für die Zone Martinsviertel-Ost (WA1) für das Fahrzeug DA-XY 123.",
            "Begründung:\nSie sind mit Hauptwohnung in der Zone gemeldet, das Fahrzeug ist auf Sie zugelassen.",
            "Kosten:\nDie Gebühr von 120,00 EUR haben Sie bereits bezahlt.",
        ],
    )
    values.update(overrides)
    return DecisionLetter(**values)


def issue_decision(*, owner, letter: DecisionLetter | None = None):
    from digitalstadt.core.services import signed_document_issue

    letter = letter or sample_letter()
    return signed_document_issue(
        template_name=letter.template_name, context={"letter": letter},
        filename=f"bescheid-{letter.reference}.pdf", title=f"Bescheid für {letter.addressee_lines[1]}",
        document_type="Bescheid", issuing_office=letter.office.name, owner_user=owner, actor=None,
    )


def stored_bytes(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def flip_one_byte(pdf: bytes) -> bytes:
    """Flip one byte inside a stream that the signature covers (the file still parses)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    first_range_end = signature.byte_range[1]
    position = pdf.index(b"stream\n", len(pdf) // 4) + len(b"stream\n") + 20
    assert position < first_range_end
    tampered = bytearray(pdf)
    tampered[position] ^= 0x01
    return bytes(tampered)


def append_revision(pdf: bytes, *, kind: str = "annotation") -> bytes:
    """Append an incremental update as a PDF editor would: a text annotation on page 1,
    or new document metadata. The original signature stays intact."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    if kind == "annotation":
        page_ref, _ = writer.find_page_for_modification(0)
        annotation = writer.add_object(generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Text"),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (50, 50, 80, 80)]),
            generic.NameObject("/Contents"): generic.TextStringObject("Gebühr erlassen"),
        }))
        writer.register_annotation(page_ref, annotation)
    else:
        writer.set_info(writer.add_object(generic.DictionaryObject({
            generic.NameObject("/Title"): generic.TextStringObject("Bescheid (geändert)"),
        })))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def ensure_seal_and_reset_caches():
    """Generate the development seal (if missing) and forget cached keys/roots."""
    from digitalstadt.core import signing

    signing.load_signer.cache_clear()
    signing.trust_roots.cache_clear()
    signing.ensure_dev_seal()
