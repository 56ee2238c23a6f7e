"""German search on SQLite (FTS5 with pre-stemmed words) and PostgreSQL ('german')."""

import pytest
from django.test import Client

from digitalstadt.exchange.forum_services import post_reply, thread_create
from digitalstadt.exchange.search import search_posts

from .forum_factories import category, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_compound_and_inflection_find_the_post_only_visible_ones():
    asker, newbie = member(), member(trusted=False, first_name="Nina")
    thread = thread_create(author=asker, category=category(), title="Richtlinie für das Homeoffice",
                           body="Wer hat eine Vorlage für Mitarbeitende?")
    other = thread_create(author=asker, category=category("allgemeines", "Allgemeines"),
                          title="Virtuelle Kaffeepausen", body="Funktionieren virtuelle Kaffeepausen bei euch?")
    pending = post_reply(author=newbie, thread=other, body="Unsere Richtlinien zum Homeoffice sind geheim.")
    hits = search_posts(query="Homeoffice-Richtlinien")
    assert [p.thread_id for p in hits] == [thread.pk]
    assert pending.pk not in [p.pk for p in search_posts(query="Richtlinien geheim")]
    assert [p.thread_id for p in search_posts(query="Kaffeepause")] == [other.pk]
    assert search_posts(query="Vorlagen Mitarbeitender")[0].thread_id == thread.pk
    assert search_posts(query="Fahrrad") == []
    assert search_posts(query='"* OR NEAR( ^') == []  # no query syntax gets through


def test_search_page():
    asker = member()
    thread_create(author=asker, category=category(), title="Richtlinie für das Homeoffice",
                  body="Wer hat eine Vorlage für Mitarbeitende?")
    page = Client().get("/austausch/suche/", {"q": "Homeoffice-Richtlinien"}).content.decode()
    assert "Richtlinie für das Homeoffice" in page and "1 Treffer" in page
