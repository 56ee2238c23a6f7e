"""E-mails and Postfach messages about bookings, rendered in the booking's language."""

from __future__ import annotations

from django.conf import settings
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


def send_confirmed(*, booking) -> None:
    from digitalstadt.mailbox.services import message_send, outbox_enqueue_template

    context = _context(booking)
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

    outbox_enqueue_template(to=booking.email, template_prefix="appointments/email/cancelled",
                            context=_context(booking), language=booking.language, purpose="appointments:cancelled")
