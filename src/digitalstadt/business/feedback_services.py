"""Feedback after a date: each checked-in participant answers once (overall, usefulness
1–5, would recommend, a comment). Answers are shown to the organiser only aggregated
(business.feedback_selectors)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one

from .models import EventFeedback, Registration, RegistrationStatus

COMMENT_MAX = 2000


def feedback_open_for(registration: Registration) -> bool:
    """Whether this registration may still give feedback now."""
    return (registration.status == RegistrationStatus.CONFIRMED and registration.checked_in_at is not None
            and not registration.event_date.is_cancelled and timezone.now() >= registration.event_date.ends_at
            and not EventFeedback.objects.filter(registration=registration).exists())


def _rating(value: Any, label: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        raise ValidationError({label: _("Bitte wählen Sie eine Bewertung von 1 bis 5.")})
    return number


def feedback_submit(*, user: Any, registration_id: int, overall: Any, usefulness: Any, would_recommend: bool,
                    comment: str = "") -> EventFeedback:
    """One answer per registration, by the participant, after the date has ended."""
    errors: dict[str, list] = {}
    values = {}
    for name, value in (("overall", overall), ("usefulness", usefulness)):
        try:
            values[name] = _rating(value, name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [_("Die Anmerkung darf höchstens %(max)d Zeichen lang sein.") % {"max": COMMENT_MAX}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            registration = lock_one(Registration.objects.filter(pk=registration_id).select_related("event_date"), of=("self",))
        except Registration.DoesNotExist:
            raise PermissionDenied from None
        if registration.participant_id is None or registration.participant_id != getattr(user, "pk", None):
            raise PermissionDenied(_("Das ist nicht Ihre Anmeldung."))
        if registration.status != RegistrationStatus.CONFIRMED or registration.checked_in_at is None:
            raise ValidationError(_("Eine Rückmeldung geben nur Teilnehmende, die eingecheckt waren."))
        if registration.event_date.is_cancelled or timezone.now() < registration.event_date.ends_at:
            raise ValidationError(_("Die Rückmeldung ist erst nach dem Ende des Termins möglich."))
        if EventFeedback.objects.filter(registration=registration).exists():
            raise ValidationError(_("Sie haben zu diesem Termin bereits eine Rückmeldung gegeben. Vielen Dank!"))
        feedback = EventFeedback.objects.create(
            event_date=registration.event_date, registration=registration, overall=values["overall"],
            usefulness=values["usefulness"], would_recommend=bool(would_recommend), comment=comment,
            created_at=timezone.now())
        audit_log(actor=user, action="business.feedback_submitted", subject=registration.event_date,
                  data={"feedback": feedback.pk})
    return feedback
