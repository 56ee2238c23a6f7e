"""Build small CAMT.053.001.08 statements for tests and demos (fictional data)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass
class Credit:
    remittance: str
    amount_cents: int
    debtor: str = "Erika Mustermann"
    debtor_iban: str = "DE45120300001234567890"


def camt053(*, iban: str, credits: list[Credit], day: dt.date | None = None) -> bytes:
    day = day or dt.date.today()
    entries = []
    for number, credit in enumerate(credits, start=1):
        amount = f"{credit.amount_cents // 100}.{credit.amount_cents % 100:02d}"
        bank_ref = f"{day:%Y%m%d}{secrets.token_hex(4)}{number:03d}"
        entries.append(f"""
      <Ntry>
        <NtryRef>{number}</NtryRef>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{day.isoformat()}</Dt></BookgDt>
        <ValDt><Dt>{day.isoformat()}</Dt></ValDt>
        <AcctSvcrRef>{bank_ref}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <Amt Ccy="EUR">{amount}</Amt>
          <CdtDbtInd>CRDT</CdtDbtInd>
          <RltdPties>
            <Dbtr><Pty><Nm>{escape(credit.debtor)}</Nm></Pty></Dbtr>
            <DbtrAcct><Id><IBAN>{credit.debtor_iban}</IBAN></Id></DbtrAcct>
          </RltdPties>
          <RmtInf><Ustrd>{escape(credit.remittance)}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>""")
    statement_id = f"{day.isoformat()}-{secrets.token_hex(3)}"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT-{statement_id}</MsgId><CreDtTm>{day.isoformat()}T06:00:00+01:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{statement_id}</Id>
      <CreDtTm>{day.isoformat()}T22:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>{''.join(entries)}
    </Stmt>
  </BkToCstmrStmt>
</Document>
""".encode()
