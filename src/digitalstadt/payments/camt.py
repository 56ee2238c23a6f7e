"""CAMT.053 (ISO 20022 BankToCustomerStatement) reader.

Parsed with defusedxml (no DTDs, no entity expansion), by local element names so that
camt.053.001.02 up to .08 (and banks' variants) read the same. Returns plain data; the
reconciliation lives in services.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

MAX_FILE_BYTES = 20 * 1024 * 1024


class CamtError(ValueError):
    """The file is not a readable CAMT.053 statement (message in German for staff)."""


@dataclass
class CamtEntry:
    credit: bool
    booked: bool
    reversal: bool
    amount_cents: int
    currency: str
    booking_date: date | None
    value_date: date | None
    bank_reference: str
    end_to_end_id: str = ""
    debtor_name: str = ""
    debtor_iban: str = ""
    remittance_lines: list[str] = field(default_factory=list)

    @property
    def remittance_info(self) -> str:
        return "\n".join(self.remittance_lines)


@dataclass
class CamtStatement:
    statement_id: str
    account_iban: str
    entries: list[CamtEntry]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element | None, *path: str) -> Element | None:
    for name in path:
        if element is None:
            return None
        found = _children(element, name)
        element = found[0] if found else None
    return element


def _text(element: Element | None, *path: str) -> str:
    found = _child(element, *path) if path else element
    return (found.text or "").strip() if found is not None else ""


def _descendants(element: Element, name: str) -> list[Element]:
    return [e for e in element.iter() if _local(e.tag) == name]


def parse_amount_cents(text: str) -> int:
    """A decimal amount ("1234.5", "0.99") as integer cents; at most two decimals,
    positive, never through float."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise CamtError(f"Ungültiger Betrag „{text}“.") from None
    if not value.is_finite() or value <= 0:
        raise CamtError(f"Ungültiger Betrag „{text}“.")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise CamtError(f"Betrag „{text}“ hat mehr als zwei Nachkommastellen.")
    return int(cents)


def _date(element: Element | None) -> date | None:
    if element is None:
        return None
    day = _text(element, "Dt")
    if day:
        return date.fromisoformat(day[:10])
    moment = _text(element, "DtTm")
    if moment:
        return datetime.fromisoformat(moment).date()
    return None


def _status_booked(entry: Element) -> bool:
    status = _child(entry, "Sts")
    if status is None:
        return True
    # .02: <Sts>BOOK</Sts>; .08+: <Sts><Cd>BOOK</Cd></Sts>
    code = _text(status, "Cd") or _text(status)
    return code.upper() == "BOOK"


def _party_name(details: Element, role: str) -> str:
    parties = _child(details, "RltdPties")
    if parties is None:
        return ""
    # .02: Dbtr/Nm; .08: Dbtr/Pty/Nm
    return _text(parties, role, "Nm") or _text(parties, role, "Pty", "Nm")


def _party_iban(details: Element, role: str) -> str:
    parties = _child(details, "RltdPties")
    return _text(parties, f"{role}Acct", "Id", "IBAN").replace(" ", "").upper() if parties is not None else ""


def _remittance(details: Element) -> list[str]:
    info = _child(details, "RmtInf")
    if info is None:
        return []
    lines = [(u.text or "").strip() for u in _children(info, "Ustrd") if (u.text or "").strip()]
    for structured in _children(info, "Strd"):
        for ref in _descendants(structured, "Ref"):
            if (ref.text or "").strip():
                lines.append(ref.text.strip())
        for note in _descendants(structured, "AddtlRmtInf"):
            if (note.text or "").strip():
                lines.append(note.text.strip())
    return lines


def _amount(element: Element) -> tuple[int, str]:
    amt = _child(element, "Amt")
    if amt is None:
        raise CamtError("Buchung ohne Betrag.")
    return parse_amount_cents(amt.text or ""), (amt.get("Ccy") or "").upper()


def _entry_fallback_reference(entry: Element) -> str:
    # No bank reference in the file: a digest of the entry's content identifies it, so
    # the same entry in an overlapping statement is still recognised as a duplicate.
    # (Serialising a parsed tree is safe; only parsing goes through defusedxml.)
    return "sha256:" + hashlib.sha256(tostring(entry)).hexdigest()[:40]


def _entries(statement_id: str, entry: Element, index: int) -> list[CamtEntry]:
    credit = _text(entry, "CdtDbtInd").upper() == "CRDT"
    booked = _status_booked(entry)
    reversal = _text(entry, "RvslInd").lower() == "true"
    entry_cents, entry_currency = _amount(entry)
    booking = _date(_child(entry, "BookgDt"))
    value = _date(_child(entry, "ValDt"))
    entry_ref = _text(entry, "AcctSvcrRef") or _entry_fallback_reference(entry)
    details_list = [d for block in _children(entry, "NtryDtls") for d in _children(block, "TxDtls")]
    if not details_list:
        return [CamtEntry(credit=credit, booked=booked, reversal=reversal, amount_cents=entry_cents,
                          currency=entry_currency, booking_date=booking, value_date=value, bank_reference=entry_ref,
                          remittance_lines=[_text(entry, "AddtlNtryInf")] if _text(entry, "AddtlNtryInf") else [])]
    result = []
    for position, details in enumerate(details_list, start=1):
        if len(details_list) == 1:
            cents, currency = entry_cents, entry_currency
        else:
            # Batch booking: each transaction carries its own amount (.08 TxDtls/Amt,
            # .02 TxDtls/AmtDtls/TxAmt/Amt).
            holder = details if _child(details, "Amt") is not None else _child(details, "AmtDtls", "TxAmt")
            if holder is None:
                raise CamtError("Sammelbuchung ohne Einzelbeträge.")
            cents, currency = _amount(holder)
        own_ref = _text(details, "Refs", "AcctSvcrRef")
        if own_ref:
            bank_reference = own_ref
        else:
            bank_reference = entry_ref if len(details_list) == 1 else f"{entry_ref}/{position}"
        result.append(CamtEntry(
            credit=credit, booked=booked, reversal=reversal, amount_cents=cents, currency=currency,
            booking_date=booking, value_date=value, bank_reference=bank_reference,
            end_to_end_id=_text(details, "Refs", "EndToEndId"),
            debtor_name=_party_name(details, "Dbtr"), debtor_iban=_party_iban(details, "Dbtr"),
            remittance_lines=_remittance(details),
        ))
    return result


def parse_camt053(content: bytes) -> list[CamtStatement]:
    if len(content) > MAX_FILE_BYTES:
        raise CamtError("Die Datei ist zu groß (höchstens 20 MB).")
    try:
        root = SafeET.fromstring(content)
    except DefusedXmlException:
        raise CamtError("Die Datei enthält unzulässige XML-Konstrukte (DTD oder Entitäten).") from None
    except SafeET.ParseError:
        raise CamtError("Die Datei ist kein gültiges XML.") from None
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    container = _child(root, "BkToCstmrStmt")
    if _local(root.tag) != "Document" or container is None or (namespace and "camt.053" not in namespace):
        raise CamtError("Die Datei ist kein CAMT.053-Kontoauszug (BankToCustomerStatement).")
    statements = []
    for stmt in _children(container, "Stmt"):
        statement_id = _text(stmt, "Id")
        iban = _text(stmt, "Acct", "Id", "IBAN").replace(" ", "").upper()
        entries: list[CamtEntry] = []
        for index, entry in enumerate(_children(stmt, "Ntry"), start=1):
            entries.extend(_entries(statement_id, entry, index))
        statements.append(CamtStatement(statement_id=statement_id, account_iban=iban, entries=entries))
    if not statements:
        raise CamtError("Die Datei enthält keinen Kontoauszug.")
    return statements
