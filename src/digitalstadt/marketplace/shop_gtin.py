"""GTIN (EAN-8, UPC-A, EAN-13, GTIN-14) check digits (GS1 mod-10)."""

from __future__ import annotations


def gtin_check_digit(body: str) -> int:
    """The check digit for the digits before it: weights 3, 1, 3, ... from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gtin_is_valid(value: str) -> bool:
    return (value.isascii() and value.isdigit() and len(value) in (8, 12, 13, 14)
            and gtin_check_digit(value[:-1]) == int(value[-1]))


def gtin_complete(body: str) -> str:
    """Append the check digit: "400638133393" -> "4006381333931"."""
    return body + str(gtin_check_digit(body))
