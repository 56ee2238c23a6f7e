"""CSV exports: a text cell never starts a spreadsheet formula; numbers pass unchanged."""

from __future__ import annotations

import io

from digitalstadt.core.spreadsheet import csv_writer, safe_cell


def test_formula_starts_are_quoted_other_values_pass():
    for hostile in ("=1+1", "+49 6151", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(hostile) == "'" + hostile
    assert safe_cell("Kaffeerösterei") == "Kaffeerösterei"
    assert safe_cell(-5) == -5 and safe_cell(None) is None and safe_cell("") == ""


def test_the_writer_escapes_every_row():
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["Geschäft", "=cmd|' /C calc'!A0"])
    writer.writerows([["@x", 3]])
    assert buffer.getvalue().splitlines() == ["Geschäft;'=cmd|' /C calc'!A0", "'@x;3"]
