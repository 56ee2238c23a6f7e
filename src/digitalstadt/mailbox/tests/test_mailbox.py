"""The Postfach: a new message is counted as unread, announced by e-mail through the
outbox, the real task worker and a real SMTP server; opening it marks it read."""

from __future__ import annotations

import re

import pytest

from digitalstadt.accounts.tests.factories import UserFactory

from digitalstadt.accounts.models import Membership, Organisation, OrgRole, User
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.models import MessageRead, OutboundEmail
from digitalstadt.mailbox.selectors import unread_count
from digitalstadt.mailbox.services import message_send, outbox_sweep
from digitalstadt.testing.fixtures import find_link

pytestmark = pytest.mark.django_db
# The real worker closes database connections, so tests that run it need real commits.
with_worker = pytest.mark.django_db(transaction=True)


def make_user(email: str, language: str = "de") -> User:
    return UserFactory(email=email, language=language, password="Kranichstein-Lauf-2026")


def header_badge(html: str) -> str | None:
    """The unread number next to "Postfach" in the page header."""
    match = re.search(r'href="/postfach/">.*?Postfach(?: <span class="kern-badge[^>]*><span class="kern-label">'
                      r'(\d+)<span class="kern-sr-only"> ungelesen)?', html)
    assert match, "no Postfach link in the header"
    return match.group(1)


@with_worker
def test_new_message_is_unread_notified_and_read_on_opening(client, smtp_server, deliver_mail):
    anna = make_user("anna@example.org")
    other = make_user("bernd@example.org")
    message = message_send(subject="Ihr Bescheid zur Gewerbeanmeldung", body="Sehr geehrte Frau A.,\nanbei.",
                           sender_name="Bürger- und Ordnungsamt", recipient_user=anna)
    assert unread_count(user=anna) == 1 and unread_count(user=other) == 0
    entry = AuditEntry.objects.get(action="mailbox.message_sent")
    assert entry.subject_id == str(message.pk) and entry.data_subject_ref == f"user:{anna.pk}"

    assert smtp_server.messages == []  # nothing is sent inside the request
    deliver_mail()
    [mail] = smtp_server.messages
    assert mail["to"] == ["anna@example.org"]
    assert mail["subject"] == "Neue Nachricht in Ihrem Postfach"
    # The mail only announces the message; the content stays in the Postfach.
    assert "Gewerbeanmeldung" not in mail["body"] and "anbei" not in mail["body"]
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
    link = find_link(mail["body"], f"/postfach/{message.uuid}/").removeprefix("http://testserver")

    client.force_login(anna)
    assert header_badge(client.get("/").content.decode()) == "1"
    overview = client.get("/mein-konto/").content.decode()
    assert "1 ungelesen" in overview and "Ihr Bescheid zur Gewerbeanmeldung" in overview

    response = client.get(link)
    assert response.status_code == 200
    assert "anbei." in response.content.decode()
    assert MessageRead.objects.filter(message=message, user=anna).count() == 1
    assert header_badge(client.get("/").content.decode()) is None
    assert "ungelesen" not in client.get("/mein-konto/").content.decode().split("postfach-heading")[1][:200]
    client.get(link)  # opening again keeps one read mark
    assert MessageRead.objects.filter(message=message).count() == 1

    # Someone else's message is not found, and is not marked read for them.
    client.force_login(other)
    assert client.get(link).status_code == 404
    assert not MessageRead.objects.filter(user=other).exists()


@with_worker
def test_signed_out_link_leads_through_login_to_the_message(client, smtp_server, deliver_mail):
    anna = make_user("anna@example.org")
    message = message_send(subject="Termin bestätigt", body="Mittwoch, 9 Uhr.", sender_name="Bürgerbüro",
                           recipient_user=anna)
    deliver_mail()
    link = find_link(smtp_server.messages[0]["body"], "/postfach/").removeprefix("http://testserver")
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == f"/konto/login/?next={link}"
    response = client.post(response["Location"], {"login": anna.email, "password": "Kranichstein-Lauf-2026"})
    assert response["Location"] == link
    assert "Mittwoch, 9 Uhr." in client.get(link).content.decode()
    assert MessageRead.objects.filter(message=message, user=anna).exists()


@with_worker
def test_organisation_message_reaches_every_member_and_is_read_per_person(client, smtp_server, deliver_mail):
    owner = make_user("laden@example.org")
    clerk = make_user("verkauf@example.org", language="en")
    outsider = make_user("kunde@example.org")
    shop = Organisation.objects.create(name="Laden am Luisenplatz", slug="laden", kind="shop")
    Membership.objects.create(user=owner, organisation=shop, role=OrgRole.OWNER)
    Membership.objects.create(user=clerk, organisation=shop, role=OrgRole.SALES)
    message = message_send(subject="Gewerbeschein", body="Bitte prüfen.", sender_name="Wirtschaftsförderung",
                           recipient_organisation=shop)
    deliver_mail()
    assert sorted(m["to"][0] for m in smtp_server.messages) == ["laden@example.org", "verkauf@example.org"]
    links = {m["to"][0]: find_link(m["body"], str(message.uuid)) for m in smtp_server.messages}
    # Each link is in the recipient's language.
    assert links["laden@example.org"] == f"http://testserver/postfach/{message.uuid}/"
    assert links["verkauf@example.org"] == f"http://testserver/en/postfach/{message.uuid}/"

    client.force_login(clerk)
    assert client.get(f"/en/postfach/{message.uuid}/").status_code == 200
    assert unread_count(user=clerk) == 0 and unread_count(user=owner) == 1
    client.force_login(outsider)
    assert client.get(f"/postfach/{message.uuid}/").status_code == 404
    assert unread_count(user=outsider) == 0


def test_unread_filter_in_the_list(client):
    anna = make_user("anna@example.org")
    first = message_send(subject="Erste", body="1", sender_name="Amt", recipient_user=anna)
    message_send(subject="Zweite", body="2", sender_name="Amt", recipient_user=anna)
    client.force_login(anna)
    client.get(f"/postfach/{first.uuid}/")
    html = client.get("/postfach/?filter=ungelesen").content.decode()
    assert "Zweite" in html and "Erste" not in html and "Ungelesen (1)" in html
    html = client.get("/postfach/").content.decode()
    assert "Zweite" in html and "Erste" in html


@with_worker
def test_outbox_retries_when_the_mail_server_is_down(smtp_server, deliver_mail, settings):
    anna = make_user("anna@example.org")
    smtp_server.stop()
    message_send(subject="Bescheid", body="...", sender_name="Amt", recipient_user=anna)
    deliver_mail()
    mail = OutboundEmail.objects.get()
    assert mail.status == OutboundEmail.Status.PENDING and mail.attempts == 1 and mail.last_error
    assert mail.next_attempt_at > mail.created_at
    smtp_server.start()
    assert outbox_sweep() == {}  # not due yet
    OutboundEmail.objects.update(next_attempt_at=mail.created_at)
    assert outbox_sweep() == {"sent": 1}
    assert len(smtp_server.messages) == 1
    mail.refresh_from_db()
    assert mail.status == OutboundEmail.Status.SENT and mail.attempts == 2
    # The retry task the failure queued finds the row sent and does nothing.
    OutboundEmail.objects.update(next_attempt_at=mail.created_at)
    deliver_mail()
    assert len(smtp_server.messages) == 1


def test_links_in_a_message_are_clickable_and_nothing_else_becomes_markup(client):
    anna = make_user("anna@example.org", language="en")
    message = message_send(
        subject="Ihr Bescheid", sender_name="Bürger- und Ordnungsamt", recipient_user=anna,
        body="Details: https://www.darmstadt.de/leben-in-darmstadt/buergerservice?a=1&b=2\n"
             '<script>alert("x")</script> <a href="javascript:alert(1)">klick</a>',
    )
    client.force_login(anna)
    html = client.get(f"/en/postfach/{message.uuid}/").content.decode()
    assert '<a href="https://www.darmstadt.de/leben-in-darmstadt/buergerservice?a=1&amp;b=2"' in html
    assert "<script>alert" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;" in html
    # German content inside the English page is marked as German (WCAG 3.1.2).
    assert '<h1 class="kern-heading-large" lang="de">Ihr Bescheid</h1>' in html
    assert 'class="kern-body message-body" lang="de"' in html
    listing = client.get("/en/postfach/").content.decode()
    assert f'href="/en/postfach/{message.uuid}/" lang="de">Ihr Bescheid</a>' in listing
    # The same page in German carries no extra lang attribute.
    assert 'lang="de">Ihr Bescheid' not in client.get(f"/postfach/{message.uuid}/").content.decode()
