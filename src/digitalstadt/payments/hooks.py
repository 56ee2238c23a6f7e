"""What payments registers into core's registry (called from PaymentsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import StaffArea, register_audit_actions, staff_areas

AUDIT_ACTIONS = (
    ("payments.payment_created", _("Zahlung angelegt")),
    ("payments.refund_requested", _("Erstattung angefordert")),
    ("payments.refund_paid", _("Erstattung ausgezahlt")),
    ("payments.provider_chosen", _("Zahlungsart gewählt")),
    ("payments.payment_cancelled", _("Zahlung storniert")),
    ("payments.payment_flagged", _("Zahlung zur Klärung markiert")),
    ("payments.payment_reconciled", _("Zahlungseingang verbucht")),
    ("payments.statement_imported", _("Kontoauszug importiert (CAMT.053)")),
    ("payments.webhook_received", _("Meldung des Zahlungsdienstleisters empfangen")),
    ("payments.payment_refunded", _("Zahlung erstattet")),
    ("payments.transaction_resolved", _("Klärungsfall erledigt")),
    ("payments.transaction_assigned", _("Zahlungseingang von Hand zugeordnet")),
    ("payments.personal_data_purged", _("Personenbezogene Zahlungsdaten gelöscht")),
    ("payments.flagged_viewed", _("Klärungsfälle angesehen")),
)


def _payment_staff(user) -> bool:
    from .permissions import can_manage_payments

    return can_manage_payments(user=user)


def _payment_counts(user) -> list:
    from django.utils.translation import gettext

    from .selectors import flagged_transactions, open_refunds

    return [(gettext("Zahlungseingänge zu klären"), flagged_transactions().count()),
            (gettext("Erstattungen auszuzahlen"), open_refunds().count())]


def register() -> None:
    register_audit_actions(AUDIT_ACTIONS)
    staff_areas.register(StaffArea("payments.overview", _("Zahlungen und Kontoauszüge"), "payments-staff:overview",
                                   _("Zahlungseingänge, CAMT-Import, Klärungsfälle und Erstattungen"),
                                   _payment_staff, 300, counts=_payment_counts))
