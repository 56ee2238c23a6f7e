"""The query count of each hot citizen page, on the Darmstadt demo data (issue 10:
fast pages; bench/page_speed.py prints their throughput). A page that starts asking the
database per service, per location or per fee fails here before it is slow in
production."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

# path -> the most queries it may take for an anonymous visitor (sessions and the
# cache are not touched by an anonymous GET).
HOT_PAGES = {
    "/": 0,
    "/themen/buergeramt/": 0,
    "/leistungen/": 3,
    "/leistungen/?q=Umzug": 5,
    "/leistungen/meldebescheinigung/": 4,
    "/termine/": 3,
}


def test_each_hot_page_takes_a_fixed_number_of_queries(client):
    call_command("seed_demo", verbosity=0)
    counts = {}
    from digitalstadt.core import fragments

    warm_counts = {}
    for path in HOT_PAGES:
        client.get(path)  # warm: translations, templates, cached settings
        fragments.clear()  # measure the page as a worker renders it first (no cached parts)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            again = client.get(path)  # the cached parts (core.fragments) skip their queries
        assert _stable(again.content) == _stable(response.content), path
        warm_counts[path] = len(queries)
    assert {p: n for p, n in counts.items() if n > HOT_PAGES[p]} == {}, counts
    assert {p: n for p, n in warm_counts.items() if n > counts[p]} == {}, warm_counts
    assert sum(warm_counts.values()) < sum(counts.values()), (counts, warm_counts)


def _stable(html: bytes) -> bytes:
    """A page without what differs on every request (CSP nonce, CSRF token)."""
    import re

    html = re.sub(rb'nonce="[^"]*"', b"", html)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", html)
