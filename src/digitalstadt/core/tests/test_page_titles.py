"""Page titles are plain text: no markup leaks into <title> (issue 10: a title held `</div>`)."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

SRC = Path(__file__).resolve().parents[2]
TITLE = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)


def _title_blocks():
    for path in SRC.rglob("templates/**/*.html"):
        for match in TITLE.finditer(path.read_text(encoding="utf-8")):
            yield path.relative_to(SRC), match.group(1)


def test_no_template_title_contains_markup():
    offending = [f"{path}: {body.strip()!r}" for path, body in _title_blocks() if "<" in body or ">" in body]
    assert list(_title_blocks()), "no title blocks found: the pattern no longer matches the templates"
    assert offending == []


@pytest.mark.django_db
def test_buergeramt_page_announces_nothing_as_coming_that_exists():
    response = Client().get(reverse("core:pillar", args=["buergeramt"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Als Nächstes" not in html
    assert "Schon vollständig online" in html
