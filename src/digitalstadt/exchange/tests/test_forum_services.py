"""Asking, replying, editing, accepting, mentions, escaping and who may write."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from digitalstadt.accounts.models import OrganisationKind
from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.exchange.forum_selectors import thread_posts_for_reader
from digitalstadt.exchange.forum_services import (
    ForumError,
    post_edit,
    post_reply,
    thread_accept_answer,
    thread_create,
)
from digitalstadt.exchange.models import ForumThread
from digitalstadt.exchange.types import PostStatus

from .forum_factories import category, member, moderator, tag

pytestmark = pytest.mark.django_db

QUESTION = "Wie regelt ihr die Arbeitszeit im Homeoffice?"


def test_trusted_member_asks_visible_question_with_tags_and_watches_it():
    asker = member()
    thread = thread_create(author=asker, category=category(), title="Arbeitszeit im Homeoffice", body=QUESTION,
                           tags=[tag()])
    assert thread.status == PostStatus.VISIBLE
    assert list(thread.tags.values_list("slug", flat=True)) == ["richtlinie"]
    from digitalstadt.exchange.notifications import level_for

    assert level_for(user=asker, thread=thread) == "watching"


def test_who_may_write():
    citizen = CitizenFactory()  # no organisation
    with pytest.raises(ForumError):
        thread_create(author=citizen, category=category(), title="Eine Frage dazu", body=QUESTION)
    shop_owner = member(kind=OrganisationKind.SHOP)
    with pytest.raises(ForumError):
        thread_create(author=shop_owner, category=category(), title="Eine Frage dazu", body=QUESTION)
    partner = member(kind=OrganisationKind.PARTNER, first_name="Paul")
    assert thread_create(author=partner, category=category(), title="Eine Frage dazu", body=QUESTION)


def test_new_member_post_is_pending_and_seen_only_by_author_and_moderators():
    newbie = member(trusted=False, first_name="Nina")
    thread = thread_create(author=newbie, category=category(), title="Erste Frage hier", body=QUESTION)
    assert thread.status == PostStatus.PENDING
    other = member(first_name="Otto")
    client = Client()
    url = reverse("exchange:thread", kwargs={"thread": thread.pk})
    assert client.get(url).status_code == 404
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(newbie)
    page = client.get(url).content.decode()
    assert "wartet auf Prüfung" in page and QUESTION in page
    client.force_login(moderator())
    assert client.get(url).status_code == 200
    cat_page = Client().get(reverse("exchange:category", kwargs={"category": thread.category.slug})).content.decode()
    assert "Erste Frage hier" not in cat_page


def test_level_0_may_not_post_links():
    newbie = member(trusted=False, first_name="Nina")
    with pytest.raises(ForumError, match="Links"):
        thread_create(author=newbie, category=category(), title="Frage mit Link", body="Siehe https://example.org/x")
    with pytest.raises(ForumError, match="Links"):
        thread_create(author=newbie, category=category(), title="Frage mit Link", body="Siehe www.example.org bitte")


def test_script_is_shown_as_text_and_links_are_safe():
    asker = member()
    body = ('<script>alert("x")</script> und <b>fett</b>\nSiehe https://bsi.bund.de/homeoffice. '
            'und javascript:alert(1) sowie https://x.example/"onmouseover="alert(1)')
    thread = thread_create(author=asker, category=category(), title="<img src=x onerror=alert(1)>", body=body)
    page = Client().get(reverse("exchange:thread", kwargs={"thread": thread.pk})).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<b>fett</b>" not in page and "<img src=x" not in page
    assert 'href="https://bsi.bund.de/homeoffice"' in page  # the full stop is not part of the link
    assert 'href="javascript' not in page and 'onmouseover="alert' not in page


def test_reply_edit_shows_edited_time_and_only_author_edits(clock):
    asker, answerer = member(), member(first_name="Bernd")
    thread = thread_create(author=asker, category=category(), title="Arbeitszeit im Homeoffice", body=QUESTION)
    reply = post_reply(author=answerer, thread=thread, body="Wir nutzen Vertrauensarbeitszeit.")
    with pytest.raises(ForumError):
        post_edit(actor=asker, post=reply, body="Fremder Text hier")
    clock.shift(dt.timedelta(minutes=30))
    post_edit(actor=answerer, post=reply, body="Wir nutzen Vertrauensarbeitszeit mit Kernzeit.")
    reply.refresh_from_db()
    assert reply.edited_at is not None and "Kernzeit" in reply.body
    page = Client().get(reverse("exchange:thread", kwargs={"thread": thread.pk})).content.decode()
    assert "bearbeitet am" in page


def test_asker_accepts_an_answer_shown_first_and_can_change_it():
    asker, a1, a2 = member(), member(first_name="Bernd"), member(first_name="Carla")
    thread = thread_create(author=asker, category=category(), title="Arbeitszeit im Homeoffice", body=QUESTION)
    first = post_reply(author=a1, thread=thread, body="Erste Antwort dazu.")
    second = post_reply(author=a2, thread=thread, body="Zweite Antwort dazu.")
    with pytest.raises(ForumError):
        thread_accept_answer(actor=a1, thread=thread, post=first)
    with pytest.raises(ForumError):
        thread_accept_answer(actor=asker, thread=thread, post=thread.posts.get(is_first=True))
    thread_accept_answer(actor=asker, thread=thread, post=second)
    thread.refresh_from_db()
    assert thread.accepted_post == second
    assert [p.pk for p in thread_posts_for_reader(thread=thread, user=asker)][1] == second.pk
    thread_accept_answer(actor=asker, thread=thread, post=first)
    thread.refresh_from_db()
    assert thread.accepted_post == first
    thread_accept_answer(actor=moderator(), thread=thread, post=None)
    thread.refresh_from_db()
    assert thread.accepted_post is None


def test_handles_are_stable_and_hide_the_email():
    from digitalstadt.exchange.forum_profiles import profile_for

    one = member(first_name="Anna", last_name="Meier", email="anna.meier@firma.example")
    two = member(first_name="Anna", last_name="Müller")
    assert profile_for(one).handle == "anna-m" and profile_for(two).handle == "anna-m2"
    assert profile_for(one).display_name == "Anna M."
    thread = thread_create(author=one, category=category(), title="Arbeitszeit im Homeoffice", body=QUESTION)
    page = Client().get(reverse("exchange:thread", kwargs={"thread": thread.pk})).content.decode()
    assert "anna.meier@firma.example" not in page and "@anna-m" in page


def test_forum_pages_answer_and_bad_input_is_not_a_500():
    asker = member()
    thread = thread_create(author=asker, category=category(), title="Arbeitszeit im Homeoffice", body=QUESTION)
    client = Client()
    assert client.get(reverse("exchange:index")).status_code == 200
    assert client.get(reverse("exchange:category", kwargs={"category": "it-sicherheit-homeoffice"}),
                      {"seite": "x"}).status_code == 200
    assert client.get("/austausch/thema/99999999999999999999999/").status_code == 404
    client.force_login(asker)
    response = client.post(reverse("exchange:accept", kwargs={"thread": thread.pk}), {"antwort": "abc"})
    assert response.status_code == 302
    response = client.post(reverse("exchange:thread-new"), {"title": "x", "category": "nicht-da", "body": ""})
    assert response.status_code == 400
    assert ForumThread.objects.count() == 2  # the fixture's and this one
