"""Writes for online applications and cases: each one transaction with an audit row.

Citizen side: start a draft, save a step, upload evidence, send a resume link, discard,
submit (-> case, fee frozen, payment, receipt), answer an evidence request.
Office side: assign, change status, notes, deadlines, request evidence, decide (signed
PDF to the Postfach), close. Permission checks are here, not only in views.
"""

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

from .models import (
    Application,
    Case,
    CaseEvent,
    CaseReferenceCounter,
    CaseStatus,
    EvidenceRequest,
    EvidenceUpload,
)
from .plugins.base import ServicePlugin, get_plugin, to_json
from .selectors import can_work_on_case

# The engine's own step between the plugin's steps and the summary (uploads, no data).
EVIDENCE_STEP = "nachweise"

# Status changes a case worker may make by hand (decisions go through case_decide).
MANUAL_TRANSITIONS = {
    CaseStatus.AWAITING_PAYMENT: {CaseStatus.CLOSED},
    CaseStatus.RECEIVED: {CaseStatus.IN_REVIEW},
    CaseStatus.EVIDENCE_REQUESTED: {CaseStatus.IN_REVIEW},
    CaseStatus.IN_REVIEW: {CaseStatus.RECEIVED},
    CaseStatus.APPROVED: {CaseStatus.CLOSED},
    CaseStatus.REJECTED: {CaseStatus.CLOSED},
}


def plugin_for(service: Any) -> ServicePlugin:
    plugin = get_plugin(service.slug)
    if plugin is None or not service.online_application or not service.is_active:
        raise ValidationError(_("Diese Leistung kann nicht online beantragt werden."))
    return plugin


def _own_application(application: Application, user: Any) -> None:
    if not user.is_authenticated or application.applicant_id != user.pk:
        raise PermissionDenied


def _draft(application: Application, user: Any) -> Application:
    _own_application(application, user)
    if application.status != Application.Status.DRAFT:
        raise ValidationError(_("Dieser Antrag wurde bereits eingereicht und kann nicht mehr geändert werden."))
    return application


# --- drafts ------------------------------------------------------------------------------


def application_start(*, service: Any, user: Any) -> Application:
    """A new draft, or the open draft the person already has for this service."""
    plugin = plugin_for(service)
    if not user.has_assurance(plugin.assurance_level):
        raise PermissionDenied
    existing = Application.objects.filter(service=service, applicant=user, status=Application.Status.DRAFT).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        prefill = {key: {k: to_json(v) for k, v in values.items()}
                   for key, values in plugin.prefill(user=user).items()}
        application = Application.objects.create(service=service, plugin=plugin.slug, applicant=user,
                                                 data={"_prefill": prefill})
        audit_log(actor=user, action="applications.draft_started", subject=application, data_subject=user,
                  data={"service": service.slug})
    return application


def application_save_step(*, application: Application, step_key: str, cleaned: dict, user: Any) -> Application:
    _draft(application, user)
    plugin = get_plugin(application.plugin)
    if plugin is None or plugin.step(step_key) is None:
        raise ValidationError(_("Diesen Schritt gibt es nicht."))
    with transaction.atomic():
        locked = lock_rows(Application.objects.filter(pk=application.pk))[0]
        data = dict(locked.data)
        data[step_key] = {k: to_json(v) for k, v in cleaned.items()}
        completed = [k for k in locked.completed_steps if k != step_key] + [step_key]
        locked.data = data
        locked.completed_steps = completed
        locked.save(update_fields=["data", "completed_steps", "updated_at"])
        # Field names only: the values are the applicant's personal data.
        audit_log(actor=user, action="applications.step_saved", subject=locked, data_subject=user,
                  data={"step": step_key, "fields": sorted(cleaned)})
    application.refresh_from_db()
    return application


def application_complete_evidence(*, application: Application, user: Any) -> Application:
    """Mark the evidence step (the engine's own step, not a plugin's: it stores no data)
    as done."""
    _draft(application, user)
    with transaction.atomic():
        locked = lock_rows(Application.objects.filter(pk=application.pk))[0]
        if EVIDENCE_STEP not in locked.completed_steps:
            locked.completed_steps = [*locked.completed_steps, EVIDENCE_STEP]
            locked.save(update_fields=["completed_steps", "updated_at"])
            audit_log(actor=user, action="applications.evidence_completed", subject=locked, data_subject=user,
                      data={"uploads": locked.uploads.count()})
    application.refresh_from_db()
    return application


def application_upload_evidence(*, application: Application, evidence: Any, uploaded: Any, user: Any) -> EvidenceUpload:
    from digitalstadt.core.services import document_store

    from .uploads import sniff_upload

    _draft(application, user)
    if evidence is not None and evidence.service_id != application.service_id:
        raise ValidationError(_("Dieser Nachweis gehört nicht zu dieser Leistung."))
    max_files = int(getattr(settings, "EVIDENCE_MAX_FILES_PER_APPLICATION", 20))
    if application.uploads.count() >= max_files:
        raise ValidationError(_("Sie können höchstens %(n)d Dateien hochladen.") % {"n": max_files})
    sniffed = sniff_upload(uploaded)
    with transaction.atomic():
        _lock_draft(application)
        if application.uploads.count() >= max_files:
            raise ValidationError(_("Sie können höchstens %(n)d Dateien hochladen.") % {"n": max_files})
        document = document_store(content=sniffed.content, filename=sniffed.filename,
                                  content_type=sniffed.content_type,
                                  title=f"{evidence.name_de if evidence else 'Nachweis'}: {sniffed.filename}",
                                  owner_user=user, actor=user)
        upload = EvidenceUpload.objects.create(application=application, evidence=evidence, document=document)
        audit_log(actor=user, action="applications.evidence_uploaded", subject=application, data_subject=user,
                  data={"evidence": evidence.pk if evidence else None, "document": document.pk,
                        "content_type": sniffed.content_type, "size": len(sniffed.content)})
    return upload


def _lock_draft(application: Application) -> Application:
    """Lock the draft row and re-check it is still a draft (a submit may have won)."""
    locked = lock_rows(Application.objects.filter(pk=application.pk))
    if not locked or locked[0].status != Application.Status.DRAFT:
        raise ValidationError(_("Dieser Antrag wurde bereits eingereicht und kann nicht mehr geändert werden."))
    return locked[0]


def _delete_files_on_commit(documents) -> None:
    """Files go only once the rows are gone for good (a rollback keeps both)."""
    files = [(d.file.storage, d.file.name) for d in documents if d.file]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def application_remove_upload(*, upload: EvidenceUpload, user: Any) -> None:
    _draft(upload.application, user)
    with transaction.atomic():
        _lock_draft(upload.application)
        document = upload.document
        upload.delete()
        _delete_files_on_commit([document])
        document.delete()
        audit_log(actor=user, action="applications.evidence_removed", subject=upload.application, data_subject=user)


def application_send_resume_link(*, application: Application, user: Any) -> None:
    from digitalstadt.core.urls_helpers import absolute_url
    from digitalstadt.mailbox.services import outbox_enqueue_template

    _draft(application, user)
    with translation.override(user.language):
        link = absolute_url("applications:resume", kwargs={"uuid": application.uuid})
    with transaction.atomic():
        outbox_enqueue_template(
            to=user.email, template_prefix="applications/email/resume",
            context={"user": user, "application": application, "service_name": application.service.name,
                     "link": link, "platform_name": settings.PLATFORM_NAME},
            language=user.language, purpose="applications:resume",
        )
        audit_log(actor=user, action="applications.resume_link_sent", subject=application, data_subject=user)


def application_discard(*, application: Application, user: Any) -> None:
    _draft(application, user)
    with transaction.atomic():
        _lock_draft(application)
        documents = [u.document for u in application.uploads.select_related("document")]
        _delete_files_on_commit(documents)
        application.uploads.all().delete()
        for document in documents:
            document.delete()
        audit_log(actor=user, action="applications.draft_discarded", subject=application, data_subject=user)
        application.delete()


# --- submission --------------------------------------------------------------------------


def missing_steps(*, application: Application) -> list[str]:
    plugin = get_plugin(application.plugin)
    return [s.key for s in plugin.steps() if s.key not in application.completed_steps]


def missing_evidence(*, application: Application) -> list[Any]:
    plugin = get_plugin(application.plugin)
    if not plugin.asks_for_evidence:
        return []
    present = set(application.uploads.values_list("evidence_id", flat=True))
    return [e for e in required_evidence(application=application) if e.pk not in present]


def required_evidence(*, application: Application) -> list[Any]:
    plugin = get_plugin(application.plugin)
    evidence = list(application.service.evidence.all())
    required_names = getattr(plugin, "required_evidence_names", None)
    if callable(required_names):
        names = set(required_names(data=application.data))
        return [e for e in evidence if e.name_de in names or e.required]
    return [e for e in evidence if e.required]


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
        from .tasks import issue_receipt

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
        from .tasks import decide_automatically

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


# --- notifications -------------------------------------------------------------------


def _notify(case: Case, *, subject: str, body: str, documents=(), actor: Any = None, extra: str = "",
            params: dict | None = None) -> None:
    """A Postfach message to the applicant (e-mail notice included), in their language.
    `subject` and `body` are gettext'd format strings with %(ref)s and %(service)s."""
    from digitalstadt.mailbox.services import message_send

    user = case.applicant
    with translation.override(user.language):
        params = {"ref": case.reference, "service": case.service.name,
                  **{k: str(v) for k, v in (params or {}).items()}}
        text = _(body) % params
        if extra:
            text += "\n\n" + extra
        from digitalstadt.core.urls_helpers import absolute_url

        text += "\n\n" + _("Den aktuellen Stand sehen Sie jederzeit hier: %(url)s") % {
            "url": absolute_url("applications:case", kwargs={"reference": case.reference})}
        message_send(subject=_(subject) % params, body=text,
                     sender_name=case.office.name if case.office else settings.CITY_NAME,
                     recipient_user=user, documents=documents, regarding=f"applications.case:{case.pk}",
                     actor=actor)


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
        fields = ["status"]
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
        locked.save(update_fields=["status"])
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

    from .uploads import sniff_upload

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
        locked_case.save(update_fields=["status"])
        CaseEvent.objects.create(case=locked_case, kind=CaseEvent.Kind.EVIDENCE_RECEIVED, actor=user,
                                 status_from=CaseStatus.EVIDENCE_REQUESTED, status_to=CaseStatus.IN_REVIEW,
                                 public_text=N_("Ihre Antwort ist eingegangen. Die Bearbeitung geht weiter."))
        audit_log(actor=user, action="applications.evidence_request_answered", subject=locked_case,
                  data_subject=user, data={"request": locked.pk, "files": len(sniffed)})
        if locked_case.assigned_to_id:
            from digitalstadt.mailbox.services import outbox_enqueue

            outbox_enqueue(to=locked_case.assigned_to.email,
                           subject=f"[{settings.PLATFORM_NAME}] Nachweis eingegangen: {case.reference}",
                           body_text=f"Zum Vorgang {case.reference} ist eine Antwort eingegangen.\n",
                           purpose="applications:evidence_answered")
    return locked


def case_decide(*, case: Case, approve: bool, reason: str, actor: Any) -> Case:
    """Approve or reject: renders the service's decision, seals it, delivers it to the
    Postfach. `actor` None means an automatic decision (the plugin must allow it)."""
    plugin = get_plugin(case.plugin)
    if actor is not None:
        _workable(case, actor)
    elif not plugin.automatic_decision:
        raise PermissionDenied
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(_("Eine Ablehnung braucht eine Begründung."))
    with transaction.atomic():
        locked = _lock_case(case)
        allowed = (CaseStatus.RECEIVED,) if actor is None else (
            CaseStatus.RECEIVED, CaseStatus.IN_REVIEW, CaseStatus.EVIDENCE_REQUESTED)
        if locked.status not in allowed:
            raise ValidationError(_("Dieser Vorgang kann jetzt nicht entschieden werden (Status: %(s)s).") % {
                "s": locked.get_status_display()})
        before = locked.status
        locked.status = CaseStatus.APPROVED if approve else CaseStatus.REJECTED
        locked.decided_at = timezone.now()
        locked.decision_reason = reason[:5000]
        if locked.assigned_to_id is None and actor is not None:
            locked.assigned_to = actor
        locked.save(update_fields=["status", "decided_at", "decision_reason", "assigned_to"])
        with translation.override("de"):  # results printed in the decision are German
            if approve:
                plugin.on_approved(case=locked, actor=actor)
            else:
                plugin.on_rejected(case=locked, actor=actor)
        document = _issue_decision(locked, plugin=plugin, approve=approve, actor=actor)
        plugin.on_decision_issued(case=locked, document=document, approved=approve, actor=actor)
        locked.decision = document
        locked.save(update_fields=["decision", "result"])
        EvidenceRequest.objects.filter(case=locked, answered_at__isnull=True).update(
            answered_at=timezone.now(), answer_text="(mit der Entscheidung erledigt)")
        CaseEvent.objects.create(case=locked, kind=CaseEvent.Kind.DECISION, actor=actor, status_from=before,
                                 status_to=locked.status,
                                 public_text=N_("Der Bescheid ist in Ihrem Postfach.") if approve else
                                 N_("Ihr Antrag wurde abgelehnt. Der Bescheid mit Begründung ist in Ihrem Postfach."))
        audit_log(actor=actor, system="applications" if actor is None else "", action="applications.case_decided",
                  subject=locked, data_subject=locked.applicant,
                  data={"outcome": locked.status, "document": document.pk, "automatic": actor is None})
        _notify(locked, subject=N_("Bescheid zu %(ref)s") if approve else N_("Ablehnung zu %(ref)s"),
                body=N_("Zum Vorgang %(ref)s (%(service)s) liegt der Bescheid als elektronisch gesiegeltes PDF bei."),
                documents=[document], actor=actor)
    return locked


def _issue_decision(case: Case, *, plugin: ServicePlugin, approve: bool, actor: Any):
    from digitalstadt.core.services import signed_document_issue

    from .letters import decision_letter

    with translation.override("de"):  # the official language of the procedure
        letter = decision_letter(case=case, plugin=plugin, approve=approve, actor=actor)
    title = f"{plugin.decision_title if approve else 'Ablehnungsbescheid'} {case.reference}"
    return signed_document_issue(
        template_name=letter.template_name, context={"letter": letter, "case": case},
        filename=f"{case.reference}-{'bescheid' if approve else 'ablehnung'}.pdf", title=title,
        document_type=plugin.decision_document_type if approve else "Ablehnungsbescheid",
        issuing_office=case.office.name if case.office else settings.CITY_NAME,
        owner_user=case.applicant, actor=actor, reason=title,
    )


def case_issue_receipt(*, case_id: int) -> str:
    """The receipt (Eingangsbestätigung) PDF to the Postfach; safe to run twice."""
    from digitalstadt.core.services import signed_document_issue

    from .letters import receipt_letter

    with transaction.atomic():
        # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
        case = lock_rows(Case.objects.filter(pk=case_id))[0]
        if case.receipt_id:
            return "already issued"
        plugin = get_plugin(case.plugin)
        with translation.override("de"):
            letter = receipt_letter(case=case, plugin=plugin)
        document = signed_document_issue(
            template_name=letter.template_name, context={"letter": letter, "case": case},
            filename=f"{case.reference}-eingangsbestaetigung.pdf", title=f"Eingangsbestätigung {case.reference}",
            document_type="Eingangsbestätigung",
            issuing_office=case.office.name if case.office else settings.CITY_NAME,
            owner_user=case.applicant, actor=None, reason="Eingangsbestätigung",
        )
        case.receipt = document
        case.save(update_fields=["receipt"])
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.DOCUMENT,
                                 public_text=N_("Die Eingangsbestätigung ist in Ihrem Postfach."))
        extra = ""
        if case.status == CaseStatus.AWAITING_PAYMENT and case.payment_id:
            from digitalstadt.core.money import format_eur

            with translation.override(case.applicant.language):
                extra = _("Bitte bezahlen Sie %(amount)s mit dem Verwendungszweck %(purpose)s. "
                          "Überweisung mit GiroCode oder Kartenzahlung finden Sie im Vorgang.") % {
                    "amount": format_eur(case.fee_cents), "purpose": case.payment.reference}
        _notify(case, subject=N_("Antrag eingegangen: %(ref)s"),
                body=N_("Ihr Antrag „%(service)s“ ist unter dem Aktenzeichen %(ref)s eingegangen. "
                       "Die Eingangsbestätigung liegt bei."), documents=[document], extra=extra)
    return "issued"


def case_decide_automatically(*, case_id: int) -> str:
    case = Case.objects.select_related("service", "applicant", "office").get(pk=case_id)
    plugin = get_plugin(case.plugin)
    if not plugin.automatic_decision or case.status != CaseStatus.RECEIVED:
        return "not due"
    ok, reason = plugin.can_decide_automatically(case=case) if hasattr(plugin, "can_decide_automatically") else (
        True, "")
    if not ok:
        with transaction.atomic():
            CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE, is_public=False,
                                     internal_text=f"Keine automatische Entscheidung: {reason}")
        return "manual"
    try:
        # case_decide re-checks the status under the row lock: a case worker who took
        # the case meanwhile wins, and the task ends quietly.
        case_decide(case=case, approve=True, reason="", actor=None)
    except ValidationError:
        return "not due"
    return "decided"
