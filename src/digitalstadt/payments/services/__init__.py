"""Payment writes: create and cancel payments, import CAMT.053 statements, handle
provider webhooks, resolve flagged transactions, erase expired personal data.

Reconciliation rule (one place, for bank statements and provider webhooks alike): an
incoming amount is matched to a payment only through a remittance reference with a
valid check digit that exists. Exact amount -> paid; less -> partially paid (flagged);
more -> overpaid (flagged); money for a payment that is already settled, or an entry
whose bank reference was booked before -> duplicate (flagged, not counted); no
reference -> unknown (flagged). Nothing is matched silently.

The package's modules: `payments` (create, start, cancel, withdraw), `reconciliation`
(the rule), `statements` (CAMT.053), `webhooks`, `review` (flagged transactions,
erasure). Other apps import from this package, never its modules.
"""

from .payments import MAX_AMOUNT_CENTS, payment_cancel, payment_create, payment_start, payment_withdraw
from .refunds import refund_mark_paid, refund_request
from .review import transaction_assign, transaction_personal_data_purge, transaction_resolve
from .statements import StatementAlreadyImported, statement_import_camt053
from .webhooks import WebhookResult, webhook_event_handle

__all__ = [
    "refund_mark_paid",
    "refund_request",
    "MAX_AMOUNT_CENTS", "StatementAlreadyImported", "WebhookResult", "payment_cancel", "payment_create",
    "payment_start", "payment_withdraw", "statement_import_camt053", "transaction_assign",
    "transaction_personal_data_purge", "transaction_resolve", "webhook_event_handle",
]
