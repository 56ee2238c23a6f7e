"""Core reads: sealed documents for the public verification page."""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass

from .models import Document
from .signing import ValidationResult, Verdict, validate_pdf

_TYPING_FIXES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def normalise_verification_id(raw: str) -> str:
    """Accept the ID as printed (groups with dashes), in any case, with common typos."""
    return re.sub(r"[\s-]", "", raw or "").upper().translate(_TYPING_FIXES)


def sealed_document_for_verification(*, verification_id: str) -> Document | None:
    verification_id = normalise_verification_id(verification_id)
    if not verification_id or len(verification_id) > 32:
        return None
    return (
        Document.objects.filter(verification_id=verification_id)
        .only("id", "verification_id", "document_type", "issuing_office", "signed_at", "revoked_at", "sha256", "size")
        .first()
    )


class CheckOutcome(enum.StrEnum):
    ORIGINAL = "original"                        # same bytes as issued, seal valid
    ORIGINAL_REVOKED = "original_revoked"        # same bytes, but the document was revoked
    MODIFIED_AFTER_SEALING = "modified_after_sealing"  # seal intact, but content appended later
    SEAL_BROKEN = "seal_broken"                  # bytes under the seal changed, or not our seal
    OTHER_DOCUMENT = "other_document"            # a valid sealed document, but not this one
    NOT_SEALED = "not_sealed"                    # a PDF without a signature
    NOT_A_PDF = "not_a_pdf"


@dataclass(frozen=True)
class CheckResult:
    outcome: CheckOutcome
    hash_matches: bool
    validation: ValidationResult

    @property
    def accepted(self) -> bool:
        return self.outcome is CheckOutcome.ORIGINAL


def sealed_document_check(*, document: Document, content: bytes) -> CheckResult:
    """Compare an uploaded file with the issued one: the SHA-256 must match AND the
    seal must validate against the trust root, covering the entire file."""
    hash_matches = hashlib.sha256(content).hexdigest() == document.sha256
    validation = validate_pdf(content)
    match validation.verdict:
        case Verdict.NOT_A_PDF:
            outcome = CheckOutcome.NOT_A_PDF
        case Verdict.NOT_SIGNED:
            outcome = CheckOutcome.NOT_SEALED
        case Verdict.NOT_ENTIRE_FILE:
            outcome = CheckOutcome.MODIFIED_AFTER_SEALING
        case Verdict.SIGNATURE_INVALID:
            outcome = CheckOutcome.SEAL_BROKEN
        case Verdict.VALID if not hash_matches:
            outcome = CheckOutcome.OTHER_DOCUMENT
        case Verdict.VALID if document.revoked_at is not None:
            outcome = CheckOutcome.ORIGINAL_REVOKED
        case _:
            outcome = CheckOutcome.ORIGINAL
    return CheckResult(outcome=outcome, hash_matches=hash_matches, validation=validation)
