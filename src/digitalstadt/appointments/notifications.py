"""E-mails and Postfach messages about bookings, rendered in the booking's language."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils import translation

from digitalstadt.core.urls_helpers import absolute_url


def _context(booking, **extra):
    return {"booking": booking, "location": booking.location, "platform_name": settings.PLATFORM_NAME,
            "services": list(booking.booked_services.select_related("service")), **extra}


def send_confirmation_request(*, booking, token: str) -> None:
    from digitalstadt.mailbox.services import outbox_enqueue_template

    with translation.override(booking.language):
        link = absolute_url("appointments:manage", kwargs={"code": booking.code}) + f"?t={token}"
    outbox_enqueue_template(to=booking.email, template_prefix="appointments/email/confirm_request",
                            context=_context(booking, link=link), language=booking.language,
                            purpose="appointments:confirm_request")


def _manage_link(booking, token: str | None) -> str:
    with translation.override(booking.language):
        link = absolute_url("appointments:manage", kwargs={"code": booking.code})
    return f"{link}?t={token}" if token else ""


def send_confirmed(*, booking, token: str | None = None) -> None:
    """Confirmation with everything needed: address, what to bring, and the link to
    cancel, reschedule or download the calendar file (the token came with the click)."""
    from digitalstadt.mailbox.services import message_send, outbox_enqueue_template

    context = _context(booking, link=_manage_link(booking, token))
    outbox_enqueue_template(to=booking.email, template_prefix="appointments/email/confirmed", context=context,
                            language=booking.language, purpose="appointments:confirmed")
    if booking.user_id:
        with translation.override(booking.language):
            from django.template.loader import render_to_string

            subject = render_to_string("appointments/email/confirmed_subject.txt", context).strip()
            body = render_to_string("appointments/email/confirmed_message.txt", context)
        message_send(subject=subject, body=body, sender_name=booking.location.name_de,
                     recipient_user=booking.user, regarding=f"appointments.booking:{booking.pk}")


def send_cancelled(*, booking) -> None:
    from digitalstadt.mailbox.services import outbox_enqueue_template

    with translation.override(booking.language):
        again = absolute_url("appointments:start")
    outbox_enqueue_template(to=booking.email, template_prefix="appointments/email/cancelled",
                            context=_context(booking, link=again), language=booking.language,
                            purpose="appointments:cancelled")


def send_rescheduled(*, booking, previous, token: str) -> None:
    """The moved appointment with its new manage link; a Postfach copy when logged in."""
    from django.template.loader import render_to_string

    from digitalstadt.mailbox.services import message_send, outbox_enqueue_template

    with translation.override(booking.language):
        link = absolute_url("appointments:manage", kwargs={"code": booking.code}) + f"?t={token}"
    context = _context(booking, previous=previous, link=link)
    outbox_enqueue_template(to=booking.email, template_prefix="appointments/email/rescheduled", context=context,
                            language=booking.language, purpose="appointments:rescheduled")
    if booking.user_id:
        with translation.override(booking.language):
            subject = render_to_string("appointments/email/rescheduled_subject.txt", context).strip()
            body = render_to_string("appointments/email/rescheduled_message.txt", context)
        message_send(subject=subject, body=body, sender_name=booking.location.name_de,
                     recipient_user=booking.user, regarding=f"appointments.booking:{booking.pk}")


def reminder_time(booking):
    """18:00 local time the day before the appointment."""
    from .schedule import local_tz

    day_before = timezone.localdate(booking.starts_at) - timedelta(days=1)
    return datetime.combine(day_before, time(18)).replace(tzinfo=local_tz())


def schedule_reminder(*, booking) -> None:
    """Enqueued in the confirming transaction; the task re-checks the booking."""
    from .tasks import send_booking_reminder

    when = reminder_time(booking)
    if booking.starts_at - timezone.now() < timedelta(hours=6):
        return  # booked at short notice: the confirmation is reminder enough
    send_booking_reminder.using(run_after=max(when, timezone.now())).enqueue(booking.pk)


def send_reminder_if_due(*, booking_id: int) -> str:
    from digitalstadt.mailbox.services import outbox_enqueue_template

    from .models import Booking, BookingStatus

    now = timezone.now()
    claimed = Booking.objects.filter(pk=booking_id, status=BookingStatus.CONFIRMED, reminder_sent_at__isnull=True,
                                     starts_at__gt=now).update(reminder_sent_at=now)
    if not claimed:
        return "skipped"
    booking = Booking.objects.select_related("location").get(pk=booking_id)
    outbox_enqueue_template(to=booking.email, template_prefix="appointments/email/reminder",
                            context=_context(booking), language=booking.language,
                            purpose="appointments:reminder")
    return "sent"


def send_cancelled_by_office(*, booking, reason: str) -> None:
    from digitalstadt.mailbox.services import outbox_enqueue_template

    with translation.override(booking.language):
        link = absolute_url("appointments:start")
    outbox_enqueue_template(to=booking.email, template_prefix="appointments/email/cancelled_by_office",
                            context=_context(booking, reason=reason, link=link), language=booking.language,
                            purpose="appointments:cancelled_by_office")
    send_cancelled_by_office_postfach(booking=booking, reason=reason)


def send_alternative_offer(*, offer) -> None:
    """The office had to move an appointment: the held alternative with a one-click
    accept link and a link to book another time, by e-mail and (for accounts) in the
    Postfach. Called only once the admin confirmed the change."""
    from django.template.loader import render_to_string

    from digitalstadt.mailbox.services import message_send, outbox_enqueue_template

    booking = offer.original
    with translation.override(booking.language):
        accept = absolute_url("appointments:alternative", kwargs={"uuid": offer.uuid})
        again = absolute_url("appointments:start")
    context = _context(booking, offer=offer, new=offer.held, reason=offer.reason, link=accept, again=again)
    outbox_enqueue_template(to=booking.email, template_prefix="appointments/email/alternative_offer",
                            context=context, language=booking.language, purpose="appointments:alternative_offer")
    if booking.user_id:
        with translation.override(booking.language):
            subject = render_to_string("appointments/email/alternative_offer_subject.txt", context).strip()
            body = render_to_string("appointments/email/alternative_offer_message.txt", context)
        message_send(subject=subject, body=body, sender_name=booking.location.name_de,
                     recipient_user=booking.user, regarding=f"appointments.booking:{booking.pk}")


def send_cancelled_by_office_postfach(*, booking, reason: str) -> None:
    """The Postfach copy of an office cancellation (accounts only)."""
    from django.template.loader import render_to_string

    from digitalstadt.mailbox.services import message_send

    if not booking.user_id:
        return
    with translation.override(booking.language):
        link = absolute_url("appointments:start")
        context = _context(booking, reason=reason, link=link)
        subject = render_to_string("appointments/email/cancelled_by_office_subject.txt", context).strip()
        body = render_to_string("appointments/email/cancelled_by_office_message.txt", context)
    message_send(subject=subject, body=body, sender_name=booking.location.name_de,
                 recipient_user=booking.user, regarding=f"appointments.booking:{booking.pk}")
