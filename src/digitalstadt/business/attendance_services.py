"""Attendance check-in: the organiser (a manager of the organising partner) checks
participants in from the participant list or by the ticket's QR code.

A ticket's check-in code is derived from the server's secret and the registration
(HMAC), so the ticket page can show it again; only its SHA-256 is stored, to find the
registration from a scanned code. Check-in is open from CHECKIN_OPENS_BEFORE the start
until the end of the date's (local) day."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one
from digitalstadt.core.scoping import organisation_scope

from .models import EventDate, PartnerRole, Registration, RegistrationStatus
from .types import PartnerRoleKind, PartnerRoleStatus

CHECKIN_OPENS_BEFORE = dt.timedelta(minutes=60)
CODE_LENGTH = 12


# --- who may run a date ------------------------------------------------------------


def user_may_organise(*, user: Any, organisation: Any) -> bool:
    """A manager (owner or admin) of a partner organisation whose event-organiser role is approved."""
    from digitalstadt.accounts.selectors import can_manage_organisation

    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    if not can_manage_organisation(user=user, organisation=organisation):
        return False
    with organisation_scope(organisation):
        return PartnerRole.objects.filter(kind=PartnerRoleKind.EVENT_ORGANISER,
                                          status=PartnerRoleStatus.APPROVED).exists()


def organiser_date(*, user: Any, date_id: int) -> EventDate:
    """The date, if the user may run it (object-level check); PermissionDenied otherwise
    (also for a date that does not exist, so ids of other partners' dates tell nothing)."""
    event_date = EventDate.objects.select_related("series__organiser", "venue").filter(pk=date_id).first()
    if event_date is None or not user_may_organise(user=user, organisation=event_date.series.organiser):
        raise PermissionDenied(_("Diesen Termin betreuen Sie nicht."))
    return event_date


# --- the ticket's check-in code ---------------------------------------------------


# The QR code holds the code behind this prefix: long enough for a full QR code (a
# bare 12-character code would become a Micro QR code, which camera scanners do not read).
QR_PREFIX = "ds-ticket:"


def normalise_checkin_code(code: str) -> str:
    """What people type (any case, with or without dashes and spaces) or what the camera read."""
    code = (code or "").strip()
    if code.lower().startswith(QR_PREFIX):
        code = code[len(QR_PREFIX):]
    return re.sub(r"[^A-Z2-7]", "", code.upper())[:CODE_LENGTH * 2]


def qr_payload(code: str) -> str:
    return QR_PREFIX + code


def _derive_code(registration: Registration) -> str:
    key = hashlib.sha256(("business.checkin:" + settings.SECRET_KEY).encode()).digest()
    message = f"{registration.pk}:{registration.event_date_id}:{registration.created_at.isoformat()}".encode()
    return base64.b32encode(hmac.new(key, message, hashlib.sha256).digest()).decode()[:CODE_LENGTH]


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_checkin_code(code).encode()).hexdigest()


def code_display(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def registration_ticket_code(*, registration: Registration) -> str:
    """The ticket's check-in code (for the QR code and to type in). Stores its SHA-256
    on first use; call it at confirmation or on the first ticket view."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ValidationError(_("Ein Ticket gibt es nur für bestätigte Anmeldungen."))
    code = _derive_code(registration)
    digest = code_hash(code)
    if registration.checkin_code_hash != digest:
        Registration.objects.filter(pk=registration.pk).update(checkin_code_hash=digest)
        registration.checkin_code_hash = digest
    return code


# --- check-in ------------------------------------------------------------------------


def checkin_window(event_date: EventDate) -> tuple[dt.datetime, dt.datetime]:
    """From shortly before the start until the end of the (local) day the date ends."""
    end_day = timezone.localtime(event_date.ends_at).date() + dt.timedelta(days=1)
    closes = timezone.make_aware(dt.datetime.combine(end_day, dt.time.min), timezone.get_current_timezone())
    return event_date.starts_at - CHECKIN_OPENS_BEFORE, closes


def checkin_is_open(event_date: EventDate, *, now: dt.datetime | None = None) -> bool:
    opens, closes = checkin_window(event_date)
    return opens <= (now or timezone.now()) < closes


class AlreadyCheckedIn(ValidationError):
    """The person was checked in before; carries the registration."""

    def __init__(self, registration: Registration):
        super().__init__(_("%(name)s ist bereits eingecheckt (seit %(time)s Uhr).") % {
            "name": registration.name, "time": timezone.localtime(registration.checked_in_at).strftime("%H:%M")})
        self.registration = registration


def _check_in(*, event_date: EventDate, registration_qs, actor: Any, via: str) -> Registration:
    if event_date.is_cancelled:
        raise ValidationError(_("Der Termin ist abgesagt."))
    if not checkin_is_open(event_date):
        opens, closes = checkin_window(event_date)
        if timezone.now() < opens:
            raise ValidationError(_("Der Check-in beginnt am %(day)s um %(time)s Uhr.") % {
                "day": timezone.localtime(opens).strftime("%d.%m.%Y"),
                "time": timezone.localtime(opens).strftime("%H:%M")})
        raise ValidationError(_("Der Check-in für diesen Termin ist beendet."))
    with transaction.atomic():
        try:
            registration = lock_one(registration_qs)
        except Registration.DoesNotExist:
            raise ValidationError(_("Diese Anmeldung gibt es zu diesem Termin nicht.")) from None
        if registration.status != RegistrationStatus.CONFIRMED:
            raise ValidationError(_("%(name)s ist nicht verbindlich angemeldet (%(status)s).") % {
                "name": registration.name, "status": registration.get_status_display()})
        if registration.checked_in_at is not None:
            raise AlreadyCheckedIn(registration)
        registration.checked_in_at = timezone.now()
        registration.checked_in_by = actor
        registration.save(update_fields=["checked_in_at", "checked_in_by"])
        audit_log(actor=actor, action="business.checked_in", subject=registration,
                  data_subject=registration.participant, data={"date": event_date.pk, "via": via})
    return registration


def attendance_check_in(*, user: Any, date_id: int, registration_id: int) -> Registration:
    """Check one participant in from the participant list (the button)."""
    event_date = organiser_date(user=user, date_id=date_id)
    return _check_in(event_date=event_date, actor=user, via="list",
                     registration_qs=Registration.objects.filter(pk=registration_id, event_date=event_date))


def attendance_check_in_by_code(*, user: Any, date_id: int, code: str) -> Registration:
    """Check a participant in by the ticket's code (scanned or typed). A code of another
    date is refused, saying so."""
    event_date = organiser_date(user=user, date_id=date_id)
    normalised = normalise_checkin_code(code)
    if len(normalised) != CODE_LENGTH:
        raise ValidationError(_("Der Code hat 12 Zeichen (Buchstaben A–Z und Ziffern 2–7)."))
    digest = code_hash(normalised)
    found = Registration.objects.filter(checkin_code_hash=digest).only("pk", "event_date_id").first()
    if found is None:
        raise ValidationError(_("Zu diesem Code gibt es kein Ticket."))
    if found.event_date_id != event_date.pk:
        raise ValidationError(_("Dieses Ticket gilt für einen anderen Termin, nicht für diesen."))
    return _check_in(event_date=event_date, actor=user, via="code",
                     registration_qs=Registration.objects.filter(pk=found.pk, event_date=event_date))
