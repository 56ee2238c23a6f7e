"""GiroCode (EPC QR code, EPC069-12 "Quick Response Code: guidelines to enable data
capture for the initiation of a SEPA credit transfer"), version 002, UTF-8.

The payload is written here line by line rather than through segno's helper, so the
amount always carries two decimals ("EUR12.50") and the character set is fixed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .references import normalise_iban

MAX_PAYLOAD_BYTES = 331
MAX_AMOUNT_CENTS = 99_999_999_999


@dataclass(frozen=True)
class TransferData:
    """What a bank transfer needs; the same data is shown as text next to the code."""

    name: str
    iban: str
    bic: str
    amount_cents: int
    remittance: str = ""  # unstructured text (payments issued before RF references)
    # ISO 11649 creditor reference (RF...): goes into the structured field instead.
    structured_reference: str = ""

    @property
    def remittance_display(self) -> str:
        """What the payer types: the RF reference in groups of four, else the text."""
        from .references import group

        return group(self.structured_reference) if self.structured_reference else self.remittance

    @property
    def amount_text(self) -> str:
        return f"{self.amount_cents // 100}.{self.amount_cents % 100:02d}"


def epc_payload(data: TransferData) -> str:
    if not 1 <= data.amount_cents <= MAX_AMOUNT_CENTS:
        raise ValueError("amount out of the EPC range 0.01-999999999.99")
    name = data.name.strip()
    if not 0 < len(name) <= 70:
        raise ValueError("creditor name must have 1-70 characters")
    bic = data.bic.strip().upper()
    if bic and len(bic) not in (8, 11):
        raise ValueError("BIC must have 8 or 11 characters")
    remittance = data.remittance.strip()
    structured = data.structured_reference.strip().upper()
    if structured:
        from .references import rf_is_valid

        if remittance or not rf_is_valid(structured) or len(structured) > 25:
            raise ValueError("a structured reference is a valid ISO 11649 RF reference, with no text beside it")
    elif not 0 < len(remittance) <= 140:
        raise ValueError("remittance text must have 1-140 characters")
    lines = [
        "BCD",  # service tag
        "002",  # version
        "1",  # character set: UTF-8
        "SCT",  # SEPA credit transfer
        bic,
        name,
        normalise_iban(data.iban),
        f"EUR{data.amount_text}",
        "",  # purpose code
        structured,  # structured creditor reference (ISO 11649)
        remittance,  # unstructured remittance information (only without a structured one)
    ]
    payload = "\n".join(lines)
    if len(payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise ValueError("EPC payload exceeds 331 bytes")
    return payload


def epc_qr(data: TransferData) -> segno.QRCode:
    # EPC069-12: error correction level M, at most version 13.
    qr = segno.make(epc_payload(data).encode("utf-8"), error="m", boost_error=False, mode="byte", micro=False)
    if qr.version > 13:
        raise ValueError("EPC QR code would exceed version 13")
    return qr


def epc_qr_svg(data: TransferData, *, title: str, scale: int = 4) -> SafeString:
    buffer = io.BytesIO()
    epc_qr(data).save(buffer, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True, nl=False)
    svg = buffer.getvalue().decode()
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
    return mark_safe(svg)  # segno output plus an escaped attribute


def epc_qr_png(data: TransferData, *, scale: int = 5) -> bytes:
    buffer = io.BytesIO()
    epc_qr(data).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
