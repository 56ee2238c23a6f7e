"""Office side: assign, change status, notes, deadlines, evidence requests and their
answers; the citizen withdraws an unpaid case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows

from ..models import (
    Case,
    CaseEvent,
    CaseStatus,
    EvidenceRequest,
    EvidenceUpload,
)
from ..plugins.base import get_plugin
from ..selectors import can_work_on_case
from ._common import MANUAL_TRANSITIONS, _notify


# --- office -------------------------------------------------------------------------------


def _workable(case: Case, user: Any) -> None:
    if not can_work_on_case(user=user, case=case):
        raise PermissionDenied


def _lock_case(case: Case) -> Case:
    return lock_rows(Case.objects.filter(pk=case.pk))[0]


def case_assign(*, case: Case, assignee: Any, actor: Any) -> Case:
    _workable(case, actor)
    if assignee is not None and not can_work_on_case(user=assignee, case=case):
        raise ValidationError(_("Diese Person ist für dieses Amt nicht in der Sachbearbeitung."))
    with transaction.atomic():
        locked = _lock_case(case)
        if locked.assigned_to_id == (assignee.pk if assignee else None):
            return locked
        locked.assigned_to = assignee
        locked.save(update_fields=["assigned_to"])
        CaseEvent.objects.create(case=locked, kind=CaseEvent.Kind.ASSIGNED, actor=actor, is_public=False,
                                 internal_text=f"Zugewiesen an {assignee}" if assignee else "Zuweisung aufgehoben")
        audit_log(actor=actor, action="applications.case_assigned", subject=locked, data_subject=locked.applicant,
                  data={"assignee": assignee.pk if assignee else None})
    return locked


def case_change_status(*, case: Case, status: str, actor: Any) -> Case:
    _workable(case, actor)
    with transaction.atomic():
        locked = _lock_case(case)
        if status not in MANUAL_TRANSITIONS.get(locked.status, set()):
            raise ValidationError(_("Von „%(from)s“ kann der Vorgang nicht nach „%(to)s“ wechseln.") % {
                "from": locked.get_status_display(), "to": CaseStatus(status).label})
        before = locked.status
        if before == CaseStatus.EVIDENCE_REQUESTED:
            EvidenceRequest.objects.filter(case=locked, answered_at__isnull=True).update(
                answered_at=timezone.now(), answer_text="(vom Amt ohne Antwort fortgesetzt)")
        if before == CaseStatus.AWAITING_PAYMENT and locked.payment_id:
            _cancel_open_payment(locked, actor)
        locked.status = status
        fields = ["status", "answer_received", "due_date", "waiting_since"]
        locked.answer_received = False
        _resume_deadline(locked)
        if status == CaseStatus.CLOSED:
            locked.closed_at = timezone.now()
            fields.append("closed_at")
        if status == CaseStatus.IN_REVIEW and locked.assigned_to_id is None:
            locked.assigned_to = actor
            fields.append("assigned_to")
        locked.save(update_fields=fields)
        CaseEvent.objects.create(case=locked, kind=CaseEvent.Kind.STATUS, actor=actor, status_from=before,
                                 status_to=status, public_text=_status_text(status))
        audit_log(actor=actor, action="applications.case_status_changed", subject=locked,
                  data_subject=locked.applicant, data={"from": before, "to": status})
        _notify(locked, subject=N_("Neuer Stand: %(ref)s"),
                body=N_("Der Vorgang %(ref)s (%(service)s) hat einen neuen Stand: %(status)s."),
                params={"status": CaseStatus(status).label}, actor=actor)
    return locked


def _resume_deadline(case: Case) -> int:
    """End a pause of the processing time: the due date moves on by the days waited.
    Returns those days (0 when the case was not waiting). The caller saves."""
    if case.waiting_since is None:
        return 0
    waited = max(0, (timezone.localdate() - timezone.localdate(case.waiting_since)).days)
    if case.due_date is not None:
        case.due_date += dt.timedelta(days=waited)
    case.waiting_since = None
    return waited


def clear_answer_marker(case: Case) -> None:
    """A case worker acted on the case: the "Antwort eingegangen" marker goes."""
    if case.answer_received:
        Case.objects.filter(pk=case.pk).update(answer_received=False)
        case.answer_received = False


def _cancel_open_payment(case: Case, actor: Any) -> None:
    """An unpaid fee is cancelled with its case; money that still arrives is then
    flagged as a duplicate for refund (payments never matches it silently)."""
    from digitalstadt.payments.services import payment_withdraw

    payment_withdraw(payment_id=case.payment_id, actor=actor, regarding=case.reference)


def case_withdraw(*, case: Case, user: Any) -> Case:
    """The applicant withdraws a case that has not been paid yet (nothing to refund)."""
    if case.applicant_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock_case(case)
        if locked.status != CaseStatus.AWAITING_PAYMENT:
            raise ValidationError(_("Nur Anträge, die noch nicht bezahlt sind, können Sie hier zurückziehen. "
                                    "Bitte schreiben Sie sonst dem Amt."))
        if locked.payment_id:
            _cancel_open_payment(locked, user)
        locked.status = CaseStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        plugin = get_plugin(locked.plugin)
        if plugin is not None:
            plugin.on_rejected(case=locked, actor=user)
            locked.save(update_fields=["result"])
        CaseEvent.objects.create(case=locked, kind=CaseEvent.Kind.STATUS, actor=user,
                                 status_from=CaseStatus.AWAITING_PAYMENT, status_to=CaseStatus.CLOSED,
                                 public_text=N_("Sie haben den Antrag zurückgezogen."))
        audit_log(actor=user, action="applications.case_withdrawn", subject=locked, data_subject=user)
    return locked


# Cases the applicant may still cancel online (within the plugin's deadline).
CANCELLABLE_STATUSES = (CaseStatus.RECEIVED, CaseStatus.IN_REVIEW, CaseStatus.APPROVED)


def case_cancellable_until(*, case: Case) -> dt.datetime | None:
    """Until when the applicant can cancel this case online; None when not (any more)."""
    plugin = get_plugin(case.plugin)
    if plugin is None or not plugin.cancel_label or case.status not in CANCELLABLE_STATUSES:
        return None
    deadline = plugin.cancellable_until(case=case)
    if deadline is None or timezone.now() >= deadline:
        return None
    return deadline


def case_cancel(*, case: Case, user: Any) -> Case:
    """The applicant cancels (e.g. a booked pick-up) until the plugin's deadline: the case
    is closed, what it held is given back, the Postfach says so."""
    if not user.is_authenticated or case.applicant_id != user.pk:
        raise PermissionDenied
    plugin = get_plugin(case.plugin)
    if plugin is None or not plugin.cancel_label:
        raise ValidationError(_("Dieser Vorgang kann nicht online abgesagt werden."))
    with transaction.atomic():
        locked = _lock_case(case)
        if locked.status not in CANCELLABLE_STATUSES:
            raise ValidationError(_("Dieser Vorgang ist bereits abgeschlossen oder abgesagt."))
        deadline = plugin.cancellable_until(case=locked)
        if deadline is None or timezone.now() >= deadline:
            raise ValidationError(plugin.cancel_refused_message(case=locked))
        before = locked.status
        plugin.on_cancelled(case=locked, actor=user)
        locked.status = CaseStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.result = {**locked.result, "cancelled_at": locked.closed_at.isoformat()}
        locked.save(update_fields=["status", "closed_at", "result"])
        CaseEvent.objects.create(case=locked, kind=CaseEvent.Kind.STATUS, actor=user, status_from=before,
                                 status_to=CaseStatus.CLOSED, public_text=N_("Sie haben den Vorgang abgesagt."))
        audit_log(actor=user, action="applications.case_cancelled", subject=locked, data_subject=user,
                  data={"from": before})
        _notify(locked, subject=N_("Abgesagt: %(ref)s"),
                body=N_("Sie haben den Vorgang %(ref)s (%(service)s) abgesagt. Sie müssen nichts weiter tun."),
                actor=user)
    return locked


def _status_text(status: str) -> str:
    return {
        CaseStatus.IN_REVIEW: N_("Ihr Antrag wird bearbeitet."),
        CaseStatus.RECEIVED: N_("Ihr Antrag wartet auf die Bearbeitung."),
        CaseStatus.CLOSED: N_("Der Vorgang ist abgeschlossen."),
    }.get(status, "")


def case_add_note(*, case: Case, text: str, actor: Any) -> CaseEvent:
    _workable(case, actor)
    text = text.strip()
    if not text:
        raise ValidationError(_("Bitte geben Sie einen Text für die Notiz ein."))
    with transaction.atomic():
        event = CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE, actor=actor, is_public=False,
                                         internal_text=text[:5000])
        clear_answer_marker(case)
        audit_log(actor=actor, action="applications.case_note_added", subject=case, data_subject=case.applicant)
    return event


def case_set_due_date(*, case: Case, due_date: dt.date | None, actor: Any) -> Case:
    _workable(case, actor)
    with transaction.atomic():
        locked = _lock_case(case)
        before = locked.due_date
        locked.due_date = due_date
        locked.save(update_fields=["due_date"])
        CaseEvent.objects.create(case=locked, kind=CaseEvent.Kind.DEADLINE, actor=actor, is_public=False,
                                 internal_text=f"Frist: {due_date:%d.%m.%Y}" if due_date else "Frist entfernt")
        audit_log(actor=actor, action="applications.case_due_date_set", subject=locked,
                  data_subject=locked.applicant,
                  data={"from": before.isoformat() if before else None,
                        "to": due_date.isoformat() if due_date else None})
    return locked


def case_request_evidence(*, case: Case, text: str, due_date: dt.date | None, actor: Any) -> EvidenceRequest:
    _workable(case, actor)
    text = text.strip()
    if not text:
        raise ValidationError(_("Bitte beschreiben Sie, welcher Nachweis fehlt."))
    if due_date is not None and due_date <= timezone.localdate():
        raise ValidationError(_("Die Frist muss in der Zukunft liegen."))
    with transaction.atomic():
        locked = _lock_case(case)
        if locked.status not in (CaseStatus.RECEIVED, CaseStatus.IN_REVIEW):
            raise ValidationError(_("Nachweise können nur für Vorgänge in Bearbeitung angefordert werden."))
        if locked.evidence_requests.filter(answered_at__isnull=True).exists():
            raise ValidationError(_("Es gibt schon eine offene Anforderung zu diesem Vorgang."))
        request = EvidenceRequest.objects.create(case=locked, text=text[:5000], due_date=due_date,
                                                 requested_by=actor)
        before = locked.status
        locked.status = CaseStatus.EVIDENCE_REQUESTED
        locked.answer_received = False
        locked.waiting_since = timezone.now()  # the processing time stands still from now
        locked.save(update_fields=["status", "answer_received", "waiting_since"])
        CaseEvent.objects.create(case=locked, kind=CaseEvent.Kind.EVIDENCE_REQUESTED, actor=actor,
                                 status_from=before, status_to=locked.status,
                                 public_text=text[:500])
        audit_log(actor=actor, action="applications.evidence_requested", subject=locked,
                  data_subject=locked.applicant, data={"request": request.pk})
        due = ""
        if due_date:
            with translation.override(locked.applicant.language):
                due = _("Bitte antworten Sie bis zum %(date)s.") % {"date": due_date.strftime("%d.%m.%Y")}
        _notify(locked, subject=N_("Nachweis benötigt: %(ref)s"),
                body=N_("Für den Vorgang %(ref)s (%(service)s) benötigt das Amt noch einen Nachweis. "
                       "Bitte laden Sie ihn im Vorgang hoch."),
                extra=f"{text}\n\n{due}".strip(), actor=actor)
    return request


def evidence_request_answer(*, request: EvidenceRequest, text: str, files: list, user: Any) -> EvidenceRequest:
    """The citizen answers with files and/or a message; the case continues."""
    from digitalstadt.core.services import document_store

    from ..uploads import sniff_upload

    case = request.case
    if case.applicant_id != user.pk:
        raise PermissionDenied
    text = text.strip()
    if not files and not text:
        raise ValidationError(_("Bitte laden Sie eine Datei hoch oder schreiben Sie eine Nachricht."))
    if len(files) > 5:
        raise ValidationError(_("Bitte laden Sie höchstens %(n)d Dateien auf einmal hoch.") % {"n": 5})
    sniffed = [sniff_upload(f) for f in files]  # all checked before anything is stored
    with transaction.atomic():
        locked_case = _lock_case(case)
        locked = lock_rows(EvidenceRequest.objects.filter(pk=request.pk))[0]
        if locked.answered_at is not None or locked_case.status != CaseStatus.EVIDENCE_REQUESTED:
            raise ValidationError(_("Diese Anforderung ist bereits beantwortet."))
        for item in sniffed:
            document = document_store(content=item.content, filename=item.filename, content_type=item.content_type,
                                      title=f"Nachweis {case.reference}: {item.filename}", owner_user=user,
                                      actor=user)
            EvidenceUpload.objects.create(application=case.application, case=case, request=locked, document=document)
        locked.answered_at = timezone.now()
        locked.answer_text = text[:5000]
        locked.save(update_fields=["answered_at", "answer_text"])
        locked_case.status = CaseStatus.IN_REVIEW
        locked_case.answer_received = True
        waited = _resume_deadline(locked_case)
        locked_case.save(update_fields=["status", "answer_received", "due_date", "waiting_since"])
        if waited and locked_case.due_date:
            CaseEvent.objects.create(case=locked_case, kind=CaseEvent.Kind.DEADLINE, is_public=False,
                                     internal_text=f"Frist um {waited} Tage verschoben (Warten auf Nachweis): "
                                                   f"{locked_case.due_date:%d.%m.%Y}")
        CaseEvent.objects.create(case=locked_case, kind=CaseEvent.Kind.EVIDENCE_RECEIVED, actor=user,
                                 status_from=CaseStatus.EVIDENCE_REQUESTED, status_to=CaseStatus.IN_REVIEW,
                                 public_text=N_("Ihre Antwort ist eingegangen. Die Bearbeitung geht weiter."))
        audit_log(actor=user, action="applications.evidence_request_answered", subject=locked_case,
                  data_subject=user, data={"request": locked.pk, "files": len(sniffed)})
        if locked_case.assigned_to_id:
            from digitalstadt.core.urls_helpers import absolute_url
            from digitalstadt.mailbox.services import outbox_enqueue

            link = absolute_url("staff-applications:case", kwargs={"reference": case.reference})
            outbox_enqueue(to=locked_case.assigned_to.email,
                           subject=f"[{settings.PLATFORM_NAME}] Nachweis eingegangen: {case.reference}",
                           body_text=f"Zum Vorgang {case.reference} ist eine Antwort eingegangen.\n\n"
                                     f"Zum Vorgang: {link}\n",
                           purpose="applications:evidence_answered")
    return locked
