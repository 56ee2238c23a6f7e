"""The forum in the browser, from the home page by clicking:

- a member (trust level 1) asks a question, another member answers, the asker accepts
  the answer (the thread is marked solved) and mutes the thread;
- a new member (level 0) answers and sees that the post waits for review; a moderator
  (a partner's ForumModerator) approves it in the review queue; then everybody sees it;
- at 360 px the category list and the thread page fit and pass axe.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from digitalstadt.exchange.models import ForumPost
from digitalstadt.exchange.notifications import level_for
from digitalstadt.exchange.tests.forum_factories import category, member, moderator, tag
from digitalstadt.exchange.types import PostStatus

pytestmark = [pytest.mark.django_db(transaction=True)]

TITLE = "Richtlinie für das Homeoffice: was muss hinein?"


def main(page):
    return page.locator("main")


def _to_forum(journey, page):
    journey.visit("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Wirtschaft & Home Working").click()
    main(page).get_by_role("link", name="Zum Forum für Unternehmen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Austausch: Forum für Unternehmen")


def _as(journey, user):
    journey.context.clear_cookies()
    journey.login_as(user)


def _open_thread(journey, page):
    _to_forum(journey, page)
    main(page).get_by_role("link", name="IT und Sicherheit im Homeoffice").click()
    main(page).get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


@pytest.fixture
def forum():
    category("allgemeines", "Allgemeines")
    category()
    tag()
    return {"asker": member(first_name="Anna", last_name="Meier"),
            "answerer": member(first_name="Bernd", last_name="Berg"),
            "newbie": member(trusted=False, first_name="Nina", last_name="Neu"),
            "moderator": moderator()}


def test_question_answer_accept_mute_and_review(journey, forum):
    page = journey.page
    # The asker: a question from the home page.
    _as(journey, forum["asker"])
    _to_forum(journey, page)
    main(page).get_by_role("link", name="Frage stellen").click()
    journey.check_page()
    main(page).get_by_label("Titel Ihrer Frage").fill(TITLE)
    main(page).get_by_label("Kategorie").select_option(label="IT und Sicherheit im Homeoffice")
    main(page).get_by_label("Richtlinie").check()
    main(page).get_by_label("Ihre Frage").fill("Wir sind zwölf Leute. Was gehört in eine Homeoffice-Richtlinie?")
    main(page).get_by_role("button", name="Frage veröffentlichen").click()
    expect(page.get_by_text("Ihre Frage ist veröffentlicht.")).to_be_visible()
    expect(main(page).get_by_text("offen", exact=True)).to_be_visible()
    journey.check_page()

    # Another member answers.
    _as(journey, forum["answerer"])
    _open_thread(journey, page)
    main(page).get_by_label("Ihre Antwort").fill("Geräte, Bildschirmsperre, Erreichbarkeit und wen man bei einem "
                                                 "Vorfall anruft. @anna-m, die BSI-Empfehlungen helfen.")
    main(page).get_by_role("button", name="Antwort senden").click()
    expect(page.get_by_text("Ihre Antwort ist veröffentlicht.")).to_be_visible()
    journey.check_page()

    # The asker accepts the answer and mutes the thread.
    _as(journey, forum["asker"])
    _open_thread(journey, page)
    main(page).get_by_role("button", name=re.compile("Als Lösung akzeptieren")).click()
    expect(page.get_by_text("Die Antwort ist als Lösung markiert.")).to_be_visible()
    expect(main(page).get_by_text("Akzeptierte Antwort")).to_be_visible()
    expect(main(page).get_by_text("gelöst", exact=True)).to_be_visible()
    main(page).get_by_label("Benachrichtigung für dieses Thema").select_option(label="Stummgeschaltet")
    main(page).get_by_role("button", name="Benachrichtigung speichern").click()
    expect(page.get_by_text("Benachrichtigung für dieses Thema: Stummgeschaltet")).to_be_visible()
    journey.check_page()
    journey.screenshot("exchange-forum-thread-1280")
    thread = ForumPost.objects.get(body__startswith="Wir sind zwölf").thread
    assert level_for(user=forum["asker"], thread=thread) == "muted"

    # A new member's answer waits for review.
    _as(journey, forum["newbie"])
    _open_thread(journey, page)
    main(page).get_by_label("Ihre Antwort").fill("Bei uns steht auch drin, wie Papier entsorgt wird.")
    main(page).get_by_role("button", name="Antwort senden").click()
    expect(page.get_by_text("wartet auf Prüfung").first).to_be_visible()
    expect(main(page).get_by_text("Bei uns steht auch drin")).to_be_visible()
    journey.check_page()

    # Others do not see it yet.
    journey.context.clear_cookies()
    _open_thread(journey, page)
    expect(main(page).get_by_text("Bei uns steht auch drin")).to_have_count(0)

    # The moderator approves it in the review queue.
    _as(journey, forum["moderator"])
    _to_forum(journey, page)
    main(page).get_by_role("link", name=re.compile("Beiträge prüfen")).click()
    expect(main(page).get_by_text("Bei uns steht auch drin")).to_be_visible()
    journey.check_page()
    journey.screenshot("exchange-forum-review-1280")
    main(page).get_by_role("button", name=re.compile("Freigeben")).click()
    expect(page.get_by_text("Der Beitrag ist freigegeben.")).to_be_visible()
    expect(main(page).get_by_text("Nichts zu prüfen.")).to_be_visible()
    journey.check_page()
    assert ForumPost.objects.get(body__startswith="Bei uns steht").status == PostStatus.VISIBLE

    # Now everybody sees it.
    journey.context.clear_cookies()
    _open_thread(journey, page)
    expect(main(page).get_by_text("Bei uns steht auch drin")).to_be_visible()


def test_phone_category_list_and_thread(phone_journey, forum):
    from digitalstadt.exchange.forum_services import post_reply, thread_accept_answer, thread_create

    thread = thread_create(author=forum["asker"], category=category(), title=TITLE, tags=[tag()],
                           body="Wir sind zwölf Leute. Was gehört in eine Homeoffice-Richtlinie?")
    answer = post_reply(author=forum["answerer"], thread=thread,
                        body="Geräte, Bildschirmsperre, Erreichbarkeit. Siehe https://www.bsi.bund.de/homeoffice")
    thread_accept_answer(actor=forum["asker"], thread=thread, post=answer)
    page = phone_journey.page
    phone_journey.visit("/austausch/")
    phone_journey.screenshot("exchange-forum-categories-360")
    main(page).get_by_role("link", name="IT und Sicherheit im Homeoffice").click()
    phone_journey.check_page()
    main(page).get_by_role("link", name=TITLE).click()
    expect(main(page).get_by_text("Akzeptierte Antwort")).to_be_visible()
    phone_journey.check_page()
    phone_journey.screenshot("exchange-forum-thread-360")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
