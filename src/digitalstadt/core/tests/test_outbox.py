"""The e-mail outbox against a real SMTP server (aiosmtpd) and the real task worker:
retried with back-off, swept when a task is lost, sent exactly once, failed in the end."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox import services as outbox
from digitalstadt.mailbox.models import OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)


def queue_mail(subject: str = "Ihr Termin im Bürgerbüro") -> OutboundEmail:
    return outbox.outbox_enqueue(to="berta@darmstadt.example", subject=subject,
                                 body_text="Guten Tag,\nIhr Termin ist bestätigt.\n", purpose="test")


def tasks_for(mail: OutboundEmail):
    from django_tasks_db.models import DBTaskResult

    return [t for t in DBTaskResult.objects.all() if t.args_kwargs["args"] == [mail.pk]]


def make_due(mail: OutboundEmail) -> None:
    """Let the back-off pass without waiting for it."""
    OutboundEmail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_mail_queued_during_an_smtp_outage_is_retried_and_delivered_once(smtp_server, deliver_mail, settings,
                                                                       clock):
    settings.OUTBOX_BACKOFF = [1, 1, 1]
    smtp_server.stop()
    mail = queue_mail()
    assert len(tasks_for(mail)) == 1  # the task was written with the row

    deliver_mail()

    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("pending", 1)
    assert "Connection refused" in mail.last_error or "Errno" in mail.last_error
    retry = [t for t in tasks_for(mail) if t.status == "READY"]
    assert len(retry) == 1
    assert timezone.now() < retry[0].run_after <= timezone.now() + timedelta(seconds=2)
    assert abs((retry[0].run_after - mail.next_attempt_at).total_seconds()) < 0.5
    assert smtp_server.messages == []

    smtp_server.start()
    deliver_mail()  # the retry is not due yet: nothing happens
    assert smtp_server.messages == []
    clock.move_to(mail.next_attempt_at + timedelta(seconds=0.2))  # the back-off passes
    deliver_mail()

    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 2, "")
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["to"] == ["berta@darmstadt.example"]
    assert received["subject"] == "Ihr Termin im Bürgerbüro"
    assert received["message"]["Message-ID"] == f"<{mail.uuid}@digitalstadt>"

    # Neither the sweep nor another worker run sends it again.
    call_command("outbox_sweep", stdout=open("/dev/null", "w"))
    deliver_mail()
    assert len(smtp_server.messages) == 1


def test_the_sweep_sends_a_row_whose_task_was_lost(smtp_server, deliver_mail):
    from django_tasks_db.models import DBTaskResult

    mail = queue_mail("Verlorene Aufgabe")
    DBTaskResult.objects.all().delete()  # e.g. the queue was purged by mistake
    deliver_mail()
    assert smtp_server.messages == []

    from io import StringIO

    out = StringIO()
    call_command("outbox_sweep", stdout=out)

    assert out.getvalue().strip() == "sent: 1"
    mail.refresh_from_db()
    assert mail.status == "sent"
    assert [m["subject"] for m in smtp_server.messages] == ["Verlorene Aufgabe"]


def race(mail: OutboundEmail, contenders: int = 6) -> list[str]:
    """Task runs and sweeps try to send the same row at the same moment."""
    barrier = threading.Barrier(contenders)
    outcomes: list[str] = []

    def contender(number: int) -> None:
        try:
            barrier.wait()
            if number % 2:
                outcomes.append(outbox.outbox_deliver(email_id=mail.pk))
            else:
                outcomes.extend(outbox.outbox_sweep().keys())
        finally:
            connection.close()

    threads = [threading.Thread(target=contender, args=(n,)) for n in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_task_and_sweep_racing_send_a_row_exactly_once(smtp_server):
    for round_ in range(3):
        mail = queue_mail(f"Wettlauf {round_}")
        outcomes = race(mail)
        assert outcomes.count("sent") == 1, outcomes
    assert sorted(m["subject"] for m in smtp_server.messages) == ["Wettlauf 0", "Wettlauf 1", "Wettlauf 2"]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_negative_control_without_the_claim_the_race_sends_twice(smtp_server, monkeypatch):
    """Proves the race test can fail: a read-then-write claim lets several senders in."""

    def naive_claim(email_id):
        mail = OutboundEmail.objects.filter(pk=email_id, status="pending",
                                            next_attempt_at__lte=timezone.now()).first()
        time.sleep(0.2)  # the gap between reading and writing that a real server has too
        return mail

    monkeypatch.setattr(outbox, "_claim", naive_claim)
    mail = queue_mail("Doppelt")
    race(mail)
    assert len(smtp_server.messages) > 1


def test_after_all_back_offs_the_mail_is_failed_and_audited(smtp_server, deliver_mail, settings, clock):
    settings.OUTBOX_BACKOFF = [1, 1, 1]
    smtp_server.stop()
    mail = queue_mail("Kommt nie an")

    deliver_mail()
    for attempt in (2, 3, 4):
        make_due(mail)
        call_command("outbox_sweep", stdout=open("/dev/null", "w"))
        mail.refresh_from_db()
        assert mail.attempts == attempt

    assert mail.status == "failed"
    entry = AuditEntry.objects.get(action="outbox.failed")
    assert (entry.subject_type, entry.subject_id, entry.actor_ref) == ("mailbox.outboundemail", str(mail.pk),
                                                                       "system:outbox")
    # Leftover retry tasks do nothing once the server is back.
    smtp_server.start()
    clock.shift(timedelta(seconds=1.1))  # the retry tasks fall due
    deliver_mail()
    mail.refresh_from_db()
    assert mail.status == "failed" and smtp_server.messages == []


def test_the_sign_up_confirmation_mail_goes_through_the_outbox(client, smtp_server, deliver_mail):
    response = client.post("/konto/signup/", {"email": "neu@darmstadt.example",
                                              "password1": "Lange-Passphrase-2026", "password2": "Lange-Passphrase-2026"})

    assert response.status_code == 302
    mail = OutboundEmail.objects.get(to="neu@darmstadt.example")
    assert mail.purpose == "allauth:account/email/email_confirmation_signup"
    assert mail.status == "pending"
    assert smtp_server.messages == []  # nothing is sent inside the request

    deliver_mail()

    assert len(smtp_server.messages) == 1
    assert "/konto/confirm-email/" in smtp_server.messages[0]["body"]
    mail.refresh_from_db()
    assert mail.status == "sent"
