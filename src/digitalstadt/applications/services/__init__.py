"""Writes for online applications and cases: each one transaction with an audit row.

Citizen side (`drafts`): start a draft, save a step, upload evidence, send a resume
link, discard. `submission`: submit (-> case, fee frozen, payment, receipt), and the
case moves on when paid. Office side (`casework`): assign, change status, notes,
deadlines, request evidence (answered by the citizen), withdraw. `decisions`: decide
(signed PDF to the Postfach), automatic decisions, receipts. Permission checks are
here, not only in views. Other apps import from this package, never its modules.
"""

from ._common import EVIDENCE_STEP, MANUAL_TRANSITIONS, plugin_for
from .drafts import (
    application_complete_evidence, application_discard, application_remove_upload, application_save_step,
    application_send_resume_link, application_start, application_upload_evidence,
)
from .submission import application_fingerprint, application_submit, payment_settled, revalidate
from .casework import (
    CANCELLABLE_STATUSES,
    case_add_note, case_assign, case_cancel, case_cancellable_until, case_change_status, case_request_evidence,
    case_set_due_date, case_withdraw,
    evidence_request_answer,
)
from .decisions import case_decide, case_decide_automatically, case_issue_receipt
from .review import (
    approval_blockers, case_discard_draft, case_draft_decision, case_resolve_check, case_revoke_grant,
    case_send_decision, decision_preview, four_eyes_required, release_check, text_blocks, with_text_block,
)
from .submission import _as_form_data  # noqa: F401  (the views re-show stored answers in their forms)

__all__ = [
    "CANCELLABLE_STATUSES",
    "EVIDENCE_STEP", "MANUAL_TRANSITIONS", "application_complete_evidence", "application_discard",
    "application_fingerprint", "application_remove_upload", "application_save_step", "application_send_resume_link",
    "application_start", "application_submit", "application_upload_evidence", "case_add_note", "case_assign", "case_cancel",
    "case_cancellable_until",
    "case_change_status", "case_decide", "case_decide_automatically", "case_issue_receipt", "case_request_evidence",
    "case_set_due_date", "case_withdraw", "evidence_request_answer",
    "payment_settled", "plugin_for", "revalidate",
    "approval_blockers", "case_discard_draft", "case_draft_decision", "case_resolve_check", "case_revoke_grant",
    "case_send_decision", "decision_preview", "four_eyes_required", "release_check", "text_blocks",
    "with_text_block",
]
