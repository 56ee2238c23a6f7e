"""Applications API (tag `applications`): a signed-in citizen's cases and their status
monitor, for the city app. Read-only; only the applicant's own cases exist here (another
person's reference answers 404, like the pages)."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from digitalstadt.core.api_errors import api_errors

from . import selectors
from .models import CaseStatus

router = Router(tags=["applications"], auth=django_auth)


class EventOut(Schema):
    at: datetime
    kind: str
    text: str


class CaseOut(Schema):
    reference: str
    service: str
    status: str
    status_label: str
    submitted_at: datetime
    fee_cents: int
    payment_reference: str | None
    payment_status: str | None
    decision_url: str | None
    receipt_url: str | None


class CaseDetailOut(CaseOut):
    events: list[EventOut]


def _case_out(case) -> dict:
    from django.urls import reverse

    return {
        "reference": case.reference, "service": case.service.slug, "status": case.status,
        "status_label": str(CaseStatus(case.status).label), "submitted_at": case.submitted_at,
        "fee_cents": case.fee_cents,
        "payment_reference": case.payment.reference if case.payment_id else None,
        "payment_status": case.payment.status if case.payment_id else None,
        "decision_url": reverse("core:document-download", kwargs={"uuid": case.decision.uuid})
        if case.decision_id else None,
        "receipt_url": reverse("core:document-download", kwargs={"uuid": case.receipt.uuid})
        if case.receipt_id else None,
    }


@router.get("/cases", response={200: list[CaseOut], **api_errors(401)}, summary="My cases (newest first)")
def my_cases(request):
    return [_case_out(c) for c in selectors.cases_of(user=request.user).select_related("decision", "receipt")]


@router.get("/cases/{reference}", response={200: CaseDetailOut, **api_errors(401, 404)},
            summary="One of my cases with its public history")
def my_case(request, reference: str):
    import re

    if not re.fullmatch(selectors.REFERENCE_PATTERN, reference):
        raise HttpError(404, "Not found")
    case = selectors.case_of_applicant(user=request.user, reference=reference)
    if case is None:
        raise HttpError(404, "Not found")
    from django.utils.translation import gettext

    # System texts are stored in German and translated when shown; office texts stay as written.
    events = [{"at": e.created_at, "kind": e.kind, "text": gettext(e.public_text) if e.public_text else ""}
              for e in case.events.filter(is_public=True)]
    return {**_case_out(case), "events": events}
