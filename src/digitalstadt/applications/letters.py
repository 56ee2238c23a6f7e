"""Letters for cases: the receipt, the decision (per-service template), the rejection."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from digitalstadt.core.pdf import DecisionLetter, Office
from digitalstadt.payments.selectors import reference_for_people

from .models import Case


def office_of(case: Case) -> Office:
    org = case.office
    if org is None:
        from django.conf import settings

        return Office(name=settings.CITY_NAME)
    return Office(name=org.name, street=org.street, postal_code=org.postal_code, city=org.city, email=org.email,
                  phone=org.phone)


def addressee_lines(case: Case) -> list[str]:
    address = case.data.get("_address") or case.result.get("address") or {}
    lines = [case.applicant_name]
    if address.get("line"):
        lines.append(address["line"])
    if address.get("city_line"):
        lines.append(address["city_line"])
    return lines


def _case_worker(actor: Any) -> str:
    if actor is None:
        return "automatisch erstellt"
    return actor.get_full_name() or actor.email


def decision_letter(*, case: Case, plugin: Any, approve: bool, actor: Any) -> DecisionLetter:
    summary = plugin.summary(data=case.data, user=case.applicant)
    if approve:
        return DecisionLetter(
            office=office_of(case), addressee_lines=addressee_lines(case), reference=case.reference,
            subject=plugin.decision_subject or f"{plugin.decision_title}: {case.service.name_de}",
            date=timezone.localdate(),
            document_type=plugin.decision_document_type, case_worker=_case_worker(actor),
            salutation=f"Guten Tag {case.applicant_name},",
            template_name=plugin.decision_template,
            extra={"summary": summary, "fee_lines": case.fee_lines, "fee_cents": case.fee_cents,
                   "result": case.result, **plugin.decision_context(case=case)},
        )
    return DecisionLetter(
        office=office_of(case), addressee_lines=addressee_lines(case), reference=case.reference,
        subject=f"Ablehnung Ihres Antrags: {case.service.name_de}", date=timezone.localdate(),
        document_type="Ablehnungsbescheid", case_worker=_case_worker(actor),
        salutation=f"Guten Tag {case.applicant_name},",
        template_name="applications/pdf/rejection.html",
        paragraphs=[f"Ihr Antrag vom {timezone.localtime(case.submitted_at):%d.%m.%Y} wird abgelehnt.",
                    f"Begründung: {case.decision_reason}"],
        extra={"summary": summary},
    )


def receipt_letter(*, case: Case, plugin: Any) -> DecisionLetter:
    return DecisionLetter(
        office=office_of(case), addressee_lines=addressee_lines(case), reference=case.reference,
        subject=f"Eingangsbestätigung: {case.service.name_de}", date=timezone.localdate(),
        document_type="Eingangsbestätigung", template_name="applications/pdf/receipt.html",
        salutation=f"Guten Tag {case.applicant_name},",
        extra={"summary": plugin.summary(data=case.data, user=case.applicant), "fee_lines": case.fee_lines,
               "fee_cents": case.fee_cents, "fee_is_demo": case.fee_is_demo,
               "submitted_at": timezone.localtime(case.submitted_at),
               "uploads": [u.document.filename for u in case.uploads.select_related("document")],
               "payment_reference": reference_for_people(case.payment.reference) if case.payment_id else "",
               "waits_for_payment": case.status == "awaiting_payment"},
    )
