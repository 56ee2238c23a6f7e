"""Remittance references and IBAN checks.

A payment reference is an ISO 11649 structured creditor reference: ``RF`` + two check
digits + ``DA2026000123`` (city prefix, year, six-digit running number per year), 16
characters, printed in groups of four (``RF47 DA20 2600 0123``) and carried in the
GiroCode's structured-reference field. It cannot be confused with a case reference
(``DA-2026-000123``), and its check digits (ISO 7064 MOD 97-10) catch every single
wrong character and every swap of neighbours.

Matching is exact, never on a look-alike: a reference counts only where it stands on
its own (no letter or digit glued to either end), unbroken or in the printed groups of
four, with valid check digits. Payments issued before (``DA-2026-000123-7``, ISO 7064
MOD 11,10 check digit) keep matching on exactly that form, hyphens included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

RF_LENGTH_BODY_DIGITS = 10  # year (4) + running number (6)


def _alnum_to_digits(text: str) -> str:
    return "".join(str(int(ch, 36)) for ch in text)


def rf_check_digits(body: str) -> str:
    """ISO 11649 check digits for a reference body (letters and digits)."""
    if not body or not body.isalnum() or len(body) > 21:
        raise ValueError("1-21 letters or digits")
    return f"{98 - int(_alnum_to_digits(body.upper() + 'RF00')) % 97:02d}"


def rf_is_valid(reference: str) -> bool:
    ref = reference.upper()
    if not re.fullmatch(r"RF\d{2}[A-Z0-9]{1,21}", ref):
        return False
    return int(_alnum_to_digits(ref[4:] + ref[:4])) % 97 == 1


def format_reference(*, prefix: str, year: int, number: int) -> str:
    """The reference of a new payment, e.g. ``RF47DA2026000123`` (stored without spaces)."""
    if not 0 < number <= 999_999:
        raise ValueError("running number out of range")
    body = f"{prefix.upper()}{year:04d}{number:06d}"
    return f"RF{rf_check_digits(body)}{body}"


def group(reference: str) -> str:
    """Printed form for people who type it: groups of four (``RF47 DA20 2600 0123``)."""
    if not reference.upper().startswith("RF"):
        return reference
    return " ".join(reference[i:i + 4] for i in range(0, len(reference), 4))


# --- references issued before the RF form (still matched on their exact form) ----------


def check_digit(digits: str) -> int:
    """ISO 7064 MOD 11,10 check digit of a string of digits (legacy references)."""
    if not digits or not digits.isdigit():
        raise ValueError("digits only")
    product = 10
    for char in digits:
        total = (int(char) + product) % 10
        if total == 0:
            total = 10
        product = (total * 2) % 11
    return (11 - product) % 10


def format_legacy_reference(*, prefix: str, year: int, number: int) -> str:
    body = f"{year:04d}{number:06d}"
    return f"{prefix.upper()}-{year:04d}-{number:06d}-{check_digit(body)}"


# --- finding references in remittance text ---------------------------------------------


@dataclass
class FoundReferences:
    exact: list[str] = field(default_factory=list)  # canonical, valid, standing on their own
    resembling: list[str] = field(default_factory=list)  # look like one, but are not exactly one


def _patterns(prefix: str) -> list[re.Pattern]:
    letters = [re.escape(ch) for ch in prefix.upper()]
    tokens = ["R", "F", r"\d", r"\d", *letters, *[r"\d"] * RF_LENGTH_BODY_DIGITS]
    grouped = " ".join("".join(tokens[i:i + 4]) for i in range(0, len(tokens), 4))
    edge_before, edge_after = r"(?<![A-Z0-9])", r"(?![A-Z0-9])"
    return [
        re.compile(edge_before + "".join(tokens) + edge_after),  # unbroken
        re.compile(edge_before + grouped + edge_after),  # the printed groups of four
        re.compile(r"(?<![A-Z0-9-])" + "".join(letters) + r"-\d{4}-\d{6}-\d" + r"(?![A-Z0-9-])"),  # legacy
    ]


def _legacy_is_valid(reference: str) -> bool:
    year, number, check = reference.split("-")[-3:]
    return int(number) > 0 and check_digit(year + number) == int(check)


def _resembles_pattern(prefix: str) -> str:
    """Something a payer may have meant as a reference: an RF start, or the prefix with
    digits (a case reference, a reference with spaces or a glued digit)."""
    p = re.escape(prefix.upper())
    return rf"RF\s?\d{{2}}[A-Z0-9 ]*|{p}[\s-]*\d{{4}}[\s-]*\d{{2,}}[\d\s-]*"


def find_references(text: str, *, prefix: str) -> FoundReferences:
    """The payment references in a remittance text (or a structured reference field)."""
    upper = text.upper()
    found = FoundReferences()
    spans: list[tuple[int, int]] = []
    for pattern in _patterns(prefix):
        for match in pattern.finditer(upper):
            candidate = match.group(0)
            spans.append(match.span())
            if "-" in candidate:
                ok, canonical = _legacy_is_valid(candidate), candidate
            else:
                canonical = candidate.replace(" ", "")
                ok = rf_is_valid(canonical) and int(canonical[-6:]) > 0
            target = found.exact if ok else found.resembling
            if canonical not in target:
                target.append(canonical)
    for match in re.finditer(_resembles_pattern(prefix), upper):
        if not any(start <= match.start() < end for start, end in spans):
            found.resembling.append(match.group(0).strip())
    return found


def parse_reference(value: str, *, prefix: str) -> str | None:
    """A reference typed by staff, who choose the payment on purpose: exactly one
    reference and nothing else, spaces (and, in the old form, hyphens) anywhere.
    Returns the canonical form, or None."""
    compact = "".join(ch for ch in value.upper() if ch not in " -\t\n")
    if compact.startswith("RF"):
        refs = find_references(compact, prefix=prefix).exact
        return refs[0] if refs == [compact] else None
    match = re.fullmatch(re.escape(prefix.upper()) + r"(\d{4})(\d{6})(\d)", compact)
    if match is None:
        return None
    legacy = f"{prefix.upper()}-{match.group(1)}-{match.group(2)}-{match.group(3)}"
    return legacy if _legacy_is_valid(legacy) else None


def normalise_iban(value: str) -> str:
    return "".join(value.split()).upper()


def iban_is_valid(value: str) -> bool:
    """ISO 13616 mod-97 check, plus the German length (22) for DE IBANs."""
    iban = normalise_iban(value)
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return False
    if iban.startswith("DE") and len(iban) != 22:
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def format_iban(value: str) -> str:
    iban = normalise_iban(value)
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
