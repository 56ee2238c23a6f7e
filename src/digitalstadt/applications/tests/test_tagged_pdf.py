"""Receipts and decisions are tagged PDFs that screen readers can read (issue 10):
a structure tree with headings and table structure, marked content, the document
language and its title shown in the window; the PAdES seal still validates. No PDF/UA
conformance is claimed (WeasyPrint calls its variant experimental; no validator runs here)."""

import datetime as dt
import io

import pikepdf
import pytest

from digitalstadt.core import signing
from digitalstadt.core.tests.signing_helpers import ensure_seal_and_reset_caches, sample_letter, stored_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dev_seal():
    ensure_seal_and_reset_caches()
    yield
    signing.load_signer.cache_clear()
    signing.trust_roots.cache_clear()


def _issue(owner, template_name, **extra):
    from digitalstadt.core.services import signed_document_issue

    letter = sample_letter(template_name=template_name, document_type="Eingangsbestätigung", extra=extra)
    return signed_document_issue(
        template_name=template_name, context={"letter": letter}, filename="beleg.pdf",
        title="Eingangsbestätigung", document_type="Eingangsbestätigung", issuing_office=letter.office.name,
        owner_user=owner, actor=None,
    )


def _structure_types(pdf: pikepdf.Pdf) -> list[str]:
    types, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if "/S" in node:
            types.append(str(node.S))
        if "/K" in node:
            stack.append(node.K)
    return types


def test_a_receipt_is_tagged_with_headings_and_a_fee_table_and_its_seal_still_validates(django_user_model):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    owner = django_user_model.objects.create_user("erika@example.org", "Sicher-genug-2026")
    document = _issue(owner, "applications/pdf/receipt.html",
                      submitted_at=dt.datetime(2026, 12, 1, 9, 30), fee_cents=1000,
                      fee_lines=[{"label": "Meldebescheinigung", "amount_cents": 1000}],
                      summary=[("Ihre Anschrift", [("Straße", "Heinrichstraße 12")])])
    data = stored_bytes(document)

    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "de-DE"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        with pdf.open_metadata() as meta:
            assert "Eingangsbestätigung" in meta["dc:title"]
        types = _structure_types(pdf)
        assert "/H1" in types and "/H2" in types, types
        for element in ("/Table", "/TR", "/TH", "/TD"):
            assert element in types, (element, types)
        assert types.count("/P") >= 3

    # The seal covers the tagged file.
    root = load_cert_from_pemder(str(signing.signing_dir() / signing.DEV_ROOT_FILE))
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    # pyHanko's sync API calls asyncio.run(): not in a thread where an event loop runs (a
    # browser test on the same worker leaves Playwright's loop running).
    from digitalstadt.core.signing import _outside_event_loop

    status = _outside_event_loop(validate_pdf_signature, signature,
                                 ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.bottom_line and status.intact and status.valid and status.trusted


def test_a_receipt_is_no_decision_and_says_so_without_a_legal_remedy_heading(django_user_model):
    owner = django_user_model.objects.create_user("erika@example.org", "Sicher-genug-2026")
    data = stored_bytes(_issue(owner, "applications/pdf/receipt.html",
                               submitted_at=dt.datetime(2026, 12, 1, 9, 30)))
    text = _text(data)
    assert "Rechtsbehelfsbelehrung" not in text
    assert "Hinweis" in text and "kein Bescheid" in text


def test_a_decision_keeps_its_legal_remedy(django_user_model):
    owner = django_user_model.objects.create_user("erika@example.org", "Sicher-genug-2026")
    data = stored_bytes(_issue(owner, "core/pdf/decision.html"))
    assert "Rechtsbehelfsbelehrung" in _text(data) and "Widerspruch" in _text(data)


def _text(data: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
