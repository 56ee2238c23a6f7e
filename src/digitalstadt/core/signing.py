"""PAdES seals for generated documents (decisions, permits) and their validation.

Signing: baseline B-B always, B-T (a signature timestamp) when `SIGNING_TSA_URL` names
a timestamp authority. The key is the city's seal from a PKCS#12 file in production
(`SIGNING_PKCS12_PATH`, `SIGNING_PKCS12_PASSWORD`) and, in development and tests, a
self-signed "Dienstsiegel" chain (root CA + seal certificate) that `manage.py
ensure_dev_seal` generates once into VAR_DIR/signing/.

Validation trusts only the configured roots (`SIGNING_TRUST_ROOTS`, PEM or DER files;
the development root when none is configured) and accepts a file only when it carries
exactly one signature whose overall verdict is valid (intact and trusted) and which
covers the entire file: an incremental update appended after signing is refused even
though the signature itself is still intact.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import io
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "Dienstsiegel"
DEV_ROOT_FILE = "dev-root.pem"
DEV_SEAL_FILE = "dev-seal.p12"
# The development PKCS#12 is not secret (it trusts nothing outside this instance); the
# file is still written with mode 0600.
DEV_SEAL_PASSWORD = b"digitalstadt-dev-seal"


# --- key material -------------------------------------------------------------------


def signing_dir() -> Path:
    return Path(settings.SIGNING_DEV_DIR)


def using_dev_seal() -> bool:
    return not settings.SIGNING_PKCS12_PATH


@dataclass(frozen=True)
class DevSealPaths:
    root_certificate: Path
    seal_pkcs12: Path
    created: bool


def ensure_dev_seal(*, directory: Path | None = None, force: bool = False,
                    valid_from: dt.datetime | None = None, valid_days: tuple[int, int] = (3650, 3 * 365)
                    ) -> DevSealPaths:
    """Generate the development chain (root CA + seal certificate) unless it exists.

    Idempotent: an existing chain is kept, so documents signed earlier keep validating.
    `valid_from` (default: now) and `valid_days` (root, seal) set the certificates'
    validity; the test suite's seal covers every instant its clock visits.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    directory = directory or signing_dir()
    root_path, seal_path = directory / DEV_ROOT_FILE, directory / DEV_SEAL_FILE
    if root_path.exists() and seal_path.exists() and not force:
        return DevSealPaths(root_path, seal_path, created=False)
    directory.mkdir(parents=True, exist_ok=True)

    city = settings.CITY_NAME
    now = valid_from or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    root_days, seal_days = valid_days
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    root_name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, city),
        x509.NameAttribute(NameOID.COMMON_NAME, f"{settings.PLATFORM_NAME} Entwicklungs-CA (nicht produktiv)"),
    ])
    root_cert = (
        x509.CertificateBuilder()
        .subject_name(root_name).issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=root_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    seal_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    seal_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, city),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{city} Dienstsiegel (Entwicklung)"),
        ]))
        .issuer_name(root_name)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=seal_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(seal_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"dienstsiegel", seal_key, seal_cert, [root_cert],
        serialization.BestAvailableEncryption(DEV_SEAL_PASSWORD),
    )
    _write_private(seal_path, p12)
    _write_private(root_path, root_cert.public_bytes(serialization.Encoding.PEM))
    load_signer.cache_clear()
    trust_roots.cache_clear()
    return DevSealPaths(root_path, seal_path, created=True)


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


@lru_cache(maxsize=1)
def load_signer():
    """The seal as a pyHanko signer: the configured PKCS#12, else the development seal."""
    from pyhanko.sign import signers

    if settings.SIGNING_PKCS12_PATH:
        path = Path(settings.SIGNING_PKCS12_PATH)
        password = settings.SIGNING_PKCS12_PASSWORD
        passphrase = password.encode() if password else None
    else:
        path = signing_dir() / DEV_SEAL_FILE
        passphrase = DEV_SEAL_PASSWORD
    if not path.exists():
        raise ImproperlyConfigured(
            f"Signing key {path} not found: set SIGNING_PKCS12_PATH or run `manage.py ensure_dev_seal`."
        )
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase)
    if signer is None:
        raise ImproperlyConfigured(f"Signing key {path} could not be loaded (wrong password?).")
    return signer


@lru_cache(maxsize=1)
def trust_roots() -> tuple:
    """The certificates validation trusts (asn1crypto), never the operating system's."""
    from pyhanko.keys import load_cert_from_pemder

    paths = [Path(p) for p in settings.SIGNING_TRUST_ROOTS]
    if not paths and using_dev_seal():
        paths = [signing_dir() / DEV_ROOT_FILE]
    if not paths:
        raise ImproperlyConfigured("SIGNING_TRUST_ROOTS must name the root certificate(s) of the seal.")
    return tuple(load_cert_from_pemder(str(path)) for path in paths)


def timestamper():
    """A timestamp authority client when SIGNING_TSA_URL is set (PAdES B-T), else None."""
    if not settings.SIGNING_TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.SIGNING_TSA_URL, timeout=settings.SIGNING_TSA_TIMEOUT)


# --- signing ------------------------------------------------------------------------


def _outside_event_loop(func, *args, **kwargs):
    """pyHanko's synchronous API calls asyncio.run(), which fails in a thread that already
    runs an event loop (an async caller, Playwright's sync API in the browser tests):
    then run it in a fresh thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, *args, **kwargs).result()


def sign_pdf(pdf: bytes, *, reason: str = "", location: str = "", timestamp_authority=None) -> bytes:
    """Seal a PDF as PAdES (B-B, or B-T with a timestamp authority). Returns new bytes.

    `timestamp_authority` overrides the configured one (a pyHanko TimeStamper)."""
    return _outside_event_loop(_sign_pdf, pdf, reason=reason, location=location,
                               timestamp_authority=timestamp_authority)


def _sign_pdf(pdf: bytes, *, reason: str, location: str, timestamp_authority) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    tsa = timestamp_authority if timestamp_authority is not None else timestamper()
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
        # B-B / B-T only: revocation data and archive timestamps (B-LT/B-LTA) come later.
        embed_validation_info=False,
        use_pades_lta=False,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    output = io.BytesIO()
    signers.PdfSigner(metadata, signer=load_signer(), timestamper=tsa).sign_pdf(writer, output=output)
    return output.getvalue()


# --- validation ---------------------------------------------------------------------


class Verdict(enum.StrEnum):
    VALID = "valid"
    NOT_A_PDF = "not_a_pdf"
    NOT_SIGNED = "not_signed"
    # The bytes under the signature changed (e.g. one flipped byte), or it is not ours.
    SIGNATURE_INVALID = "signature_invalid"
    # Our intact signature, but something was appended after signing.
    NOT_ENTIRE_FILE = "not_entire_file"


@dataclass(frozen=True)
class ValidationResult:
    verdict: Verdict
    intact: bool = False
    trusted: bool = False
    covers_entire_file: bool = False
    signature_count: int = 0
    signer: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    detail: str = ""

    @property
    def valid(self) -> bool:
        return self.verdict is Verdict.VALID


def validation_context():
    from pyhanko_certvalidator import ValidationContext

    # No network fetching of CRLs/OCSP on a public upload form; revocation of the seal
    # certificate itself is handled by replacing the configured key and trust root.
    return ValidationContext(trust_roots=list(trust_roots()), allow_fetching=False, revocation_mode="soft-fail")


def validate_pdf(data: bytes) -> ValidationResult:
    """Validate a sealed PDF against the configured trust roots (see module docstring)."""
    return _outside_event_loop(_validate_pdf, data)


def _validate_pdf(data: bytes) -> ValidationResult:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature

    if not data.startswith(b"%PDF-"):
        return ValidationResult(Verdict.NOT_A_PDF)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # noqa: BLE001 - any damaged upload is "not a readable PDF"
        return ValidationResult(Verdict.NOT_A_PDF, detail=f"{type(error).__name__}: {error}"[:200])
    if not signatures:
        return ValidationResult(Verdict.NOT_SIGNED)
    try:
        status = validate_pdf_signature(signatures[0], validation_context())
    except Exception as error:  # noqa: BLE001 - pyHanko raises many kinds on damaged input
        logger.info("signature validation failed: %s", error)
        return ValidationResult(Verdict.SIGNATURE_INVALID, signature_count=len(signatures), detail=str(error)[:200])
    covers_entire_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    signed_at = status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
    result = dict(
        intact=bool(status.intact), trusted=bool(status.trusted), covers_entire_file=covers_entire_file,
        signature_count=len(signatures), signer=status.signing_cert.subject.human_friendly,
        signed_at=signed_at, timestamped=status.timestamp_validity is not None,
        detail=status.summary(),
    )
    if not (status.intact and status.valid and status.trusted):
        return ValidationResult(Verdict.SIGNATURE_INVALID, **result)
    # Intact and trusted, but something was appended: refused whether or not pyHanko's
    # difference analysis would tolerate the change (a harmless-looking annotation or
    # metadata update can still change what the reader sees).
    if not covers_entire_file or len(signatures) != 1:
        return ValidationResult(Verdict.NOT_ENTIRE_FILE, **result)
    if not status.bottom_line:  # e.g. an invalid signature timestamp
        return ValidationResult(Verdict.SIGNATURE_INVALID, **result)
    return ValidationResult(Verdict.VALID, **result)
