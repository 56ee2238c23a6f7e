"""Mailbox (Postfach) and e-mail outbox services.

Mail is never sent inside a request: a row in `OutboundEmail` is written in the same
transaction as the change that causes it, a task sends it, failures are retried with
back-off, and `manage.py outbox_sweep` catches anything whose task was lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from digitalstadt.core.audit import audit_log
from digitalstadt.core.urls_helpers import absolute_url

from .models import Message, MessageRead, OutboundEmail
from .tasks import send_outbound_email

logger = logging.getLogger(__name__)

# A claimed row is invisible to other senders for this long (a crashed sender's row
# becomes due again afterwards).
CLAIM_LEASE = timedelta(minutes=5)


def outbox_enqueue(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    purpose: str = "",
    headers: dict | None = None,
) -> OutboundEmail:
    with transaction.atomic():
        mail = OutboundEmail.objects.create(
            to=to,
            from_email=settings.DEFAULT_FROM_EMAIL,
            subject=" ".join(str(subject).splitlines()).strip(),
            body_text=body_text,
            body_html=body_html,
            purpose=purpose,
            headers=headers or {},
            next_attempt_at=timezone.now(),
        )
        # The database task queue is transactional: the task exists iff the row does.
        send_outbound_email.enqueue(mail.pk)
    return mail


def outbox_enqueue_template(
    *,
    to: str,
    template_prefix: str,
    context: dict[str, Any],
    language: str,
    purpose: str = "",
) -> OutboundEmail:
    """Render `<prefix>_subject.txt`, `_message.txt` (and optional `_message.html`) in
    the recipient's language, then queue the result."""
    with translation.override(language):
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        body_text = render_to_string(f"{template_prefix}_message.txt", context)
    return outbox_enqueue(to=to, subject=subject, body_text=body_text, purpose=purpose or template_prefix)


def _claim(email_id: int) -> OutboundEmail | None:
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + CLAIM_LEASE)
    if not claimed:
        return None
    return OutboundEmail.objects.get(pk=email_id)


def outbox_deliver(*, email_id: int) -> str:
    """Send one due outbox row. Returns "sent", "retry", "failed" or "skipped"."""
    mail = _claim(email_id)
    if mail is None:
        return "skipped"
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=mail.from_email,
        to=[mail.to],
        headers={"Message-ID": f"<{mail.uuid}@digitalstadt>", **mail.headers},
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    try:
        mailers.default.send_messages([message])
    except Exception as exc:  # noqa: BLE001 - any transport error means "try again later"
        return _schedule_retry(mail, exc)
    OutboundEmail.objects.filter(pk=mail.pk).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now(), attempts=mail.attempts + 1, last_error=""
    )
    return "sent"


def _schedule_retry(mail: OutboundEmail, exc: Exception) -> str:
    attempts = mail.attempts + 1
    backoff = settings.OUTBOX_BACKOFF
    logger.warning("Outbox mail %s attempt %s failed: %s", mail.pk, attempts, exc)
    with transaction.atomic():
        if attempts > len(backoff):
            OutboundEmail.objects.filter(pk=mail.pk).update(
                status=OutboundEmail.Status.FAILED, attempts=attempts, last_error=repr(exc)[:2000]
            )
            audit_log(actor=None, system="outbox", action="outbox.failed", subject=mail)
            return "failed"
        next_attempt = timezone.now() + timedelta(seconds=backoff[attempts - 1])
        OutboundEmail.objects.filter(pk=mail.pk).update(
            attempts=attempts, next_attempt_at=next_attempt, last_error=repr(exc)[:2000]
        )
        send_outbound_email.using(run_after=next_attempt).enqueue(mail.pk)
    return "retry"


def outbox_sweep(*, limit: int = 500) -> dict[str, int]:
    """Send every due pending row now (for lost tasks and after an outage)."""
    due = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    counts: dict[str, int] = {}
    for pk in list(due):
        outcome = outbox_deliver(email_id=pk)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# --- Postfach --------------------------------------------------------------------------


def _notification_recipients(message: Message) -> Iterable[Any]:
    if message.recipient_user_id:
        return [message.recipient_user]
    from digitalstadt.accounts.selectors import organisation_members

    return organisation_members(organisation=message.recipient_organisation)


def message_send(
    *,
    subject: str,
    body: str,
    sender_name: str,
    recipient_user: Any = None,
    recipient_organisation: Any = None,
    documents: Iterable[Any] = (),
    regarding: str = "",
    actor: Any = None,
) -> Message:
    """Deliver a message to a Postfach and notify the recipients by e-mail.

    The e-mail says only that there is a new message (no content): the Postfach is the
    secure channel.
    """
    with transaction.atomic():
        message = Message.objects.create(
            recipient_user=recipient_user,
            recipient_organisation=recipient_organisation,
            sender_name=sender_name,
            subject=subject,
            body=body,
            regarding=regarding,
        )
        now = timezone.now()
        docs = list(documents)
        if docs:
            message.documents.set(docs)
            for doc in docs:
                if doc.made_available_at is None:
                    type(doc).objects.filter(pk=doc.pk).update(made_available_at=now)
        for person in _notification_recipients(message):
            with translation.override(person.language):
                link = absolute_url("mailbox:detail", kwargs={"uuid": message.uuid})
            outbox_enqueue_template(
                to=person.email,
                template_prefix="mailbox/email/new_message",
                context={"user": person, "message": message, "link": link,
                         "platform_name": settings.PLATFORM_NAME},
                language=person.language,
                purpose="mailbox:new_message",
            )
        audit_log(actor=actor, system="mailbox", action="mailbox.message_sent", subject=message,
                  data_subject=recipient_user)
    return message


def message_mark_read(*, message: Message, user: Any) -> None:
    """The first opening by this person is recorded (and audited); later ones change nothing."""
    with transaction.atomic():
        _read, created = MessageRead.objects.get_or_create(message=message, user=user)
        if created:
            audit_log(actor=user, action="mailbox.message_read", subject=message, data_subject=user)
