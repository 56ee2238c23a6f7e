"""Notice and action in the forum, in the browser (EU Digital Services Act):

- a member flags a reply for harassment from the notice form (the journey starts at the
  notice form of the post, because the forum's thread page is another part: after the
  merge it starts from the thread page's "Beitrag melden" link);
- a moderator of the business development office logs in with password and TOTP, opens
  the moderation from the staff home, and removes the reply with a statement of reasons;
- the author finds the statement in the Postfach, follows its link and appeals;
- a second moderator (a partner's person) decides the appeal: the decision is confirmed;
- at 360 px the notice form and the moderation queue: screenshot and axe.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from digitalstadt.accounts.tests.factories import PASSWORD, STAFF_TOTP_SECRET
from digitalstadt.exchange.models import ForumNotice, ModerationAppeal, ModerationDecision
from digitalstadt.exchange.tests.moderation_factories import (
    member,
    office_moderator,
    partner_moderator,
    thread_with_reply,
)
from digitalstadt.exchange.types import PostStatus
from digitalstadt.testing.clock import fresh_totp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits and allauth's used-TOTP-code memory live in the database cache table,
    # which survives transactional tests.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def main(page):
    return page.locator("main")


def _log_in_with_totp(journey, email: str) -> None:
    page = journey.page
    journey.visit("/konto/login/?next=/verwaltung/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).get_by_role("button").first.click()
    page.wait_for_url(re.compile(r".*/konto/2fa/authenticate/.*"))
    journey.check_page()
    page.fill("input[name=code]", fresh_totp(STAFF_TOTP_SECRET))
    page.locator("form").filter(has=page.locator("input[name=code]")).get_by_role("button").first.click()
    page.wait_for_url(journey.url("/verwaltung/"))
    journey.check_page()


def test_flag_removal_with_statement_of_reasons_and_appeal(journey, live_server, settings):
    settings.SITE_URL = live_server.url  # links in Postfach messages
    _thread, _first, reply = thread_with_reply()
    berta = member(email="berta@example.org", first_name="Berta", last_name="Bauer")
    office_moderator(email="wiebke@darmstadt.example")
    paula = partner_moderator(email="paula@house-of-it.example")
    page = journey.page

    # 1. A member flags the reply for harassment.
    journey.login_as(berta)
    journey.visit("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Wirtschaft & Home Working").click()
    main(page).get_by_role("link", name="Zum Forum für Unternehmen").click()
    main(page).get_by_role("link", name="Führung auf Distanz").click()
    main(page).get_by_role("link", name="Wie führen wir Teams im Homeoffice?").click()
    main(page).get_by_role("link", name=f"Beitrag melden (Beitrag Nr. {reply.pk})").click()
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Beitrag melden")
    expect(main(page)).to_contain_text("Dummkopf")
    main(page).get_by_role("button", name="Meldung absenden").click()
    expect(main(page).get_by_role("alert")).to_contain_text("Warum melden Sie diesen Beitrag?")
    journey.check_page(snapshot=True)
    main(page).get_by_label("Belästigung oder Beleidigung").check()
    main(page).get_by_label("Begründung").fill("Die Fragestellerin wird als Dummkopf beschimpft.")
    main(page).get_by_role("button", name="Meldung absenden").click()
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Meldung eingegangen")
    journey.check_page()
    journey.screenshot("exchange-flag-received-1280")
    notice = ForumNotice.objects.get()
    expect(main(page)).to_contain_text(str(notice.uuid))

    # 2. The business development office's moderator removes it with a statement of reasons.
    journey.context.clear_cookies()
    _log_in_with_totp(journey, "wiebke@darmstadt.example")
    main(page).get_by_role("link", name="Moderation des Austauschs").click()
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Moderation: gemeldete Beiträge")
    journey.check_page()
    journey.screenshot("exchange-moderation-queue-1280")
    main(page).get_by_role("link", name=re.compile(f"Beitrag Nr. {reply.pk}")).click()
    expect(main(page)).to_contain_text("Berta Bauer (berta@example.org)")
    journey.check_page()
    main(page).get_by_label("Beitrag entfernt").check()
    main(page).get_by_label("Tatsachen und Umstände").fill(
        "Die Antwort nennt die Fragestellerin einen Dummkopf und trägt nichts zur Frage bei.")
    main(page).get_by_label("Regel der Forumsbedingungen").select_option("respect")
    journey.screenshot("exchange-moderation-decide-1280")
    main(page).get_by_role("button", name="Entscheiden").click()
    expect(page.get_by_text("Entschieden: Beitrag entfernt. Die Beteiligten sind informiert.")).to_be_visible()
    journey.check_page()
    expect(main(page)).to_contain_text("Keine offenen Meldungen.")
    reply.refresh_from_db()
    assert reply.status == PostStatus.REMOVED

    # 3. The author reads the statement in the Postfach and appeals.
    journey.context.clear_cookies()
    journey.login_as(reply.author)
    journey.visit("/")
    page.get_by_role("link", name=re.compile("^Postfach")).first.click()
    journey.check_page()
    main(page).get_by_role("link", name="Ihr Beitrag im Austausch wurde entfernt: Begründung").click()
    journey.check_page()
    expect(main(page)).to_contain_text("Automatisierte Mittel: Nein")
    expect(main(page)).to_contain_text("Regel 1: Respektvoller Umgang")
    main(page).get_by_role("link", name=re.compile("austausch.melden.entscheidung")).click()
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Moderationsentscheidung")
    journey.check_page()
    expect(main(page)).to_contain_text("bis zum 01.06.2027 Einspruch einlegen")
    main(page).get_by_label("Warum halten Sie die Entscheidung für falsch?").fill(
        "Das war ironisch gemeint; wir kennen uns aus dem Coaching.")
    main(page).get_by_role("button", name="Einspruch einlegen").click()
    expect(page.get_by_text("Ihr Einspruch ist eingegangen.")).to_be_visible()
    journey.check_page()
    journey.screenshot("exchange-appeal-1280")

    # 4. Another moderator decides the appeal (the one who decided may not).
    journey.context.clear_cookies()
    journey.login_as(paula)
    journey.visit("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Wirtschaft & Home Working").click()
    main(page).get_by_role("link", name="Zum Forum für Unternehmen").click()
    main(page).get_by_role("link", name="Meldungen bearbeiten").click()
    main(page).get_by_role("link", name=re.compile("Einspruch vom")).click()
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Einspruch entscheiden")
    journey.check_page()
    main(page).get_by_label("Entscheidung bestätigt").check()
    main(page).get_by_label("Begründung", exact=True).fill(
        "Auch als Scherz verletzt das Wort Dummkopf Regel 1 der Forumsbedingungen.")
    main(page).get_by_role("button", name="Über den Einspruch entscheiden").click()
    expect(page.get_by_text("Über den Einspruch ist entschieden.")).to_be_visible()
    journey.check_page()
    appeal = ModerationAppeal.objects.get()
    assert appeal.outcome == "confirmed" and appeal.decided_by == paula
    assert appeal.decision.decided_by != paula and ModerationDecision.objects.count() == 1
    main(page).get_by_role("link", name="Moderationsprotokoll").click()
    journey.check_page()
    expect(main(page).locator("table tbody tr")).to_have_count(2)


def test_notice_form_and_queue_on_a_phone(phone_journey):
    journey = phone_journey
    page = journey.page
    _thread, _first, reply = thread_with_reply()
    journey.login_as(member())
    journey.visit(f"/austausch/melden/beitrag/{reply.pk}/")
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Beitrag melden")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    journey.screenshot("exchange-flag-form-360")
    main(page).get_by_label("Spam oder Werbung").check()
    main(page).get_by_role("button", name="Meldung absenden").click()
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Meldung eingegangen")
    journey.context.clear_cookies()
    journey.login_as(partner_moderator())
    journey.visit("/austausch/moderation/")
    expect(main(page)).to_contain_text("Spam oder Werbung (1)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    journey.screenshot("exchange-moderation-queue-360")
