"""Park & shop: a shop's voucher programme (its rule and its budget), the budget's
fundings (paid through the payments provider registry), the vouchers handed out with
orders and their one redemption at a car-park exit or in a street-parking session.

Money rule: `VoucherProgramme.balance_cents` is what is paid in and neither reserved
by an issued voucher nor spent; a voucher reserves its `max_value_cents` when it is
issued, the redemption charges what the parking actually cost (at most that) and the
rest goes back to the balance, as does the whole reservation of a voucher that expires
or is cancelled. CHECK constraints keep balance, reserved and spent at or above zero;
the services change them only under the programme's row lock.

A car park is named by its operator organisation and a `carpark_ref` (the car park's
slug), not by a foreign key, so this part does not depend on the car-park models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.scoping import organisation_scoped

__all__ = ["BudgetFunding", "FundingStatus", "Redemption", "RedemptionChannel", "Voucher", "VoucherProgramme",
           "VoucherStatus"]


class VoucherProgramme(models.Model):
    """One per shop organisation: the rule by which orders earn a voucher, and the budget."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.PROTECT,
                                        related_name="voucher_programme", verbose_name=_("Geschäft"))
    min_order_cents = models.PositiveIntegerField(_("Mindestbestellwert in Cent"), default=2000)
    minutes = models.PositiveSmallIntegerField(_("Freie Parkminuten je Gutschein"), default=30)
    max_value_cents = models.PositiveIntegerField(_("Höchstwert je Gutschein in Cent"), default=200)
    validity_days = models.PositiveSmallIntegerField(_("Gültigkeit in Tagen"), default=14)
    active_from = models.DateField(_("aktiv ab"), null=True, blank=True)
    active_until = models.DateField(_("aktiv bis"), null=True, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    balance_cents = models.BigIntegerField(_("verfügbares Budget in Cent"), default=0)
    reserved_cents = models.BigIntegerField(_("für Gutscheine reserviert in Cent"), default=0)
    spent_cents = models.BigIntegerField(_("eingelöst in Cent"), default=0)
    funded_cents = models.BigIntegerField(_("eingezahlt in Cent"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = organisation_scoped()
    unscoped_objects = models.Manager()

    class Meta:
        verbose_name = _("Park-&-Shop-Programm")
        verbose_name_plural = _("Park-&-Shop-Programme")
        base_manager_name = "unscoped_objects"
        constraints = [
            models.CheckConstraint(condition=Q(balance_cents__gte=0), name="voucher_budget_never_negative"),
            models.CheckConstraint(condition=Q(reserved_cents__gte=0), name="voucher_reserved_not_negative"),
            models.CheckConstraint(condition=Q(spent_cents__gte=0), name="voucher_spent_not_negative"),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="voucher_minutes_positive"),
            models.CheckConstraint(condition=Q(max_value_cents__gte=1), name="voucher_value_positive"),
            models.CheckConstraint(condition=Q(validity_days__gte=1), name="voucher_validity_positive"),
        ]

    def __str__(self) -> str:
        return f"Park & Shop {self.organisation_id}"

    def active_on(self, day) -> bool:
        """Whether the programme gives vouchers on `day` (a date): switched on and within
        its dates. The one rule for issuing a voucher and for saying why there is none."""
        return (self.is_active and (self.active_from is None or self.active_from <= day)
                and (self.active_until is None or day <= self.active_until))


class FundingStatus(models.TextChoices):
    PENDING = "pending", _("Zahlung offen")
    PAID = "paid", _("bezahlt")
    CANCELLED = "cancelled", _("abgebrochen")


class BudgetFunding(models.Model):
    """Money a shop pays into its programme; it counts only once the payment is in."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(VoucherProgramme, on_delete=models.PROTECT, related_name="fundings")
    amount_cents = models.PositiveIntegerField(_("Betrag in Cent"))
    status = models.CharField(_("Status"), max_length=12, choices=FundingStatus.choices,
                              default=FundingStatus.PENDING, db_index=True)
    payment_reference = models.CharField(_("Zahlungsreferenz"), max_length=35, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(_("bezahlt am"), null=True, blank=True)

    objects = organisation_scoped()
    unscoped_objects = models.Manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        base_manager_name = "unscoped_objects"
        constraints = [models.CheckConstraint(condition=Q(amount_cents__gte=1), name="voucher_funding_positive")]


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", _("ausgegeben")
    REDEEMED = "redeemed", _("eingelöst")
    EXPIRED = "expired", _("abgelaufen")
    CANCELLED = "cancelled", _("storniert")


class Voucher(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(VoucherProgramme, on_delete=models.PROTECT, related_name="vouchers")
    code = models.CharField(_("Gutscheincode"), max_length=24, unique=True)
    # The order it came with: the marketplace's shop order, by reference (no FK across apps).
    order_ref = models.CharField(_("Bestellung"), max_length=40, db_index=True)
    order_number = models.CharField(_("Bestellnummer"), max_length=30)
    shopper = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="parking_vouchers")
    minutes = models.PositiveSmallIntegerField(_("Freie Parkminuten"))
    max_value_cents = models.PositiveIntegerField(_("Höchstwert in Cent"))
    valid_until = models.DateTimeField(_("gültig bis"), db_index=True)
    status = models.CharField(_("Status"), max_length=12, choices=VoucherStatus.choices,
                              default=VoucherStatus.ISSUED, db_index=True)
    issued_at = models.DateTimeField(_("ausgegeben am"), auto_now_add=True)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)

    objects = organisation_scoped()
    unscoped_objects = models.Manager()

    class Meta:
        verbose_name = _("Parkgutschein")
        verbose_name_plural = _("Parkgutscheine")
        ordering = ["-issued_at", "-pk"]
        base_manager_name = "unscoped_objects"
        constraints = [
            # One voucher per shop order: a payment handler run twice issues nothing more.
            models.UniqueConstraint(fields=["order_ref"], name="voucher_one_per_order"),
            models.CheckConstraint(condition=Q(max_value_cents__gte=1), name="voucher_max_value_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class RedemptionChannel(models.TextChoices):
    STREET = "street", _("Straßenparken (Handyparken)")
    CARPARK = "carpark", _("Parkhaus")


class Redemption(models.Model):
    """The one redemption of a voucher (OneToOne: the database refuses a second)."""

    voucher = models.OneToOneField(Voucher, on_delete=models.PROTECT, related_name="redemption")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("Geschäft"))
    channel = models.CharField(_("Einlöseweg"), max_length=12, choices=RedemptionChannel.choices)
    operator = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="voucher_redemptions", verbose_name=_("Parkhausbetreiber"))
    carpark_ref = models.CharField(_("Parkhaus"), max_length=80, blank=True)
    session_ref = models.CharField(_("Parkvorgang"), max_length=80, blank=True)
    amount_cents = models.PositiveIntegerField(_("abgerechnet in Cent"))
    redeemed_at = models.DateTimeField(_("eingelöst am"), db_index=True)

    objects = organisation_scoped()
    unscoped_objects = models.Manager()

    class Meta:
        ordering = ["-redeemed_at", "-pk"]
        base_manager_name = "unscoped_objects"
        constraints = [
            models.CheckConstraint(condition=Q(channel="street") | Q(operator__isnull=False),
                                   name="voucher_carpark_redemption_has_operator"),
        ]
