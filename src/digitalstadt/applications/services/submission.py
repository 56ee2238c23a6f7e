"""Submission: check what is missing, freeze the fee, make the case (reference,
payment, receipt) and move a paid case on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows

from ..models import (
    Application,
    Case,
    CaseEvent,
    CaseReferenceCounter,
    CaseStatus,
    EvidenceUpload,
)
from ..plugins.base import get_plugin
from ..selectors import missing_evidence, missing_steps
from ._common import _draft, _notify, plugin_for


# --- submission --------------------------------------------------------------------------


def revalidate(*, application: Application, user: Any) -> dict:
    """Every step's stored data through its form again: data can go stale (a pick-up
    day filled up, a rule changed). Returns {step key: errors}."""
    plugin = get_plugin(application.plugin)
    problems = {}
    for step in plugin.steps():
        stored = application.data.get(step.key)
        if stored is None:
            continue
        form = step.form_class(data=_as_form_data(step, stored),
                               **plugin.form_kwargs(step=step, data=application.data, user=user))
        if not form.is_valid():
            problems[step.key] = form.errors
    return problems


def _as_form_data(step, stored: dict) -> dict:
    from django.utils.datastructures import MultiValueDict

    data = MultiValueDict()
    for key, value in stored.items():
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        elif value is not None:
            data[key] = str(value)
    return data


def _next_case_reference() -> str:
    prefix = getattr(settings, "CASE_REFERENCE_PREFIX", "DA")
    year = timezone.localdate().year
    CaseReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = lock_rows(CaseReferenceCounter.objects.filter(prefix=prefix, year=year))[0]
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:06d}"


def application_fingerprint(*, application: Application, fee_cents: int | None) -> str:
    """What the citizen saw on the summary: data, uploads and fee. Submitting with the
    fingerprint of the page makes sure exactly that is submitted (not a change made in
    another tab meanwhile, nor a fee that changed at midnight)."""
    import hashlib
    import json

    data = {k: v for k, v in application.data.items() if not k.startswith("_")}
    uploads = sorted(application.uploads.values_list("pk", flat=True))
    payload = json.dumps([data, uploads, fee_cents], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def application_submit(*, application: Application, user: Any, day: dt.date | None = None,
                       fingerprint: str | None = None) -> Case:
    from digitalstadt.payments.services import payment_create

    _draft(application, user)
    plugin = plugin_for(application.service)  # the service may have been switched off meanwhile
    if not user.has_assurance(plugin.assurance_level):
        raise PermissionDenied
    day = day or timezone.localdate()
    with transaction.atomic():
        locked = lock_rows(Application.objects.filter(pk=application.pk))[0]
        if locked.status != Application.Status.DRAFT:
            raise ValidationError(_("Dieser Antrag wurde bereits eingereicht."))
        if missing_steps(application=locked):
            raise ValidationError(_("Bitte füllen Sie zuerst alle Schritte aus."))
        problems = revalidate(application=locked, user=user)
        if problems:
            raise ValidationError(_("Einige Angaben sind nicht mehr gültig. Bitte prüfen Sie die markierten "
                                    "Schritte: %(steps)s.") % {
                "steps": ", ".join(str(plugin.step(k).title) for k in problems)})
        missing = missing_evidence(application=locked)
        if missing:
            raise ValidationError(_("Bitte laden Sie noch diese Nachweise hoch: %(names)s.") % {
                "names": ", ".join(e.name for e in missing)})
        data = {k: v for k, v in locked.data.items() if not k.startswith("_")}
        plugin.check(data=data, user=user, day=day)
        quote = plugin.fee(service=locked.service, data=data, day=day)
        if fingerprint is not None and fingerprint != application_fingerprint(application=locked,
                                                                              fee_cents=quote.total_cents):
            raise ValidationError(_("Ihre Angaben oder die Gebühr haben sich geändert, seit Sie die Zusammenfassung "
                                    "geöffnet haben. Bitte prüfen Sie sie noch einmal und senden Sie dann ab."))
        reference = _next_case_reference()
        now = timezone.now()
        waits = plugin.waits_for_payment and quote.total_cents > 0
        case = Case.objects.create(
            reference=reference, application=locked, service=locked.service, plugin=plugin.slug,
            office=locked.service.office, applicant=user,
            applicant_name=plugin.applicant_name(data=data, user=user)[:300],
            status=CaseStatus.AWAITING_PAYMENT if waits else CaseStatus.RECEIVED,
            data=data, fee_cents=quote.total_cents, fee_lines=quote.as_json(), fee_is_demo=quote.is_demo,
            submitted_at=now, due_date=_default_due_date(locked.service, day),
        )
        if quote.total_cents > 0 and plugin.waits_for_payment:
            case.payment = payment_create(
                amount_cents=quote.total_cents, purpose=f"{locked.service.name_de[:100]} {reference}",
                regarding=reference, payer=user, actor=user)
            case.save(update_fields=["payment"])
        plugin.on_submit(case=case)
        case.result = {**case.result, "address": plugin.address(data=data, user=user),
                       **plugin.result_on_submit(case=case)}
        case.save(update_fields=["result"])
        locked.status = Application.Status.SUBMITTED
        locked.save(update_fields=["status", "updated_at"])
        EvidenceUpload.objects.filter(application=locked).update(case=case)
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.SUBMITTED, actor=user, status_to=case.status,
                                 public_text=_submitted_text(case))
        audit_log(actor=user, action="applications.case_submitted", subject=case, data_subject=user,
                  data={"service": locked.service.slug, "fee_cents": case.fee_cents, "status": case.status})
        from ..tasks import issue_receipt

        transaction.on_commit(lambda: issue_receipt.enqueue(case.pk))
        if case.status == CaseStatus.RECEIVED:
            _case_ready(case)
    return case


def _default_due_date(service: Any, day: dt.date) -> dt.date:
    return day + dt.timedelta(days=int(getattr(settings, "CASE_DEFAULT_DUE_DAYS", 14)))


def _submitted_text(case: Case) -> str:
    if case.status == CaseStatus.AWAITING_PAYMENT:
        return N_("Ihr Antrag ist eingegangen. Die Bearbeitung beginnt, sobald die Gebühr bezahlt ist.")
    return N_("Ihr Antrag ist eingegangen.")


def _case_ready(case: Case) -> None:
    """The case can be processed (paid or free): automatic decisions start now."""
    plugin = get_plugin(case.plugin)
    if plugin is not None and plugin.automatic_decision:
        from ..tasks import decide_automatically

        case_id = case.pk
        transaction.on_commit(lambda: decide_automatically.enqueue(case_id))


def payment_settled(*, payment: Any) -> None:
    """Called by payments (registered in `settled_handlers`) inside the transaction that
    settled `payment`: a case waiting for it moves on."""
    cases = lock_rows(Case.objects.filter(payment_id=payment.pk))
    for case in cases:
        if case.status != CaseStatus.AWAITING_PAYMENT:
            continue
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.PAYMENT, status_from=case.status,
                                 status_to=CaseStatus.RECEIVED,
                                 public_text=N_("Ihre Zahlung ist eingegangen. Die Bearbeitung beginnt."))
        case.status = CaseStatus.RECEIVED
        case.save(update_fields=["status"])
        audit_log(actor=None, system="payments", action="applications.case_paid", subject=case,
                  data_subject=case.applicant, data={"payment": payment.pk})
        _notify(case, subject=N_("Zahlung eingegangen: %(ref)s"),
                body=N_("Ihre Zahlung für den Vorgang %(ref)s (%(service)s) ist eingegangen. "
                       "Die Bearbeitung beginnt."))
        _case_ready(case)
