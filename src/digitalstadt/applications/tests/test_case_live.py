"""The case page's live part: htmx asks every few seconds with the state it shows; an
unchanged case answers 204 (nothing swapped), a changed one sends the new status, the
documents and a polite announcement; a decided case stops asking. The status bar marks
done / current / open by a sign as well as by colour."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from digitalstadt.applications import services
from digitalstadt.applications.models import CaseStatus

from .conftest import make_citizen, tiny_pdf
from .test_engine import FAHRZEUGSCHEIN, fill, pay, permit_steps

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def live_url(html: str) -> str:
    match = re.search(r'<div id="case-status" hx-get="([^"]+)" hx-trigger="every 5s"', html)
    return match.group(1).replace("&amp;", "&") if match else ""


def test_the_case_page_polls_until_the_case_is_decided(client, citizen, seal):
    case = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=citizen)
    client.force_login(citizen)
    page = client.get(reverse("applications:case", args=[case.reference])).content.decode()
    url = live_url(page)
    assert url and parse_qs(urlsplit(url).query)["live"] == ["1"]
    assert 'id="case-announce" class="kern-sr-only" role="status"' in page
    # Not colour alone: the current step carries its own sign.
    assert re.search(r'aria-current="step"><span class="case-stages__mark" aria-hidden="true">●</span>', page)

    # Nothing happened: 204, htmx swaps nothing.
    assert client.get(url, **HTMX).status_code == 204

    pay(case)
    fresh = client.get(url, **HTMX)
    assert fresh.status_code == 200
    html = fresh.content.decode()
    assert "<html" not in html  # a fragment, no full page
    assert 'id="case-documents" hx-swap-oob="true"' in html
    assert re.search(r'<p id="case-announce" hx-swap-oob="innerHTML">Neuer Stand Ihres Antrags: (eingegangen|in Bearbeitung)', html)
    assert "Jetzt bezahlen" not in html
    newer = live_url(html)
    assert newer and newer != url
    assert client.get(newer, **HTMX).status_code == 204

    # Someone else's case: no fragment, no leak.
    client.force_login(make_citizen("other@example.org"))
    assert client.get(url, **HTMX).status_code == 404


def test_a_closed_case_does_not_poll(client, citizen):
    case = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=citizen)
    services.case_withdraw(case=case, user=citizen)
    client.force_login(citizen)
    page = client.get(reverse("applications:case", args=[case.reference])).content.decode()
    assert 'id="case-status">' in page and not live_url(page)


def test_a_new_request_for_evidence_reloads_the_page_once(client, citizen, case_worker, seal):
    case = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=citizen)
    pay(case)
    client.force_login(citizen)
    url = live_url(client.get(reverse("applications:case", args=[case.reference])).content.decode())
    assert "r0" in url
    case.refresh_from_db()
    services.case_change_status(case=case, status=CaseStatus.IN_REVIEW, actor=case_worker)
    case.refresh_from_db()
    services.case_request_evidence(case=case, text="Bitte den Fahrzeugschein gut lesbar.", due_date=None,
                                   actor=case_worker)
    answer = client.get(url, **HTMX)
    assert answer.status_code == 200 and answer["HX-Refresh"] == "true"
    page = client.get(reverse("applications:case", args=[case.reference])).content.decode()
    assert "Das Amt benötigt noch etwas von Ihnen" in page
    assert client.get(live_url(page), **HTMX).status_code == 204  # known now: no more reloads
