"""Park & shop vouchers: a shop's rule and budget, funding the budget (paid through
the payments provider registry), handing out a voucher with a paid click & collect
order, and redeeming it once at a car-park exit or in a street-parking session.

Every change to a budget happens under the programme's row lock (core.locking) with
counters updated in the database (F expressions); the CHECK constraints on the
programme are the last guard. A voucher is redeemed under its row lock, re-checked;
the OneToOne of `Redemption.voucher` is the last guard against a second redemption.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.accounts.types import OrganisationKind, OrgRole
from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one, race_window
from digitalstadt.core.money import format_eur

from .models import (
    BudgetFunding,
    CarPark,
    FundingStatus,
    Redemption,
    RedemptionChannel,
    Voucher,
    VoucherProgramme,
    VoucherStatus,
)

__all__ = ["VoucherRefused", "budget_funding_paid", "budget_funding_start", "can_manage", "normalise_code",
           "programme_save", "voucher_cancel_for_order", "voucher_notify_shopper", "voucher_issue_for_order", "voucher_redeem",
           "voucher_redemption_adjust", "voucher_validate", "vouchers_expire"]

MANAGER_ROLES = frozenset({OrgRole.OWNER, OrgRole.ADMIN})
MIN_FUNDING_CENTS = 1000
MAX_FUNDING_CENTS = 1_000_000
# Crockford's base32 without I, L, O, U: nothing to misread at a car-park exit.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 3  # PS-XXXX-XXXX-XXXX: 60 random bits


def can_manage(*, user: Any, organisation: Any) -> bool:
    """Owners and administrators of the organisation (a shop, a car-park operator)."""
    from digitalstadt.accounts.selectors import membership_for

    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    membership = membership_for(user=user, organisation=organisation)
    return membership is not None and membership.role in MANAGER_ROLES


def _require_manager(*, user: Any, organisation: Any) -> None:
    if not can_manage(user=user, organisation=organisation):
        raise PermissionDenied(_("Nur Inhaber/innen und die Administration dieses Geschäfts dürfen Parkgutscheine "
                                 "verwalten."))


def new_code() -> str:
    groups = ["".join(secrets.choice(ALPHABET) for _i in range(4)) for _g in range(CODE_GROUPS)]
    return "PS-" + "-".join(groups)


def normalise_code(code: Any) -> str:
    """"ps-abcd efgh-jkmn" or the QR's "PSABCDEFGHJKMN" -> "PS-ABCD-EFGH-JKMN"; "" if it
    cannot be a code (then nothing is looked up)."""
    if not isinstance(code, str) or len(code) > 60:
        return ""
    plain = "".join(ch for ch in code.upper() if ch.isalnum())
    if plain.startswith("PS"):
        plain = plain[2:]
    plain = plain.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(plain) != 4 * CODE_GROUPS or any(ch not in ALPHABET for ch in plain):
        return ""
    return "PS-" + "-".join(plain[i:i + 4] for i in range(0, len(plain), 4))


# --- the rule ----------------------------------------------------------------------------


def programme_save(*, organisation: Any, actor: Any, min_order_cents: int, minutes: int, max_value_cents: int,
                   validity_days: int, active_from: dt.date | None = None, active_until: dt.date | None = None,
                   is_active: bool = True) -> VoucherProgramme:
    """Create or change the shop's rule ("30 minutes free per order over 20 EUR"). The
    budget is not touched; vouchers already issued keep their minutes and value."""
    _require_manager(user=actor, organisation=organisation)
    if getattr(organisation, "kind", None) != OrganisationKind.SHOP:
        raise ValidationError(_("Park & Shop gibt es nur für Geschäfte."))
    errors = []
    if not 0 <= min_order_cents <= 100_000_00:
        errors.append(_("Der Mindestbestellwert muss zwischen 0 und 100.000 € liegen."))
    if not 1 <= minutes <= 24 * 60:
        errors.append(_("Die freien Minuten müssen zwischen 1 und 1440 liegen."))
    if not 10 <= max_value_cents <= 100_00:
        errors.append(_("Der Höchstwert je Gutschein muss zwischen 0,10 € und 100 € liegen."))
    if not 1 <= validity_days <= 366:
        errors.append(_("Die Gültigkeit muss zwischen 1 und 366 Tagen liegen."))
    if active_from and active_until and active_until < active_from:
        errors.append(_("„Aktiv bis“ liegt vor „aktiv ab“."))
    if errors:
        raise ValidationError(errors)
    fields = {"min_order_cents": min_order_cents, "minutes": minutes, "max_value_cents": max_value_cents,
              "validity_days": validity_days, "active_from": active_from, "active_until": active_until,
              "is_active": is_active}
    with transaction.atomic():
        programme = VoucherProgramme.unscoped_objects.filter(organisation=organisation).first()
        created = programme is None
        if created:
            programme = VoucherProgramme.unscoped_objects.create(organisation=organisation, **fields)
        else:
            programme = lock_one(VoucherProgramme.unscoped_objects.filter(pk=programme.pk))
            for name, value in fields.items():
                setattr(programme, name, value)
            programme.save(update_fields=[*fields, "updated_at"])
        audit_log(actor=actor, action="parking.voucher_programme_saved", subject=programme,
                  data={**{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in fields.items()},
                        "created": created})
    return programme


def _programme_active(programme: VoucherProgramme, day: dt.date) -> bool:
    return programme.active_on(day)


# --- funding the budget ------------------------------------------------------------------


def budget_funding_start(*, organisation: Any, actor: Any, amount_cents: int) -> tuple[BudgetFunding, Any]:
    """A funding of the budget and its payment (paid to the city, which settles the
    car-park operators); it counts once the payment is in (`budget_funding_paid`)."""
    from digitalstadt.payments.services import payment_create

    _require_manager(user=actor, organisation=organisation)
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) \
            or not MIN_FUNDING_CENTS <= amount_cents <= MAX_FUNDING_CENTS:
        raise ValidationError(_("Bitte wählen Sie einen Betrag zwischen %(min)s und %(max)s.")
                              % {"min": format_eur(MIN_FUNDING_CENTS), "max": format_eur(MAX_FUNDING_CENTS)})
    programme = VoucherProgramme.unscoped_objects.filter(organisation=organisation).first()
    if programme is None:
        raise ValidationError(_("Bitte legen Sie zuerst die Regel für Ihre Parkgutscheine fest."))
    with transaction.atomic():
        funding = BudgetFunding.unscoped_objects.create(organisation=organisation, programme=programme,
                                                        amount_cents=amount_cents, created_by=actor)
        payment = payment_create(amount_cents=amount_cents, provider="epay", payer=actor,
                                 purpose=(_("Park-&-Shop-Budget für %(name)s") % {"name": organisation.name})[:140],
                                 regarding=f"parking.voucher_budget:{funding.pk}", actor=actor)
        funding.payment_reference = payment.reference
        funding.save(update_fields=["payment_reference"])
        audit_log(actor=actor, action="parking.voucher_budget_ordered", subject=funding,
                  data={"amount_cents": amount_cents, "reference": payment.reference})
    return funding, payment


def budget_funding_paid(*, payment: Any) -> None:
    """Payment-settled handler: the funding's money is in, the budget grows by it (once)."""
    if not payment.regarding.startswith("parking.voucher_budget:"):
        return
    try:
        pk = int(payment.regarding.split(":", 1)[1])
    except ValueError:
        return
    funding = BudgetFunding.unscoped_objects.filter(pk=pk).first()
    if funding is None:
        return
    programme = lock_one(VoucherProgramme.unscoped_objects.filter(pk=funding.programme_id))
    funding = lock_one(BudgetFunding.unscoped_objects.filter(pk=pk))
    if funding.status == FundingStatus.PAID or funding.payment_reference != payment.reference:
        return
    funding.status = FundingStatus.PAID
    funding.paid_at = timezone.now()
    funding.save(update_fields=["status", "paid_at"])
    VoucherProgramme.unscoped_objects.filter(pk=programme.pk).update(
        balance_cents=F("balance_cents") + funding.amount_cents, funded_cents=F("funded_cents") + funding.amount_cents)
    audit_log(actor=None, system="parking", action="parking.voucher_budget_paid", subject=funding,
              data={"amount_cents": funding.amount_cents, "reference": payment.reference})


# --- handing out with an order -----------------------------------------------------------


def _order_ref(shop_order: Any) -> str:
    return f"marketplace.shoporder:{shop_order.pk}"


def voucher_issue_for_order(*, shop_order: Any, now: dt.datetime | None = None) -> Voucher | None:
    """Order hook (paid): a click & collect order that meets the shop's rule gets a
    voucher, reserving its value from the budget. No programme, a smaller order or an
    empty budget: no voucher (the order page says why). Runs inside the payment's
    transaction; a second call for the same order changes nothing."""
    if shop_order.fulfilment != "click_collect":
        return None
    now = now or timezone.now()
    programme = VoucherProgramme.unscoped_objects.filter(organisation_id=shop_order.organisation_id).first()
    if programme is None or not _programme_active(programme, timezone.localdate(now)) \
            or shop_order.total_cents < programme.min_order_cents:
        return None
    ref = _order_ref(shop_order)
    with transaction.atomic():
        programme = lock_one(VoucherProgramme.unscoped_objects.filter(pk=programme.pk))
        if Voucher.unscoped_objects.filter(order_ref=ref).exists():
            return None
        if programme.balance_cents < programme.max_value_cents:
            audit_log(actor=None, system="parking", action="parking.voucher_not_issued", subject=programme,
                      data={"order": shop_order.number, "reason": "budget", "balance_cents": programme.balance_cents})
            return None
        race_window("parking.voucher_budget")
        VoucherProgramme.unscoped_objects.filter(pk=programme.pk).update(
            balance_cents=F("balance_cents") - programme.max_value_cents,
            reserved_cents=F("reserved_cents") + programme.max_value_cents)
        order = shop_order.order
        voucher = Voucher.unscoped_objects.create(
            organisation_id=programme.organisation_id, programme=programme, code=new_code(), order_ref=ref,
            order_number=shop_order.number, shopper=order.shopper, minutes=programme.minutes,
            max_value_cents=programme.max_value_cents, valid_until=now + dt.timedelta(days=programme.validity_days))
        audit_log(actor=None, system="parking", action="parking.voucher_issued", subject=voucher,
                  data_subject=order.shopper, data={"order": shop_order.number, "minutes": voucher.minutes,
                                                    "max_value_cents": voucher.max_value_cents})
        from .voucher_tasks import notify_voucher_issued

        notify_voucher_issued.enqueue(voucher.pk)
    return voucher


def voucher_notify_shopper(*, voucher_id: int) -> str:
    """The voucher by e-mail (with its QR code) and in the Postfach, in the shopper's
    language (the worker's task `notify_voucher_issued`)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from digitalstadt.core.qr import qr_svg
    from digitalstadt.mailbox.services import message_send, outbox_enqueue
    from digitalstadt.marketplace.selectors import shop_order_by_ref

    voucher = Voucher.unscoped_objects.filter(pk=voucher_id).first()
    shop_order = shop_order_by_ref(ref=voucher.order_ref) if voucher else None
    if voucher is None or shop_order is None or voucher.status != VoucherStatus.ISSUED:
        return "skipped"
    order = shop_order.order
    language = getattr(order.shopper, "language", "") or "de"
    with translation.override(language):
        context = {"voucher": voucher, "shop": shop_order.shop, "shop_order": shop_order, "order": order,
                   "platform_name": settings.PLATFORM_NAME,
                   "qr": qr_svg(voucher.code, title=_("QR-Code des Parkgutscheins %(code)s") % {"code": voucher.code})}
        subject = render_to_string("parking/vouchers/email/voucher_subject.txt", context).strip()
        body = render_to_string("parking/vouchers/email/voucher_message.txt", context)
        html = render_to_string("parking/vouchers/email/voucher_message.html", context)
    outbox_enqueue(to=order.email, subject=subject, body_text=body, body_html=html, purpose="parking:voucher_issued")
    message_send(subject=subject, body=body, sender_name=shop_order.shop.name, recipient_user=order.shopper,
                 regarding=_order_ref(shop_order))
    return "sent"


def _release(voucher: Voucher, *, status: str, now: dt.datetime) -> None:
    """Give the voucher's whole reservation back to the budget (caller holds the locks)."""
    VoucherProgramme.unscoped_objects.filter(pk=voucher.programme_id).update(
        balance_cents=F("balance_cents") + voucher.max_value_cents,
        reserved_cents=F("reserved_cents") - voucher.max_value_cents)
    voucher.status = status
    voucher.closed_at = now
    voucher.save(update_fields=["status", "closed_at"])


def voucher_cancel_for_order(*, shop_order: Any) -> bool:
    """Order hook (released): the order was cancelled or ran out; its unused voucher is
    cancelled and its value goes back to the budget."""
    voucher = Voucher.unscoped_objects.filter(order_ref=_order_ref(shop_order)).first()
    if voucher is None or voucher.status != VoucherStatus.ISSUED:
        return False
    with transaction.atomic():
        lock_one(VoucherProgramme.unscoped_objects.filter(pk=voucher.programme_id))
        voucher = lock_one(Voucher.unscoped_objects.filter(pk=voucher.pk))
        if voucher.status != VoucherStatus.ISSUED:
            return False
        _release(voucher, status=VoucherStatus.CANCELLED, now=timezone.now())
        audit_log(actor=None, system="parking", action="parking.voucher_cancelled", subject=voucher,
                  data_subject=voucher.shopper, data={"order": voucher.order_number})
    return True


def vouchers_expire(*, now: dt.datetime | None = None) -> int:
    """Periodic job: vouchers past their validity expire; their value goes back."""
    now = now or timezone.now()
    expired = 0
    for pk, programme_id in list(Voucher.unscoped_objects.filter(status=VoucherStatus.ISSUED, valid_until__lt=now)
                                 .values_list("pk", "programme_id")):
        with transaction.atomic():
            lock_one(VoucherProgramme.unscoped_objects.filter(pk=programme_id))
            voucher = lock_one(Voucher.unscoped_objects.filter(pk=pk))
            if voucher.status != VoucherStatus.ISSUED or voucher.valid_until >= now:
                continue
            _release(voucher, status=VoucherStatus.EXPIRED, now=now)
            audit_log(actor=None, system="parking", action="parking.voucher_expired", subject=voucher)
            expired += 1
    return expired


# --- redeeming ---------------------------------------------------------------------------


@dataclass
class VoucherRefused(Exception):
    """Why a voucher cannot be used: `reason` is unknown, redeemed, expired or cancelled."""

    reason: str
    message: str
    status: int

    def __str__(self) -> str:
        return self.message


def _refusal(reason: str) -> VoucherRefused:
    return {
        "unknown": VoucherRefused("unknown", _("Diesen Parkgutschein gibt es nicht."), 404),
        "redeemed": VoucherRefused("redeemed", _("Dieser Parkgutschein wurde bereits eingelöst."), 409),
        "expired": VoucherRefused("expired", _("Dieser Parkgutschein ist abgelaufen."), 410),
        "cancelled": VoucherRefused("cancelled", _("Dieser Parkgutschein wurde storniert."), 410),
    }[reason]


def _usable(voucher: Voucher | None, now: dt.datetime) -> Voucher:
    if voucher is None:
        raise _refusal("unknown")
    if voucher.status == VoucherStatus.REDEEMED:
        raise _refusal("redeemed")
    if voucher.status == VoucherStatus.CANCELLED:
        raise _refusal("cancelled")
    if voucher.status == VoucherStatus.EXPIRED or voucher.valid_until < now:
        raise _refusal("expired")
    return voucher


def voucher_validate(*, code: Any, now: dt.datetime | None = None) -> Voucher:
    """The voucher if it can be redeemed now, else VoucherRefused (reads only)."""
    plain = normalise_code(code)
    voucher = Voucher.unscoped_objects.filter(code=plain).first() if plain else None
    return _usable(voucher, now or timezone.now())


def voucher_redeem(*, code: Any, channel: str, amount_cents: int, operator: Any = None, carpark_ref: str = "",
                   session_ref: str = "", actor: Any = None, system: str = "",
                   now: dt.datetime | None = None) -> Redemption:
    """Redeem a voucher once, for parking that cost `amount_cents`: the budget is charged
    what the parking cost, at most the voucher's value; the unused rest of the
    reservation goes back to the budget. A car park names its operator organisation and
    the car park's slug; a street-parking session its session reference.

    Used by the car-park API and by a street-parking session start; raises
    VoucherRefused (unknown, redeemed, expired, cancelled) or ValidationError."""
    now = now or timezone.now()
    if channel not in RedemptionChannel.values:
        raise ValidationError(_("Unbekannter Einlöseweg."))
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or not 0 <= amount_cents <= 100_000_00:
        raise ValidationError(_("Der Parkpreis muss eine Zahl von Cent zwischen 0 und 100.000 € sein."))
    if channel == RedemptionChannel.CARPARK:
        if operator is None or getattr(operator, "kind", None) != OrganisationKind.CARPARK_OPERATOR:
            raise PermissionDenied(_("Nur Parkhausbetreiber können Gutscheine an der Ausfahrt einlösen."))
        if not isinstance(carpark_ref, str) or not carpark_ref or len(carpark_ref) > 80:
            raise ValidationError(_("Bitte nennen Sie das Parkhaus (Kurzname)."))
        if not CarPark.objects.filter(slug=carpark_ref, operator=operator, active=True).exists():
            raise ValidationError(_("Das Parkhaus „%(carpark)s“ ist keines Ihrer Parkhäuser in Betrieb. "
                                    "Bitte nennen Sie den Kurznamen eines eigenen Parkhauses.")
                                  % {"carpark": carpark_ref[:80]})
    plain = normalise_code(code)
    found = Voucher.unscoped_objects.filter(code=plain).first() if plain else None
    _usable(found, now)
    with transaction.atomic():
        # Fixed order: the budget, then the voucher.
        lock_one(VoucherProgramme.unscoped_objects.filter(pk=found.programme_id))
        voucher = _usable(lock_one(Voucher.unscoped_objects.filter(pk=found.pk)), now)
        race_window("parking.voucher_redeem")
        charged = min(amount_cents, voucher.max_value_cents)
        returned = voucher.max_value_cents - charged
        redemption = Redemption.unscoped_objects.create(
            voucher=voucher, organisation_id=voucher.organisation_id, channel=channel,
            operator=operator if channel == RedemptionChannel.CARPARK else None,
            carpark_ref=carpark_ref if channel == RedemptionChannel.CARPARK else "",
            session_ref=session_ref[:80], amount_cents=charged, redeemed_at=now)
        VoucherProgramme.unscoped_objects.filter(pk=voucher.programme_id).update(
            reserved_cents=F("reserved_cents") - voucher.max_value_cents,
            spent_cents=F("spent_cents") + charged, balance_cents=F("balance_cents") + returned)
        voucher.status = VoucherStatus.REDEEMED
        voucher.closed_at = now
        voucher.save(update_fields=["status", "closed_at"])
        audit_log(actor=actor, system=system or f"parking:{channel}", action="parking.voucher_redeemed", subject=voucher,
                  data={"channel": channel, "operator": getattr(operator, "pk", None), "carpark": carpark_ref,
                        "session": session_ref[:80], "amount_cents": charged, "returned_cents": returned,
                        "price_cents": amount_cents})
    return redemption


def voucher_redemption_adjust(*, redemption_id: int, amount_cents: int, actor: Any = None,
                              system: str = "parking:street", reason: str = "") -> Redemption:
    """Lower a redemption to what the voucher really saved (a street session stopped
    before its planned end): the difference goes back from spent to the budget's
    balance. Never raises the charge (the reservation is already closed). Under the
    programme's lock, then the voucher's (the fixed order), then the redemption's."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents < 0:
        raise ValidationError(_("Der Betrag muss eine Zahl von Cent ab 0 sein."))
    found = Redemption.unscoped_objects.filter(pk=redemption_id).values_list("voucher__programme_id",
                                                                             "voucher_id").first()
    if found is None:
        raise ValidationError(_("Diese Einlösung gibt es nicht."))
    programme_id, voucher_id = found
    with transaction.atomic():
        lock_one(VoucherProgramme.unscoped_objects.filter(pk=programme_id))
        voucher = lock_one(Voucher.unscoped_objects.filter(pk=voucher_id))
        redemption = lock_one(Redemption.unscoped_objects.filter(pk=redemption_id))
        before = redemption.amount_cents
        if amount_cents >= before:
            return redemption
        returned = before - amount_cents
        VoucherProgramme.unscoped_objects.filter(pk=programme_id).update(
            balance_cents=F("balance_cents") + returned, spent_cents=F("spent_cents") - returned)
        redemption.amount_cents = amount_cents
        redemption.save(update_fields=["amount_cents"])
        audit_log(actor=actor, system="" if actor else system, action="parking.voucher_redemption_adjusted",
                  subject=voucher, data={"session": redemption.session_ref, "amount_cents_before": before,
                                         "amount_cents": amount_cents, "returned_cents": returned,
                                         "reason": reason})
    return redemption
