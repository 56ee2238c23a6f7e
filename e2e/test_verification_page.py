"""Someone holding a sealed decision scans its QR code, lands on the public verification
page and uploads the file: the original is confirmed, a copy with one flipped byte and a
copy with an appended revision are refused with different explanations. The page and
each result are axe-core clean and work under the strict CSP."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from digitalstadt.accounts.models import User
from digitalstadt.core.tests.signing_helpers import (
    append_revision, ensure_seal_and_reset_caches, flip_one_byte, issue_decision, stored_bytes,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def check_file(journey, path) -> str:
    page = journey.page
    page.get_by_label("Datei (PDF)").set_input_files(str(path))
    page.get_by_role("button", name="Datei prüfen").click()
    page.wait_for_load_state("load")
    journey.check_page(snapshot=True)  # a POST result: check the DOM as shown
    return page.locator("#ergebnis").inner_text()


def test_verification_page_tells_the_three_files_apart(journey, tmp_path):
    cache.clear()
    ensure_seal_and_reset_caches()
    owner = User.objects.create_user("erika@example.org", "Sicher-genug-2026")
    document = issue_decision(owner=owner)
    original = stored_bytes(document)
    files = {
        "original": original, "flipped": flip_one_byte(original),
        "appended": append_revision(original, kind="annotation"),
    }
    for name, content in files.items():
        (tmp_path / f"{name}.pdf").write_bytes(content)

    journey.visit(f"/pruefen/{document.verification_id}/")
    page = journey.page
    assert page.get_by_role("heading", level=1).inner_text() == "Echtheit eines Dokuments prüfen"
    assert "Dieses Dokument wurde ausgestellt und ist gültig." in page.locator("main").inner_text()
    assert "Erika Mustermann" not in page.content()

    assert "Echt: Die Datei ist das unveränderte Original." in check_file(journey, tmp_path / "original.pdf")
    journey.screenshot("verify-original-1280")
    assert "Das Siegel ist ungültig" in check_file(journey, tmp_path / "flipped.pdf")
    assert "nach dem Siegeln ergänzt" in check_file(journey, tmp_path / "appended.pdf")
    journey.screenshot("verify-appended-1280")
