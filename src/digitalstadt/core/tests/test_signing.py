"""Sealed decisions: the PDF layout embeds KERN's Fira Sans, the PAdES seal validates
against the configured trust root and covers the entire file, and tampered copies (one
flipped byte, an appended revision, another trust root) are refused."""

import datetime as dt
import io
import os
import stat

import pytest
from django.conf import settings
from django.core.management import call_command

from digitalstadt.core import signing
from digitalstadt.core.models import AuditEntry
from digitalstadt.core.pdf import render_pdf
from digitalstadt.core.signing import Verdict, ensure_dev_seal, sign_pdf, validate_pdf

from .signing_helpers import (
    append_revision, ensure_seal_and_reset_caches, flip_one_byte, issue_decision, sample_letter, stored_bytes,
)


@pytest.fixture(autouse=True)
def dev_seal():
    ensure_seal_and_reset_caches()
    yield
    signing.load_signer.cache_clear()
    signing.trust_roots.cache_clear()


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("erika@example.org", "Sicher-genug-2026")


def decision_pdf() -> bytes:
    return render_pdf("core/pdf/decision.html", {
        "letter": sample_letter(), "city_name": settings.CITY_NAME, "platform_name": settings.PLATFORM_NAME,
        "verification_id": "ABCDEFGHIJKLMNOPQRSTUVWX", "verification_id_display": "ABCD-EFGH-IJKL-MNOP-QRST-UVWX",
        "verification_url": "http://testserver/pruefen/ABCDEFGHIJKLMNOPQRSTUVWX/", "verification_host": "testserver",
    })


def page_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(BaseFont, embedded?) for every font used on every page."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    fonts = []
    for index in range(reader.root["/Pages"]["/Count"]):
        page, _ = reader.find_page_for_modification(index)
        for font in page.get_object()["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0]["/FontDescriptor"] if "/DescendantFonts" in font else font["/FontDescriptor"]
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.append((str(font["/BaseFont"]), embedded))
    return fonts


def test_decision_pdf_embeds_fira_sans_for_all_text_including_margin_boxes():
    pdf = decision_pdf()

    fonts = page_fonts(pdf)
    assert pdf.startswith(b"%PDF-")
    assert fonts
    # Every font on every page (body, header with the city name, page numbers) is an
    # embedded subset of Fira Sans: a fallback font in a margin box would show up here.
    assert all("FiraSans" in name.replace("-", "") and embedded for name, embedded in fonts), fonts
    assert any("Bold" in name for name, _ in fonts)


def test_sealed_decision_validates_against_the_dev_root_and_covers_the_entire_file(owner):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    document = issue_decision(owner=owner)
    pdf = stored_bytes(document)

    # pyHanko's own validator, trusting only the development root.
    root = load_cert_from_pemder(str(signing.signing_dir() / signing.DEV_ROOT_FILE))
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    # pyHanko's sync API calls asyncio.run(): not in a thread where an event loop runs (a
    # browser test on the same worker leaves Playwright's loop running).
    from digitalstadt.core.signing import _outside_event_loop

    status = _outside_event_loop(validate_pdf_signature, signature,
                                 ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert "Dienstsiegel" in status.signing_cert.subject.human_friendly
    assert status.timestamp_validity is None  # B-B: no timestamp authority configured
    # The platform's check agrees, and the record carries the public verification data.
    result = validate_pdf(pdf)
    assert result.verdict is Verdict.VALID and result.covers_entire_file
    assert len(document.verification_id) == 24 and document.signed_at and document.revoked_at is None
    assert (document.document_type, document.issuing_office) == ("Bescheid", "Bürger- und Ordnungsamt")
    assert AuditEntry.objects.filter(action="document.sealed", subject_id=str(document.pk)).exists()


def test_one_flipped_byte_breaks_the_seal(owner):
    pdf = stored_bytes(issue_decision(owner=owner))

    result = validate_pdf(flip_one_byte(pdf))

    assert result.verdict is Verdict.SIGNATURE_INVALID
    assert not result.intact


@pytest.mark.parametrize("kind", ["annotation", "metadata"])
def test_an_appended_revision_keeps_the_seal_intact_but_is_refused(owner, kind):
    pdf = stored_bytes(issue_decision(owner=owner))
    extended = append_revision(pdf, kind=kind)

    result = validate_pdf(extended)

    assert extended.startswith(pdf) and len(extended) > len(pdf)
    assert result.intact and result.trusted  # the signature itself is fine ...
    assert not result.covers_entire_file  # ... but it does not cover what was appended
    assert result.verdict is Verdict.NOT_ENTIRE_FILE
    if kind == "metadata":
        # pyHanko's difference analysis tolerates a metadata update: only the
        # "covers the entire file" rule refuses it.
        assert "ACCEPTABLE_MODIFICATIONS" in result.detail


def test_a_seal_from_another_root_is_not_trusted(owner, tmp_path, settings):
    pdf = stored_bytes(issue_decision(owner=owner))
    other = ensure_dev_seal(directory=tmp_path / "other")
    settings.SIGNING_TRUST_ROOTS = [str(other.root_certificate)]
    signing.trust_roots.cache_clear()

    result = validate_pdf(pdf)

    assert result.intact and not result.trusted
    assert result.verdict is Verdict.SIGNATURE_INVALID


def test_unsigned_and_non_pdf_files_are_refused():
    assert validate_pdf(decision_pdf()).verdict is Verdict.NOT_SIGNED
    assert validate_pdf(b"GIF89a not a pdf").verdict is Verdict.NOT_A_PDF
    assert validate_pdf(b"%PDF-1.7\ngarbage").verdict is Verdict.NOT_A_PDF


def test_with_a_timestamp_authority_the_seal_is_baseline_b_t(tmp_path, settings):
    """PAdES B-T: a signature timestamp from a (local, real RFC 3161) authority."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder_data
    from pyhanko.sign.timestamps import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test-Zeitstempeldienst")])
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    tsa_cert_path = tmp_path / "tsa.pem"
    tsa_cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    tsa = DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(str(tsa_cert_path)),
        tsa_key=load_private_key_from_pemder_data(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()), passphrase=None),
    )
    settings.SIGNING_TRUST_ROOTS = [str(signing.signing_dir() / signing.DEV_ROOT_FILE), str(tsa_cert_path)]
    signing.trust_roots.cache_clear()

    result = validate_pdf(sign_pdf(decision_pdf(), timestamp_authority=tsa))

    assert result.verdict is Verdict.VALID and result.timestamped


def test_ensure_dev_seal_is_idempotent_and_private(tmp_path):
    from cryptography import x509

    first = ensure_dev_seal(directory=tmp_path)
    root_before = first.root_certificate.read_bytes()
    second = ensure_dev_seal(directory=tmp_path)

    assert first.created and not second.created
    assert second.root_certificate.read_bytes() == root_before
    for path in (first.root_certificate, first.seal_pkcs12):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    root = x509.load_pem_x509_certificate(root_before)
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_the_management_command_reports_an_existing_seal():
    out = io.StringIO()
    call_command("ensure_dev_seal", stdout=out)
    assert "already present" in out.getvalue()


def test_a_configured_pkcs12_seal_is_used_and_checked(tmp_path, settings):
    """Production path: the seal comes from SIGNING_PKCS12_PATH, trusted via SIGNING_TRUST_ROOTS
    (here a chain generated like the development one, standing in for the city's)."""
    from django.core.management.base import CommandError

    city = ensure_dev_seal(directory=tmp_path / "city")
    settings.SIGNING_PKCS12_PATH = str(city.seal_pkcs12)
    settings.SIGNING_PKCS12_PASSWORD = signing.DEV_SEAL_PASSWORD.decode()
    settings.SIGNING_TRUST_ROOTS = [str(city.root_certificate)]
    signing.load_signer.cache_clear()
    signing.trust_roots.cache_clear()
    out = io.StringIO()

    call_command("ensure_dev_seal", stdout=out)
    result = validate_pdf(sign_pdf(decision_pdf()))

    assert "Configured seal loads" in out.getvalue()
    # Trusted through the configured root only (the development root is not trusted here).
    assert result.verdict is Verdict.VALID
    # A wrong password is reported, not silently replaced by the development seal.
    settings.SIGNING_PKCS12_PASSWORD = "falsch"
    signing.load_signer.cache_clear()
    with pytest.raises(CommandError, match="cannot be used"):
        call_command("ensure_dev_seal", stdout=io.StringIO())


def test_damaged_copies_are_never_accepted_and_never_crash(owner):
    """Any changed byte makes the check refuse the file. (A byte inside the signature's
    own hex string, outside the signed byte range, can leave the seal valid, e.g. when
    only the case of a hex digit changes: the SHA-256 comparison catches that.)"""
    from digitalstadt.core.selectors import sealed_document_check

    document = issue_decision(owner=owner)
    pdf = stored_bytes(document)
    damaged = [pdf[: len(pdf) // 2], pdf[:-40], pdf + b"\n%%EOF\n" + b"x" * 10]
    for step in range(1, 12):  # one flipped byte at positions spread over the whole file
        copy = bytearray(pdf)
        copy[len(pdf) * step // 12] ^= 0x20
        damaged.append(bytes(copy))

    results = [sealed_document_check(document=document, content=copy) for copy in damaged]

    assert not any(result.accepted for result in results), [r.outcome for r in results]
    assert sealed_document_check(document=document, content=pdf).accepted
