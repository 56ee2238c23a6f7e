"""The review queue: moderators approve (visible, author told) or reject (with reason,
author told); others may not; staff need the second factor."""

import pytest
from django.test import Client
from django.urls import reverse

from digitalstadt.accounts.models import StaffRoleKind
from digitalstadt.accounts.tests.factories import StaffFactory
from digitalstadt.exchange.forum_services import ForumError, post_reply, thread_create
from digitalstadt.exchange.review_services import review_approve, review_reject
from digitalstadt.exchange.search import search_posts
from digitalstadt.exchange.types import PostStatus

from .forum_factories import category, member, moderator

pytestmark = pytest.mark.django_db(transaction=True)


def test_approve_and_reject_tell_the_author(smtp_server, deliver_mail):
    asker, newbie, mod = member(), member(trusted=False, first_name="Nina", last_name="Neu"), moderator()
    thread = thread_create(author=asker, category=category(), title="Richtlinie für das Homeoffice",
                           body="Was gehört in eine Richtlinie?")
    reply = post_reply(author=newbie, thread=thread, body="Bei uns Geräte und Erreichbarkeit.")
    second = post_reply(author=newbie, thread=thread, body="Und die Entsorgung von Papieren.")
    assert reply.status == PostStatus.PENDING and search_posts(query="Erreichbarkeit") == []
    with pytest.raises(ForumError):
        review_approve(actor=asker, post_id=reply.pk)
    review_approve(actor=mod, post_id=reply.pk)
    reply.refresh_from_db()
    assert reply.status == PostStatus.VISIBLE and [p.pk for p in search_posts(query="Erreichbarkeit")] == [reply.pk]
    with pytest.raises(ForumError):
        review_approve(actor=mod, post_id=reply.pk)  # not pending any more
    with pytest.raises(ForumError):
        review_reject(actor=mod, post_id=second.pk, reason="")
    review_reject(actor=mod, post_id=second.pk, reason="Bitte ohne Werbung.")
    second.refresh_from_db()
    assert second.status == PostStatus.REMOVED
    deliver_mail()
    to_newbie = [m for m in smtp_server.messages if newbie.email in m["to"]]
    assert sorted(m["subject"] for m in to_newbie) == [
        "Ihr Beitrag ist freigegeben: Richtlinie für das Homeoffice",
        "Ihr Beitrag wurde nicht freigegeben: Richtlinie für das Homeoffice"]
    assert any("Bitte ohne Werbung." in m["body"] for m in to_newbie)


def test_queue_pages_and_permissions():
    newbie, mod = member(trusted=False, first_name="Nina"), moderator()
    thread = thread_create(author=newbie, category=category(), title="Erste Frage hier", body="Wie fange ich an?")
    url = reverse("exchange:review-queue")
    client = Client()
    assert client.get(url).status_code == 302
    client.force_login(member(first_name="Otto"))
    assert client.get(url).status_code == 403
    client.force_login(mod)
    assert "Erste Frage hier" in client.get(url).content.decode()
    post = thread.posts.get()
    response = client.post(reverse("exchange:review-approve", kwargs={"post": post.pk}))
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.status == PostStatus.VISIBLE
    assert client.post(reverse("exchange:review-reject", kwargs={"post": post.pk}), {"reason": ""}).status_code == 302


def test_staff_without_totp_are_sent_away():
    staff = StaffFactory(role=StaffRoleKind.BUSINESS_DEVELOPMENT, totp=False)
    client = Client()
    client.force_login(staff)
    assert client.get(reverse("exchange:review-queue")).status_code == 302
    with_totp = StaffFactory(role=StaffRoleKind.BUSINESS_DEVELOPMENT)
    client.force_login(with_totp)
    assert client.get(reverse("exchange:review-queue")).status_code == 200


def test_an_edited_post_approved_again_does_not_notify_the_thread_twice(smtp_server, deliver_mail):
    from digitalstadt.exchange.forum_services import post_edit

    asker, newbie, mod = member(), member(trusted=False, first_name="Nina", last_name="Neu"), moderator()
    thread = thread_create(author=asker, category=category(), title="Richtlinie für das Homeoffice",
                           body="Was gehört in eine Richtlinie?")
    reply = post_reply(author=newbie, thread=thread, body="Bei uns Geräte und Erreichbarkeit.")
    review_approve(actor=mod, post_id=reply.pk)
    deliver_mail()
    told_asker = len([m for m in smtp_server.messages if asker.email in m["to"]])
    assert told_asker == 1  # the asker watches their own thread
    edited = post_edit(actor=newbie, post=reply, body="Bei uns Geräte, Erreichbarkeit und Datenschutz.")
    assert edited.status == PostStatus.PENDING  # a new member's edit is checked again
    review_approve(actor=mod, post_id=reply.pk)
    deliver_mail()
    assert len([m for m in smtp_server.messages if asker.email in m["to"]]) == told_asker
    assert [p.pk for p in search_posts(query="Datenschutz")] == [reply.pk]
