"""CSV exports that a spreadsheet opens safely.

A cell that starts with = + - @ (or a tab or carriage return) is read by Excel,
LibreOffice and Google Sheets as a formula ("CSV injection": a shop named
`=HYPERLINK(...)` in a statement). `safe_cell` prefixes such text with a single quote,
the spreadsheets' "this is text" mark; numbers pass unchanged. Every CSV export writes
through `csv_writer`:

    writer = csv_writer(buffer)           # csv.writer(buffer, delimiter=";") that escapes
    writer.writerow([_("Geschäft"), shop.name])
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

__all__ = ["FORMULA_STARTS", "csv_writer", "safe_cell", "safe_row"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class _SafeWriter:
    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(buffer: Any, *, delimiter: str = ";") -> _SafeWriter:
    """A csv.writer (semicolon-separated, as German spreadsheets expect) whose text cells
    cannot start a formula."""
    return _SafeWriter(csv.writer(buffer, delimiter=delimiter))
