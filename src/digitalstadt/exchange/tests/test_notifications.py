"""Notification levels, immediate mails, mentions, mute links and the daily digest,
through the real SMTP stand-in and the task worker, on the test clock."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from digitalstadt.exchange.forum_services import post_reply, thread_create
from digitalstadt.exchange.models import DigestEntry
from digitalstadt.exchange.notifications import level_for, level_set
from digitalstadt.testing.fixtures import find_link

from .forum_factories import category, member

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "Wie regelt ihr die Arbeitszeit im Homeoffice?"


def _to(server, user):
    return [m for m in server.messages if user.email in m["to"]]


def test_levels_thread_overrides_category():
    asker, reader = member(), member(first_name="Rita")
    cat = category()
    thread = thread_create(author=asker, category=cat, title="Arbeitszeit im Homeoffice", body=QUESTION)
    assert level_for(user=reader, thread=thread) == "normal"
    level_set(user=reader, category=cat, level="watching")
    assert level_for(user=reader, thread=thread) == "watching"
    level_set(user=reader, thread=thread, level="muted")
    assert level_for(user=reader, thread=thread) == "muted"
    assert level_for(user=reader, category=cat) == "watching"


def test_watching_mentions_replies_and_muted(smtp_server, deliver_mail):
    asker = member(first_name="Anna", last_name="Meier")
    answerer = member(first_name="Bernd", last_name="Berg")
    watcher = member(first_name="Wera", last_name="Wach")
    mentioned = member(first_name="Max", last_name="Muster")
    muted = member(first_name="Stella", last_name="Still")
    cat = category()
    thread = thread_create(author=asker, category=cat, title="Arbeitszeit im Homeoffice", body=QUESTION)
    level_set(user=watcher, category=cat, level="watching")
    level_set(user=muted, category=cat, level="watching")
    level_set(user=muted, thread=thread, level="muted")
    from digitalstadt.exchange.forum_profiles import profile_for

    profile_for(mentioned), profile_for(muted)
    deliver_mail()
    smtp_server.messages.clear()
    post_reply(author=answerer, thread=thread, body="Frag mal @max-m und @stella-s, die kennen sich aus.")
    deliver_mail()
    assert len(_to(smtp_server, asker)) == 1  # watching own thread
    assert len(_to(smtp_server, watcher)) == 1
    mention = _to(smtp_server, mentioned)
    assert len(mention) == 1 and "erwähnt" in mention[0]["subject"]
    assert _to(smtp_server, muted) == [] and _to(smtp_server, answerer) == []
    # The asker turns the thread to normal: a reply still reaches them ("replies to you").
    level_set(user=asker, thread=thread, level="normal")
    smtp_server.messages.clear()
    post_reply(author=answerer, thread=thread, body="Noch ein Nachtrag von mir.")
    deliver_mail()
    assert [m["subject"] for m in _to(smtp_server, asker)] == ["Neue Antwort auf Ihre Frage: Arbeitszeit im Homeoffice"]
    assert _to(smtp_server, mentioned) == []
    # The mute link in the watcher's mail: GET asks, POST mutes.
    link = find_link(_to(smtp_server, watcher)[0]["body"], "/stummschalten/")
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    assert "Stummschalten" in client.get("/" + path).content.decode()
    assert level_for(user=watcher, thread=thread) == "watching"
    client.post("/" + path)
    assert level_for(user=watcher, thread=thread) == "muted"
    assert client.get("/austausch/stummschalten/kaputt/").status_code == 400


def test_daily_digest_sends_each_post_once_and_not_when_muted(smtp_server, deliver_mail, clock):
    asker, answerer = member(), member(first_name="Bernd")
    tracker, later_muted = member(first_name="Tina", last_name="Track"), member(first_name="Lars", last_name="Laut")
    cat = category()
    level_set(user=tracker, category=cat, level="tracking")
    level_set(user=later_muted, category=cat, level="tracking")
    thread = thread_create(author=asker, category=cat, title="Arbeitszeit im Homeoffice", body=QUESTION)
    post_reply(author=answerer, thread=thread, body="Wir nutzen Vertrauensarbeitszeit.")
    level_set(user=later_muted, thread=thread, level="muted")
    deliver_mail()
    assert _to(smtp_server, tracker) == []  # tracking: no immediate mail
    clock.shift(dt.timedelta(hours=20))
    call_command("exchange_forum_digest")
    call_command("exchange_forum_digest")  # idempotent
    deliver_mail()
    digests = _to(smtp_server, tracker)
    assert len(digests) == 1 and digests[0]["subject"] == "Forum: 2 neue Beiträge"
    assert "Vertrauensarbeitszeit" in digests[0]["body"] and "/stummschalten/" in digests[0]["body"]
    assert _to(smtp_server, later_muted) == []
    # A new post the next day: only that one in the next digest.
    post_reply(author=answerer, thread=thread, body="Und Kernzeit von 10 bis 15 Uhr.")
    clock.shift(dt.timedelta(days=1))
    call_command("exchange_forum_digest")
    deliver_mail()
    digests = _to(smtp_server, tracker)
    assert len(digests) == 2 and digests[1]["subject"] == "Forum: 1 neuer Beitrag"
    assert DigestEntry.objects.filter(user=tracker, sent_at__isnull=True).count() == 0
