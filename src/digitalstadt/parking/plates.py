"""German number plates: parsed without losing the boundary between the district code
and the letters. `B-AB 123` (Berlin) and `BA-B 123` (Bamberg) are different cars, so
the canonical form keeps a hyphen after the district: "B-AB123" and "BA-B123"
(digits follow the letters directly, then an E or H suffix for electric or historic
vehicles: "DA-AB123E").

Input with a separator (hyphen, space or colon) between district and letters is
accepted with any district of 1-3 letters. Input without one ("DAAB123") is accepted
only where the shipped list of district codes (data/kfz_codes.txt, compiled, not an
official download) allows exactly one split; otherwise a clear message asks for the
separator."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

__all__ = ["Plate", "PlateError", "district_codes", "normalise_plate", "parse_plate"]

CODES_FILE = Path(__file__).parent / "data" / "kfz_codes.txt"
_LETTER = "A-ZÄÖÜ"
_SEP = r"[\s\-:.]"
# district, separator, letters, optional separator, digits (no leading zero), suffix
SEPARATED = re.compile(rf"^([{_LETTER}]{{1,3}}){_SEP}+([{_LETTER}]{{1,2}}){_SEP}*([1-9]\d{{0,3}})\s*([EH])?$")
UNSEPARATED = re.compile(rf"^([{_LETTER}]{{2,5}}){_SEP}*([1-9]\d{{0,3}})\s*([EH])?$")


class PlateError(ValueError):
    """The input is not a plate we can read unambiguously; `str()` is the message for the user."""


@dataclass(frozen=True)
class Plate:
    district: str
    letters: str
    digits: str
    suffix: str = ""

    @property
    def canonical(self) -> str:
        """The look-up key: 'DA-AB123', 'DA-AB123E'."""
        return f"{self.district}-{self.letters}{self.digits}{self.suffix}"

    @property
    def display(self) -> str:
        """How a plate is written: 'DA-AB 123', 'DA-AB 123E'."""
        return f"{self.district}-{self.letters} {self.digits}{self.suffix}"


@cache
def district_codes() -> frozenset[str]:
    lines = CODES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", (value or "").strip().upper())


def parse_plate(value: str) -> Plate:
    """'DA-AB 123', 'da ab 123', 'DA:AB123', 'DAAB123' -> Plate('DA', 'AB', '123').
    Raises PlateError with a message for the user."""
    text = _clean(value)
    if not text:
        raise PlateError(_("Bitte geben Sie ein Kennzeichen ein."))
    if len(text) > 20:
        raise PlateError(_("Bitte geben Sie ein deutsches Kennzeichen an, zum Beispiel DA-AB 123."))
    match = SEPARATED.match(text)
    if match:
        district, letters, digits, suffix = match.groups()
        return Plate(district, letters, digits, suffix or "")
    match = UNSEPARATED.match(text)
    if not match:
        raise PlateError(_("Bitte geben Sie ein deutsches Kennzeichen an, zum Beispiel DA-AB 123."))
    run, digits, suffix = match.groups()
    codes = district_codes()
    splits = [(run[:k], run[k:]) for k in (1, 2, 3) if run[:k] in codes and 1 <= len(run) - k <= 2]
    if len(splits) == 1:
        return Plate(splits[0][0], splits[0][1], digits, suffix or "")
    options = ", ".join(f"{district}-{letters} {digits}" for district, letters in splits)
    if splits:
        raise PlateError(_("Das Kennzeichen ist ohne Trennzeichen nicht eindeutig (%(options)s). Bitte geben Sie "
                           "einen Bindestrich oder ein Leerzeichen nach dem Ortskürzel ein.")
                         % {"options": options})
    raise PlateError(_("Das Ortskürzel ist nicht zu erkennen. Bitte geben Sie einen Bindestrich oder ein "
                       "Leerzeichen nach dem Ortskürzel ein, zum Beispiel DA-AB 123."))


def normalise_plate(value: str) -> str:
    """The look-up key of a plate ('DA-AB 123' and 'DA AB 123' -> 'DA-AB123'). Input
    that is no readable plate gets a key no readable plate has ('?' + its letters and
    digits), so look-ups find nothing rather than a wrong car."""
    try:
        return parse_plate(value).canonical
    except PlateError:
        return "?" + re.sub(rf"[^{_LETTER}0-9]", "", _clean(value))[:14]
