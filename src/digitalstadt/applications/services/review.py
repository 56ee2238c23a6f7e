"""Before a decision goes out: the draft, its preview (the letter as it will read), the
four-eyes release configured per service, what must be resolved first (e.g. an address
that differs from the register), text blocks, and revoking what an approval granted."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from digitalstadt.core.audit import audit_log

from ..models import Case, CaseEvent, CaseStatus, CaseworkRule, TextBlock
from ..plugins.base import get_plugin
from ._common import _notify
from .casework import _lock_case, _workable

DECIDABLE = (CaseStatus.RECEIVED, CaseStatus.IN_REVIEW, CaseStatus.EVIDENCE_REQUESTED)


def four_eyes_required(*, plugin: str) -> bool:
    return CaseworkRule.objects.filter(plugin=plugin, four_eyes=True).exists()


def text_blocks(*, plugin: str, kind: str):
    return TextBlock.objects.filter(plugin=plugin, kind=kind)


def with_text_block(*, plugin: str, kind: str, block_id: str | int | None, text: str) -> str:
    """The chosen text block, then what the case worker wrote (either may be empty)."""
    if not block_id:
        return text.strip()
    block = TextBlock.objects.filter(plugin=plugin, kind=kind, pk=block_id).first()
    if block is None:
        raise ValidationError(_("Diesen Textbaustein gibt es für diese Leistung nicht."))
    return "\n\n".join(part for part in (block.text.strip(), text.strip()) if part)


def approval_blockers(*, case: Case) -> list[tuple[str, str]]:
    """(key, German message) for what stops an approval and is not resolved yet."""
    plugin = get_plugin(case.plugin)
    if plugin is None:
        return []
    resolved = set(case.result.get("resolved_checks", []))
    return [(key, text) for key, text in plugin.approval_checks(case=case) if key not in resolved]


def case_resolve_check(*, case: Case, key: str, note: str, actor: Any) -> Case:
    """A case worker clarified a warning (e.g. the register was updated, or the applied
    address is right): written down with a note, then the approval is open again."""
    _workable(case, actor)
    note = note.strip()
    if not note:
        raise ValidationError(_("Bitte schreiben Sie auf, wie die Abweichung geklärt wurde."))
    if key not in {k for k, _t in approval_blockers(case=case)}:
        raise ValidationError(_("Diese Prüfung ist schon geklärt."))
    with transaction.atomic():
        locked = _lock_case(case)
        locked.result = {**locked.result,
                         "resolved_checks": [*locked.result.get("resolved_checks", []), key]}
        locked.answer_received = False
        locked.save(update_fields=["result", "answer_received"])
        CaseEvent.objects.create(case=locked, kind=CaseEvent.Kind.NOTE, actor=actor, is_public=False,
                                 internal_text=f"Prüfung geklärt: {note[:2000]}")
        audit_log(actor=actor, action="applications.case_check_resolved", subject=locked,
                  data_subject=locked.applicant, data={"check": key})
    return locked


def case_draft_decision(*, case: Case, approve: bool, reason: str, actor: Any,
                        options: frozenset[str] = frozenset()) -> Case:
    """Write the decision without sending it; the preview shows it as it will read."""
    _workable(case, actor)
    plugin = get_plugin(case.plugin)
    offered = {key for key, _label in plugin.decision_options(case=case)}
    if set(options) - offered:
        raise ValidationError(_("Diese Entscheidungsmöglichkeit gibt es für diesen Vorgang nicht."))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(_("Eine Ablehnung braucht eine Begründung."))
    with transaction.atomic():
        locked = _lock_case(case)
        if locked.status not in DECIDABLE:
            raise ValidationError(_("Dieser Vorgang kann jetzt nicht entschieden werden (Status: %(s)s).") % {
                "s": locked.get_status_display()})
        locked.decision_draft = {"approve": approve, "reason": reason[:5000], "options": sorted(options),
                                 "by": actor.pk, "by_name": actor.get_full_name() or actor.email,
                                 "at": timezone.now().isoformat()}
        locked.answer_received = False
        locked.save(update_fields=["decision_draft", "answer_received"])
        CaseEvent.objects.create(case=locked, kind=CaseEvent.Kind.NOTE, actor=actor, is_public=False,
                                 internal_text="Bescheid entworfen: " + ("Bewilligung" if approve else "Ablehnung"))
        audit_log(actor=actor, action="applications.decision_drafted", subject=locked,
                  data_subject=locked.applicant, data={"approve": approve})
        if four_eyes_required(plugin=locked.plugin):
            _ask_for_release(locked, drafter=actor)
    return locked


def _ask_for_release(case: Case, *, drafter: Any) -> None:
    """Four eyes: the office's other case workers get an e-mail with a link to the draft."""
    from django.conf import settings

    from digitalstadt.core.urls_helpers import absolute_url
    from digitalstadt.mailbox.services import outbox_enqueue

    from ..selectors import case_workers_for

    link = absolute_url("staff-applications:decision-preview", kwargs={"reference": case.reference})
    for person in case_workers_for(case=case).exclude(pk=drafter.pk):
        if person.email:
            outbox_enqueue(to=person.email,
                           subject=f"[{settings.PLATFORM_NAME}] Bescheid zur Freigabe: {case.reference}",
                           body_text=f"{drafter.get_full_name() or drafter.email} hat den Bescheid zum Vorgang "
                                     f"{case.reference} entworfen. Bitte prüfen und freigeben:\n\n{link}\n",
                           purpose="applications:release_requested")


def case_discard_draft(*, case: Case, actor: Any) -> Case:
    _workable(case, actor)
    with transaction.atomic():
        locked = _lock_case(case)
        if locked.decision_draft:
            locked.decision_draft = {}
            locked.save(update_fields=["decision_draft"])
            audit_log(actor=actor, action="applications.decision_draft_discarded", subject=locked,
                      data_subject=locked.applicant)
    return locked


class _Rollback(Exception):
    pass


def decision_preview(*, case: Case) -> str:
    """The text of the decision letter for the current draft, rendered with the same
    template as the sealed PDF. What the approval computes (the permit number, the tax
    to pay) is made the real way inside a transaction that is rolled back: nothing is
    stored, nothing sent."""
    from ..letters import decision_letter

    draft = case.decision_draft
    if not draft:
        return ""
    plugin = get_plugin(case.plugin)
    html = ""
    try:
        with transaction.atomic():
            preview = Case.objects.select_related("service", "office", "applicant").get(pk=case.pk)
            preview.decision_reason = draft["reason"]
            preview.status = CaseStatus.APPROVED if draft["approve"] else CaseStatus.REJECTED
            preview.decided_at = timezone.now()
            with translation.override("de"):
                if draft["approve"]:
                    options = frozenset(draft.get("options", []))
                    if options:
                        plugin.apply_decision_options(case=preview, options=options, reason=draft["reason"])
                    plugin.on_approved(case=preview, actor=case.assigned_to)
                letter = decision_letter(case=preview, plugin=plugin, approve=draft["approve"],
                                         actor=case.assigned_to)
                html = render_to_string(letter.template_name, {"letter": letter, "case": preview, "preview": True})
            raise _Rollback
    except _Rollback:
        pass
    except ValidationError as exc:  # e.g. a permit that meanwhile overlaps another
        return _("Die Vorschau ist nicht möglich: %(reason)s") % {"reason": " ".join(exc.messages)}
    html = re.sub(r"<(style|script|svg|head)\b.*?</\1>", "", html, flags=re.DOTALL | re.IGNORECASE)
    html = re.sub(r"</(td|th|dt)>", " \n", html, flags=re.IGNORECASE)
    html = re.sub(r"</(p|div|h\d|li|tr|dd|section|header|footer|table|address)>|<br\s*/?>", "\n", html,
                  flags=re.IGNORECASE)
    lines = [" ".join(line.split()) for line in strip_tags(html).splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def release_check(*, case: Case, actor: Any) -> str:
    """Why `actor` may not send the drafted decision now ("" when they may)."""
    draft = case.decision_draft
    if not draft:
        return _("Es gibt noch keinen Entwurf. Bitte entwerfen Sie zuerst den Bescheid.")
    if four_eyes_required(plugin=case.plugin) and draft.get("by") == actor.pk:
        return _("Bei dieser Leistung gilt das Vier-Augen-Prinzip: Sie haben den Bescheid entworfen, "
                 "freigeben muss ihn eine zweite Person.")
    if draft.get("approve") and approval_blockers(case=case):
        return _("Der Antrag kann erst bewilligt werden, wenn die Warnungen geklärt sind.")
    return ""


def case_send_decision(*, case: Case, actor: Any) -> Case:
    """Send the drafted decision (sealed, to the Postfach). With four-eyes approval on,
    the person who drafted it cannot send it."""
    from .decisions import case_decide

    _workable(case, actor)
    problem = release_check(case=case, actor=actor)
    if problem:
        raise ValidationError(problem)
    draft = case.decision_draft
    return case_decide(case=case, approve=draft["approve"], reason=draft["reason"], actor=actor,
                       options=frozenset(draft.get("options", [])), _released_draft=draft)


def case_revoke_grant(*, case: Case, reason: str, actor: Any) -> Case:
    """Revoke what an approval granted (e.g. a resident permit), with a reason the
    citizen reads in the Postfach."""
    _workable(case, actor)
    plugin = get_plugin(case.plugin)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Bitte geben Sie einen Grund für den Widerruf an."))
    if plugin is None or not plugin.revocable(case=case):
        raise ValidationError(_("Für diesen Vorgang gibt es nichts zu widerrufen."))
    with transaction.atomic():
        locked = _lock_case(case)
        with translation.override("de"):
            plugin.revoke(case=locked, reason=reason[:2000], actor=actor)
        locked.result = {**locked.result, "revoked_at": timezone.now().isoformat(), "revocation_reason": reason[:2000]}
        locked.save(update_fields=["result"])
        CaseEvent.objects.create(case=locked, kind=CaseEvent.Kind.STATUS, actor=actor,
                                 public_text=N_("Der Bescheid wurde widerrufen. Den Grund finden Sie in Ihrem "
                                                "Postfach."))
        audit_log(actor=actor, action="applications.case_grant_revoked", subject=locked,
                  data_subject=locked.applicant, data={"reason": reason[:500]})
        _notify(locked, subject=N_("Widerruf zu %(ref)s"),
                body=N_("Der Bescheid zum Vorgang %(ref)s (%(service)s) wird widerrufen. Grund: %(reason)s"),
                params={"reason": reason[:2000]}, actor=actor)
    return locked


__all__ = ["approval_blockers", "case_discard_draft", "case_draft_decision", "case_resolve_check",
           "case_revoke_grant", "case_send_decision", "decision_preview", "four_eyes_required", "release_check",
           "text_blocks", "with_text_block"]
