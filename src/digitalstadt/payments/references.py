"""Remittance references and IBAN checks.

A reference looks like ``DA-2026-000123-7``: city prefix, year, a six-digit running
number per year, and one check digit (ISO 7064 MOD 11,10, the scheme of the German tax
ID) over year and number. The check digit catches every single wrong digit and every
swap of neighbouring digits, so a mistyped reference is found unknown instead of being
matched to another citizen's payment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def check_digit(digits: str) -> int:
    """ISO 7064 MOD 11,10 check digit of a string of digits."""
    if not digits or not digits.isdigit():
        raise ValueError("digits only")
    product = 10
    for char in digits:
        total = (int(char) + product) % 10
        if total == 0:
            total = 10
        product = (total * 2) % 11
    return (11 - product) % 10


def format_reference(*, prefix: str, year: int, number: int) -> str:
    if not 0 < number <= 999_999:
        raise ValueError("running number out of range")
    body = f"{year:04d}{number:06d}"
    return f"{prefix}-{year:04d}-{number:06d}-{check_digit(body)}"


@dataclass(frozen=True)
class ParsedReference:
    prefix: str
    year: int
    number: int
    check: int

    @property
    def canonical(self) -> str:
        return f"{self.prefix}-{self.year:04d}-{self.number:06d}-{self.check}"


def _pattern(prefix: str) -> re.Pattern:
    return re.compile(rf"{re.escape(prefix.upper())}(\d{{4}})(\d{{6}})(\d)")


def compact(text: str) -> str:
    """Upper case, only letters and digits: banks and payers insert spaces, hyphens and
    line breaks anywhere (140-character lines), and change case."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def find_references(text: str, *, prefix: str) -> list[ParsedReference]:
    """All references with a valid check digit in free text, tolerant to spaces,
    hyphens, line breaks and case. Candidates with a wrong check digit are dropped."""
    found: list[ParsedReference] = []
    squeezed = compact(text)
    for match in _pattern(prefix).finditer(squeezed):
        year, number, check = match.group(1), match.group(2), int(match.group(3))
        if check_digit(year + number) != check or int(number) == 0:
            continue
        ref = ParsedReference(prefix=prefix.upper(), year=int(year), number=int(number), check=check)
        if ref not in found:
            found.append(ref)
    return found


def parse_reference(value: str, *, prefix: str) -> ParsedReference | None:
    refs = find_references(value, prefix=prefix)
    if len(refs) == 1 and compact(value) == compact(refs[0].canonical):
        return refs[0]
    return None


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
