"""Every page a visitor or citizen reaches by following links from the home page, on the
Darmstadt demo data, answers without an error and shows no developer artefact
(issue 10: debug pages, demo keys, developer labels). The 404 page is checked too."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=False)

HREF = re.compile(r'href="([^"]+)"')
# What a visitor must never read: Django's debug output and labels meant for developers.
ARTEFACTS = ["Traceback", "URLconf", "DEBUG = True", "Demo-Wert", "demo value", "LeiKa", "Simulator",
             "nur Entwicklung", "development only", "Reifegrad", "maturity level", "{{", "{%", "None</"]
# Links that change state on GET (none should) or leave the page tree.
SKIP = ("/static/", "/media/", "/konto/abmelden", "/accounts/logout", "/en/konto/abmelden")
LIMIT = 600


def _crawl(client) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(["/", "/en/"])
    problems = []
    while queue and len(seen) < LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.status_code in (301, 302, 303):
            location = response.headers["Location"]
            if location.startswith("/") and location not in seen:
                queue.append(location)
            continue
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        page = response.content.decode()
        problems += [f"{url}: shows {artefact!r}" for artefact in ARTEFACTS if artefact in page]
        for href in HREF.findall(page):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/") or href.startswith(SKIP):
                continue
            if href not in seen:
                queue.append(href)
    assert problems == [], "\n".join(problems)
    return seen


@pytest.fixture
def demo_city(db):
    call_command("seed_demo", verbosity=0)


def test_a_visitor_meets_no_error_and_no_developer_artefact(client, demo_city):
    seen = _crawl(client)
    assert len(seen) > 40  # the crawl really walked the site
    assert seen["/"] == 200 and seen["/leistungen/"] == 200


def test_a_signed_in_citizen_meets_no_error_and_no_developer_artefact(client, demo_city):
    from digitalstadt.accounts.selectors import user_by_email

    client.force_login(user_by_email(email="buerger@digitalstadt.example"))
    seen = _crawl(client)
    assert len(seen) > 40
    assert any(url.startswith("/postfach") for url in seen), sorted(seen)


def test_the_404_page_shows_no_artefact(client):
    page = client.get("/keine-solche-seite/").content.decode()
    assert [artefact for artefact in ARTEFACTS if artefact in page] == []
