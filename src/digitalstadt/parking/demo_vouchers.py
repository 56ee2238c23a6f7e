"""Park & shop demo: the demo retailer's shop (laden@digitalstadt.example manages the
first demo shop) gives 30 minutes of parking (up to 2 EUR) per click & collect order
over 20 EUR, with a budget of 100 EUR already paid in. Idempotent; runs after the
marketplace demo (settings.DEMO_SEEDERS)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from digitalstadt.accounts.selectors import user_by_email

from .models import BudgetFunding, FundingStatus, VoucherProgramme
from .voucher_services import programme_save

DEMO_RETAILER = "laden@digitalstadt.example"
DEMO_BUDGET_CENTS = 10000


def seed(*, stdout=None) -> None:
    from digitalstadt.marketplace.selectors import shop_of_user

    retailer = user_by_email(email=DEMO_RETAILER)
    shop = shop_of_user(user=retailer) if retailer is not None else None
    if shop is None:
        return
    with transaction.atomic():
        programme = VoucherProgramme.unscoped_objects.filter(organisation=shop.organisation).first()
        if programme is None:
            programme = programme_save(organisation=shop.organisation, actor=retailer, min_order_cents=2000,
                                       minutes=30, max_value_cents=200, validity_days=14)
        if not BudgetFunding.unscoped_objects.filter(programme=programme, status=FundingStatus.PAID).exists():
            # Demo money: booked as paid without a payment (the journey of paying is the
            # retailer's "Budget aufladen" button, through the PSP simulator).
            BudgetFunding.unscoped_objects.create(organisation=shop.organisation, programme=programme,
                                                  amount_cents=DEMO_BUDGET_CENTS, status=FundingStatus.PAID,
                                                  payment_reference="DEMO", paid_at=timezone.now(),
                                                  created_by=retailer)
            VoucherProgramme.unscoped_objects.filter(pk=programme.pk).update(
                balance_cents=F("balance_cents") + DEMO_BUDGET_CENTS,
                funded_cents=F("funded_cents") + DEMO_BUDGET_CENTS)
    if stdout is not None:
        stdout.write(f"parking vouchers: programme of {shop.name}, budget {DEMO_BUDGET_CENTS // 100} EUR")
