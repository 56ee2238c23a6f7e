"""Payments: what is owed (Payment), money that came in (PaymentTransaction), bank
statements imported (StatementImport), webhook events received (WebhookEvent).

Amounts are integer cents. A payment's `amount_received_cents` is the sum of its
counted transactions (matched, partial, overpaid); duplicate and unknown transactions
are never counted and stay flagged until staff resolve them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    OPEN = "open", _("offen")
    PAID = "paid", _("bezahlt")
    PARTIALLY_PAID = "partially_paid", _("teilweise bezahlt")
    OVERPAID = "overpaid", _("überzahlt")
    REFUNDED = "refunded", _("erstattet")
    CANCELLED = "cancelled", _("storniert")


# A payment in one of these states takes no more money: further money is a duplicate.
SETTLED_STATUSES = {PaymentStatus.PAID, PaymentStatus.OVERPAID, PaymentStatus.REFUNDED, PaymentStatus.CANCELLED}


class Payment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("Verwendungszweck-Referenz"), max_length=35, unique=True)
    amount_cents = models.PositiveIntegerField(_("Betrag in Cent"))
    currency = models.CharField(_("Währung"), max_length=3, default="EUR")
    purpose = models.CharField(_("Zweck"), max_length=140)
    status = models.CharField(_("Status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.OPEN,
                              db_index=True)
    provider = models.CharField(_("Zahlungsweg"), max_length=32, default="giro")
    # Whom the money belongs to: "city" (the default), or e.g. "shop:<id>" for the marketplace.
    payee = models.CharField(_("Zahlungsempfänger"), max_length=64, default="city")
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="payments", verbose_name=_("Zahlende Person"))
    # What the payment is for, e.g. a case reference "DA-2026-000123" or "order:42".
    regarding = models.CharField(_("Bezug"), max_length=100, blank=True, db_index=True)
    amount_received_cents = models.PositiveIntegerField(_("Eingegangen in Cent"), default=0)
    # When the money is due (a tax assessment states it); empty: due now.
    due_on = models.DateField(_("fällig am"), null=True, blank=True)
    needs_review = models.BooleanField(_("zu prüfen"), default=False, db_index=True)
    created_at = models.DateTimeField(_("erstellt"), auto_now_add=True)
    paid_at = models.DateTimeField(_("bezahlt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Zahlung")
        verbose_name_plural = _("Zahlungen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(currency="EUR"), name="payment_currency_eur"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.amount_cents / 100:.2f} {self.currency})"

    @property
    def outstanding_cents(self) -> int:
        return max(self.amount_cents - self.amount_received_cents, 0)


class ReferenceCounter(models.Model):
    """The running number of remittance references per prefix and year (locked row)."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="unique_reference_counter")]


class StatementImport(models.Model):
    """One imported CAMT.053 file. The same file (by sha256) is never imported twice."""

    created_at = models.DateTimeField(_("importiert am"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("importiert von"))
    source = models.CharField(_("Quelle"), max_length=64, blank=True)  # "upload" or "command"
    filename = models.CharField(_("Dateiname"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    statement_ids = models.CharField(_("Auszugsnummern"), max_length=500, blank=True)
    account_iban = models.CharField(_("Konto"), max_length=34, blank=True)
    entries_total = models.PositiveIntegerField(_("Buchungen"), default=0)
    credits_total = models.PositiveIntegerField(_("Gutschriften"), default=0)
    matched_count = models.PositiveIntegerField(_("zugeordnet"), default=0)
    partial_count = models.PositiveIntegerField(_("Teilzahlungen"), default=0)
    overpaid_count = models.PositiveIntegerField(_("Überzahlungen"), default=0)
    duplicate_count = models.PositiveIntegerField(_("Doppelte"), default=0)
    unknown_count = models.PositiveIntegerField(_("Unbekannte"), default=0)
    skipped_count = models.PositiveIntegerField(_("übersprungen (Lastschriften, vorgemerkt)"), default=0)

    class Meta:
        verbose_name = _("Kontoauszug-Import")
        verbose_name_plural = _("Kontoauszug-Importe")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def flagged_count(self) -> int:
        return self.partial_count + self.overpaid_count + self.duplicate_count + self.unknown_count


class MatchStatus(models.TextChoices):
    MATCHED = "matched", _("zugeordnet")
    PARTIAL = "partial", _("Teilzahlung")
    OVERPAID = "overpaid", _("Überzahlung")
    DUPLICATE = "duplicate", _("doppelt")
    UNKNOWN = "unknown", _("unbekannt")


COUNTED_MATCH_STATUSES = {MatchStatus.MATCHED, MatchStatus.PARTIAL, MatchStatus.OVERPAID}


class PaymentTransaction(models.Model):
    """Money that came in: a credit entry of a bank statement or a provider's webhook.

    `debtor_name` and `debtor_iban` are personal data: they are erased on
    `personal_data_expires_on` by `payments.services.transaction_personal_data_purge`
    (run by `manage.py purge_payment_personal_data`); amount and dates stay for the
    accounts.
    """

    created_at = models.DateTimeField(_("erfasst"), auto_now_add=True)
    source = models.CharField(_("Herkunft"), max_length=32, default="camt053")
    statement_import = models.ForeignKey(StatementImport, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="transactions", verbose_name=_("Import"))
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="transactions", verbose_name=_("Zahlung"))
    amount_cents = models.PositiveIntegerField(_("Betrag in Cent"))
    currency = models.CharField(_("Währung"), max_length=3, default="EUR")
    booking_date = models.DateField(_("Buchungstag"), null=True, blank=True)
    value_date = models.DateField(_("Wertstellung"), null=True, blank=True)
    debtor_name = models.CharField(_("Name der zahlenden Person"), max_length=140, blank=True,
                                   help_text=_("Personenbezogen; wird nach Ablauf der Aufbewahrungsfrist gelöscht."))
    debtor_iban = models.CharField(_("IBAN der zahlenden Person"), max_length=34, blank=True,
                                   help_text=_("Personenbezogen; wird nach Ablauf der Aufbewahrungsfrist gelöscht."))
    personal_data_expires_on = models.DateField(_("personenbezogene Daten löschen am"), null=True, blank=True,
                                                db_index=True)
    remittance_info = models.TextField(_("Verwendungszweck"), blank=True)
    # The bank's (or provider's) reference of this entry; unique among counted and
    # unknown rows, so importing an entry again can only add a flagged duplicate.
    bank_reference = models.CharField(_("Bankreferenz"), max_length=200)
    end_to_end_id = models.CharField(_("End-to-End-Referenz"), max_length=200, blank=True)
    match_status = models.CharField(_("Zuordnung"), max_length=16, choices=MatchStatus.choices, db_index=True)
    flag_reason = models.CharField(_("Hinweis"), max_length=200, blank=True)
    needs_review = models.BooleanField(_("zu prüfen"), default=False, db_index=True)
    resolved_at = models.DateTimeField(_("geklärt am"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("geklärt von"))
    resolution_note = models.TextField(_("Klärungsvermerk"), blank=True)

    class Meta:
        verbose_name = _("Zahlungseingang")
        verbose_name_plural = _("Zahlungseingänge")
        ordering = ["-booking_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["bank_reference"], condition=~Q(match_status="duplicate"),
                                    name="unique_bank_reference_unless_duplicate"),
            # The last guard against counting money twice: only one transaction can bring
            # a payment to paid (matched) or past it (overpaid).
            models.UniqueConstraint(fields=["payment"], condition=Q(match_status__in=["matched", "overpaid"]),
                                    name="one_settling_transaction_per_payment"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="transaction_amount_positive"),
            models.CheckConstraint(
                condition=Q(match_status="unknown") | Q(payment__isnull=False) | Q(match_status="duplicate"),
                name="transaction_counted_has_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_reference} {self.amount_cents / 100:.2f} {self.currency} ({self.match_status})"


class WebhookEvent(models.Model):
    """A provider's webhook event, stored once per (provider, event id): the same event
    delivered again changes nothing."""

    provider = models.CharField(max_length=32)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=100, blank=True)
    body_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)
    result = models.CharField(max_length=200, blank=True)
    transaction = models.ForeignKey(PaymentTransaction, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("Webhook-Ereignis")
        verbose_name_plural = _("Webhook-Ereignisse")
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="unique_webhook_event")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"


class Refund(models.Model):
    """Money the city owes back on a payment (e.g. the unused months of a resident
    parking permit after a move). The cash office pays it out (by transfer to the
    account the money came from, or through the provider) and marks it paid."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        PAID = "paid", _("erstattet")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_cents = models.PositiveIntegerField(_("Betrag in Cent"))
    reason = models.CharField(_("Grund"), max_length=300)
    regarding = models.CharField(_("Bezug"), max_length=100, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    requested_at = models.DateTimeField(_("angefordert"), auto_now_add=True)
    paid_at = models.DateTimeField(_("erstattet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Erstattung")
        verbose_name_plural = _("Erstattungen")
        ordering = ["requested_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_cents__gt=0), name="refund_amount_positive")]
