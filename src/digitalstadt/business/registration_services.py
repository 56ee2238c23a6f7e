"""Registration writes: register (oneself, or colleagues for one's company), cancel,
the payment of a paid date, and the organiser's cancellation of a whole date.

Seats are scarce: every write that takes or frees a seat locks the date's row first
(core.locking), then counts the seat-holding registrations, then writes, all in one
transaction. Waiting-list offers are in business.waitlist."""

from __future__ import annotations

from typing import Any, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one, race_window

from .models import SEAT_HOLDING, EventDate, Registration, RegistrationStatus
from .registration_notifications import notify
from .registration_rules import (
    LIVE,
    cancellation_closes_at,
    company_live_count,
    live_registrations,
    payment_hold_expiry,
    registration_refusal,
)

REGARDING_PREFIX = "business.registration:"


def _lock_date(event_date_id: int) -> EventDate:
    return lock_one(EventDate.objects.filter(pk=event_date_id).select_related("series__organiser"), of=("self",))


def _companies_of(user) -> list:
    from digitalstadt.accounts.types import OrganisationKind
    from digitalstadt.accounts.selectors import organisations_for_user

    return [o for o in organisations_for_user(user=user) if o.kind == OrganisationKind.COMPANY]


def _check_quota(event_date: EventDate, companies: Iterable, adding: dict) -> None:
    """`adding`: company pk -> how many this write adds for it."""
    quota = event_date.per_company_quota
    if quota is None:
        return
    for company in companies:
        if company_live_count(event_date, company) + adding.get(company.pk, 0) > quota:
            raise ValidationError(
                _("Für %(company)s sind für diesen Termin höchstens %(quota)s Plätze möglich (einschließlich "
                  "Warteliste).") % {"company": company.name, "quota": quota})


def _start_payment(registration: Registration, payer, now) -> None:
    from digitalstadt.payments.services import payment_create

    payment = payment_create(amount_cents=registration.price_cents, payer=payer, actor=payer,
                             purpose=_("Teilnahme: %(title)s") % {"title": registration.event_date.series.title[:100]},
                             regarding=f"{REGARDING_PREFIX}{registration.pk}")
    registration.payment_reference = payment.reference
    registration.status = RegistrationStatus.PENDING_PAYMENT
    registration.offer_expires_at = payment_hold_expiry(registration.event_date, now)
    registration.save(update_fields=["payment_reference", "status", "offer_expires_at"])


def payment_link(registration: Registration) -> str:
    from digitalstadt.core.urls_helpers import absolute_url
    from digitalstadt.payments.selectors import payment_by_reference

    payment = payment_by_reference(reference=registration.payment_reference) if registration.payment_reference else None
    return absolute_url("payments:detail", kwargs={"uuid": payment.uuid}) if payment else ""


def notify_payment_due(registration: Registration, payer) -> None:
    """The payment link goes to the payer (only they can open it); a participant whose
    company pays is told that their seat is held and paid by the company."""
    if payer is None or payer.pk == registration.participant_id:
        notify("payment_due", registration, payment=payment_link(registration))
        return
    notify("payment_due_payer", registration, recipient=payer, payment=payment_link(registration))
    notify("company_pays", registration)


def _seat_or_wait(event_date: EventDate, *, participant, company, actor, now) -> Registration:
    """Inside the date's lock: a seat if one is free (confirmed, or held for payment)
    and nobody is waiting for one (the waiting list goes first), else the waiting list."""
    if Registration.objects.filter(event_date=event_date, participant=participant, status__in=LIVE).exists():
        raise ValidationError(_("%(name)s ist für diesen Termin bereits angemeldet oder steht auf der Warteliste.")
                              % {"name": participant.get_full_name() or participant.email})
    held = Registration.objects.filter(event_date=event_date, status__in=SEAT_HOLDING).count()
    race_window("business.seat_taken")
    free = held < event_date.seats and not Registration.objects.filter(
        event_date=event_date, status=RegistrationStatus.WAITING).exists()
    price = event_date.series.price_cents
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                event_date=event_date, participant=participant, name=participant.get_full_name() or participant.email,
                email=participant.email, company=company, registered_by=actor, price_cents=price,
                status=RegistrationStatus.CONFIRMED if free else RegistrationStatus.WAITING, created_at=now)
    except IntegrityError:  # the constraint: a parallel registration of the same person
        raise ValidationError(_("%(name)s ist für diesen Termin bereits angemeldet.")
                              % {"name": participant.get_full_name() or participant.email}) from None
    if free and price:
        _start_payment(registration, actor, now)
    audit_log(actor=actor, action="business.registration_created", subject=registration, data_subject=participant,
              data={"event_date": event_date.pk, "status": registration.status,
                    "company": company.pk if company else None})
    if registration.status == RegistrationStatus.PENDING_PAYMENT:
        notify_payment_due(registration, actor)
    else:
        notify("confirmed" if free else "waiting", registration)
    return registration


def registration_create(*, event_date: EventDate, actor: Any) -> Registration:
    """A logged-in person registers themselves (counts for their companies' quotas)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Bitte melden Sie sich an."))
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_date(event_date.pk)
        refusal = registration_refusal(locked, now)
        if refusal:
            raise ValidationError(refusal)
        companies = _companies_of(actor)
        _check_quota(locked, companies, {c.pk: 1 for c in companies})
        return _seat_or_wait(locked, participant=actor, company=None, actor=actor, now=now)


def registration_create_for_colleagues(*, event_date: EventDate, company: Any, participants: list,
                                       actor: Any) -> list[Registration]:
    """A company's owner or admin registers members of the company, in the order given
    (the first get the free seats, the others the waiting list); all or nothing."""
    from digitalstadt.accounts.types import OrganisationKind
    from digitalstadt.accounts.selectors import can_manage_organisation, membership_for

    if company.kind != OrganisationKind.COMPANY or not can_manage_organisation(user=actor, organisation=company):
        raise PermissionDenied(_("Nur Inhaber/innen und Administration eines Unternehmens können Mitarbeitende "
                                 "anmelden."))
    if not participants:
        raise ValidationError(_("Bitte wählen Sie mindestens eine Person aus."))
    if len({p.pk for p in participants}) != len(participants):
        raise ValidationError(_("Jede Person kann nur einmal angemeldet werden."))
    for person in participants:
        if membership_for(user=person, organisation=company) is None or not person.is_active:
            raise ValidationError(_("Es können nur Mitglieder des Unternehmens angemeldet werden."))
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_date(event_date.pk)
        refusal = registration_refusal(locked, now)
        if refusal:
            raise ValidationError(refusal)
        _check_quota(locked, [company], {company.pk: len(participants)})
        return [_seat_or_wait(locked, participant=p, company=company, actor=actor, now=now) for p in participants]


def can_act_for(*, user: Any, registration: Registration) -> bool:
    """The participant, the person who registered them, or a manager of their company."""
    from digitalstadt.accounts.selectors import can_manage_organisation

    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk in (registration.participant_id, registration.registered_by_id):
        return True
    return registration.company is not None and can_manage_organisation(user=user, organisation=registration.company)


def _settle_money(registration: Registration, *, reason: str, actor) -> int:
    """Undo the money side of a registration that ends: an open payment is withdrawn;
    money that came in is recorded as a refund due (the payments app's refund list:
    the cash office pays it out). Returns the cents to be refunded."""
    if not registration.payment_reference:
        return 0
    from digitalstadt.payments.selectors import payment_by_reference
    from digitalstadt.payments.services import payment_withdraw, refund_request

    payment = payment_by_reference(reference=registration.payment_reference)
    if payment is None:
        return 0
    payment = payment_withdraw(payment_id=payment.pk, actor=actor, regarding=f"{REGARDING_PREFIX}{registration.pk}")
    if payment.amount_received_cents:
        refund = refund_request(payment_id=payment.pk, amount_cents=payment.amount_received_cents, reason=reason,
                                regarding=f"{REGARDING_PREFIX}{registration.pk}", actor=actor, system="business")
        return refund.amount_cents if refund else 0
    return 0


def registration_cancel(*, registration: Registration, actor: Any) -> Registration:
    """Cancelled by the participant (or who registered them) until check-in and room
    open (registration_rules.cancellation_closes_at); a freed seat goes to the waiting
    list; paid money is refunded."""
    from .waitlist import offer_free_seats

    if not can_act_for(user=actor, registration=registration):
        raise PermissionDenied(_("Diese Anmeldung gehört nicht zu Ihrem Konto."))
    now = timezone.now()
    with transaction.atomic():
        locked_date = _lock_date(registration.event_date_id)
        current = lock_one(Registration.objects.filter(pk=registration.pk))
        if current.status not in LIVE:
            raise ValidationError(_("Diese Anmeldung ist bereits storniert oder verfallen."))
        if locked_date.starts_at <= now:
            raise ValidationError(_("Nach Beginn des Termins kann nicht mehr storniert werden."))
        closes = cancellation_closes_at(locked_date)
        if closes <= now:
            raise ValidationError(
                _("Seit %(time)s Uhr (kurz vor Beginn) kann die Anmeldung nicht mehr storniert werden. Bitte wenden "
                  "Sie sich an den Veranstalter.")
                % {"time": timezone.localtime(closes).strftime("%H:%M")})
        held_seat = current.status in SEAT_HOLDING
        current.status, current.cancelled_at, current.offer_expires_at = RegistrationStatus.CANCELLED, now, None
        current.save(update_fields=["status", "cancelled_at", "offer_expires_at"])
        refunded = _settle_money(current, reason=_("Stornierung der Anmeldung"), actor=actor)
        audit_log(actor=actor, action="business.registration_cancelled", subject=current,
                  data_subject=current.participant, data={"refund_cents": refunded, "held_seat": held_seat})
        notify("cancelled", current, refund=refunded)
        if held_seat:
            offer_free_seats(event_date=locked_date, now=now)
    return current


def registration_paid(*, payment: Any) -> None:
    """Payment-settled handler (payments registry): a held seat is confirmed. Money for
    a registration that is no longer holding its seat (hold expired, cancelled) is
    refunded, never kept silently."""
    if not payment.regarding.startswith(REGARDING_PREFIX):
        return
    try:
        pk = int(payment.regarding.removeprefix(REGARDING_PREFIX))
    except ValueError:
        return
    registration = Registration.objects.filter(pk=pk, payment_reference=payment.reference).first()
    if registration is None:
        return
    _lock_date(registration.event_date_id)
    current = lock_one(Registration.objects.filter(pk=pk))
    if current.status == RegistrationStatus.PENDING_PAYMENT:
        current.status, current.offer_expires_at = RegistrationStatus.CONFIRMED, None
        current.save(update_fields=["status", "offer_expires_at"])
        audit_log(actor=None, system="business", action="business.registration_paid", subject=current,
                  data_subject=current.participant, data={"reference": payment.reference})
        notify("confirmed", current)
        return
    if current.status != RegistrationStatus.CONFIRMED:
        from digitalstadt.payments.services import refund_request

        refund_request(payment_id=payment.pk, amount_cents=payment.amount_cents,
                       reason=_("Zahlung nach Ablauf der Reservierung"), regarding=payment.regarding,
                       system="business")
        audit_log(actor=None, system="business", action="business.registration_refunded", subject=current,
                  data_subject=current.participant, data={"reference": payment.reference, "reason": "late_payment"})


def is_date_manager(*, user: Any, event_date: EventDate) -> bool:
    """Owner or admin of the partner organisation that organises the date."""
    from digitalstadt.accounts.selectors import can_manage_organisation

    return bool(getattr(user, "is_authenticated", False)
                and can_manage_organisation(user=user, organisation=event_date.series.organiser))


def event_date_cancel(*, event_date: EventDate, by: Any, reason: str) -> EventDate:
    """The organiser cancels a date: everyone registered or waiting is told (e-mail and
    Postfach), paid money is refunded (recorded as a refund due in payments)."""
    if not is_date_manager(user=by, event_date=event_date):
        raise PermissionDenied(_("Nur die Verwaltung der veranstaltenden Partnerorganisation kann Termine absagen."))
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000:
        raise ValidationError(_("Bitte nennen Sie den Grund der Absage (höchstens 1000 Zeichen)."))
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_date(event_date.pk)
        if locked.is_cancelled:
            raise ValidationError(_("Dieser Termin ist bereits abgesagt."))
        if locked.ends_at <= now:
            raise ValidationError(_("Ein vergangener Termin kann nicht mehr abgesagt werden."))
        from .models import EventDateStatus

        locked.status, locked.cancelled_at, locked.cancel_reason = EventDateStatus.CANCELLED, now, reason
        locked.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        told = 0
        for registration in list(live_registrations(locked).select_related("participant").order_by("created_at", "pk")):
            registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
            registration.offer_expires_at = None
            registration.save(update_fields=["status", "cancelled_at", "offer_expires_at"])
            refunded = _settle_money(registration, reason=_("Absage des Termins"), actor=by)
            audit_log(actor=by, action="business.registration_cancelled", subject=registration,
                      data_subject=registration.participant,
                      data={"refund_cents": refunded, "by_organiser": True})
            notify("date_cancelled", registration, reason=reason, refund=refunded)
            told += 1
        audit_log(actor=by, action="business.event_date_cancelled", subject=locked,
                  data={"reason": reason, "registrations_told": told})
    return locked
