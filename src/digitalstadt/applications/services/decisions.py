"""Decisions and receipts: the sealed decision PDF to the Postfach, automatic
decisions, the sealed receipt."""

from __future__ import annotations

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
)
from ..plugins.base import ServicePlugin, get_plugin
from ._common import _notify
from .casework import _lock_case, _workable


def case_decide(*, case: Case, approve: bool, reason: str, actor: Any, options: frozenset[str] = frozenset(),
                _released_draft: dict | None = None) -> Case:
    """Approve or reject: renders the service's decision, seals it, delivers it to the
    Postfach. `actor` None means an automatic decision (the plugin must allow it).
    `options`: keys of the plugin's `decision_options(case=)` the case worker chose."""
    plugin = get_plugin(case.plugin)
    offered = {key for key, _label in plugin.decision_options(case=case)}
    if set(options) - offered:
        raise ValidationError(_("Diese Entscheidungsmöglichkeit gibt es für diesen Vorgang nicht."))
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
        if actor is not None:
            _check_release(locked, actor=actor, approve=approve, draft=_released_draft)
        before = locked.status
        locked.status = CaseStatus.APPROVED if approve else CaseStatus.REJECTED
        locked.decided_at = timezone.now()
        locked.decision_reason = reason[:5000]
        if locked.assigned_to_id is None and actor is not None:
            locked.assigned_to = actor
        locked.decision_draft = {}
        locked.answer_received = False
        locked.waiting_since = None
        locked.save(update_fields=["status", "decided_at", "decision_reason", "assigned_to", "decision_draft",
                                   "answer_received", "waiting_since"])
        with translation.override("de"):  # results printed in the decision are German
            if approve:
                if options:
                    plugin.apply_decision_options(case=locked, options=frozenset(options), reason=reason)
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
                documents=[document], actor=actor,
                more=plugin.decision_message(case=locked) if approve else None)
    return locked


def _check_release(locked: Case, *, actor: Any, approve: bool, draft: dict | None) -> None:
    """Under the case lock: four-eyes approval and unresolved warnings."""
    from .review import approval_blockers, four_eyes_required

    if four_eyes_required(plugin=locked.plugin):
        if draft is None or locked.decision_draft != draft:
            raise ValidationError(_("Bei dieser Leistung gilt das Vier-Augen-Prinzip: Bitte entwerfen Sie den "
                                    "Bescheid; eine zweite Person gibt ihn frei."))
        if draft.get("by") == actor.pk:
            raise ValidationError(_("Bei dieser Leistung gilt das Vier-Augen-Prinzip: Sie haben den Bescheid "
                                    "entworfen, freigeben muss ihn eine zweite Person."))
    if approve and approval_blockers(case=locked):
        raise ValidationError(_("Der Antrag kann erst bewilligt werden, wenn die Warnungen geklärt sind."))


def _issue_decision(case: Case, *, plugin: ServicePlugin, approve: bool, actor: Any):
    from digitalstadt.core.services import signed_document_issue

    from ..letters import decision_letter

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

    from ..letters import receipt_letter

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
                from digitalstadt.payments.selectors import payment_ways

                extra = _("Bitte bezahlen Sie %(amount)s mit dem Verwendungszweck %(purpose)s. "
                          "So können Sie bezahlen: %(ways)s; die Angaben finden Sie im Vorgang.") % {
                    "amount": format_eur(case.fee_cents), "purpose": case.payment.reference,
                    "ways": payment_ways()}
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
