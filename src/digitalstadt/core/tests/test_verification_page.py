"""The public verification page: status without personal data, and an upload check
that tells the original, a copy with one flipped byte and a copy with an appended
revision apart. Rate-limited and size-limited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digitalstadt.core import signing
from digitalstadt.core.services import signed_document_revoke

from .signing_helpers import (
    PERSONAL, append_revision, ensure_seal_and_reset_caches, flip_one_byte, issue_decision, sample_letter,
    stored_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dev_seal():
    ensure_seal_and_reset_caches()
    yield
    signing.load_signer.cache_clear()
    signing.trust_roots.cache_clear()


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("erika@example.org", "Sicher-genug-2026")


@pytest.fixture
def document(owner):
    return issue_decision(owner=owner)


def url(document, language: str = "de") -> str:
    prefix = "" if language == "de" else f"/{language}"
    return f"{prefix}/pruefen/{document.verification_id}/"


def upload(client, document, content: bytes, *, path: str | None = None):
    return client.post(path or url(document), {"file": SimpleUploadedFile("bescheid.pdf", content, "application/pdf")})


def test_the_public_page_shows_the_status_but_no_personal_data(client, document):
    assert reverse("core:verify", kwargs={"verification_id": document.verification_id}) == url(document)

    response = client.get(url(document))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dieses Dokument wurde ausgestellt und ist gültig." in html
    assert "Bescheid" in html and "Bürger- und Ordnungsamt" in html
    assert "-".join(document.verification_id[i:i + 4] for i in range(0, 24, 4)) in html
    for personal in PERSONAL + [document.title, document.filename, "erika@example.org"]:
        assert personal not in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_the_page_tells_original_flipped_byte_and_appended_revision_apart(client, document):
    original = stored_bytes(document)

    ok = upload(client, document, original)
    flipped = upload(client, document, flip_one_byte(original))
    appended = upload(client, document, append_revision(original, kind="metadata"))

    assert ok.status_code == flipped.status_code == appended.status_code == 200
    assert ok.context["result"].outcome == "original" and ok.context["result"].hash_matches
    assert "Echt: Die Datei ist das unveränderte Original." in ok.content.decode()
    assert flipped.context["result"].outcome == "seal_broken" and not flipped.context["result"].hash_matches
    assert "Das Siegel ist ungültig, die Datei wurde verändert." in flipped.content.decode()
    assert appended.context["result"].outcome == "modified_after_sealing"
    assert appended.context["result"].validation.intact
    assert "Die Datei wurde nach dem Siegeln ergänzt." in appended.content.decode()


def test_another_genuine_document_and_unsealed_files_are_not_taken_for_this_one(client, owner, document):
    other = issue_decision(owner=owner, letter=sample_letter(reference="DA-2026-000999"))

    response = upload(client, document, stored_bytes(other))
    assert response.context["result"].outcome == "other_document"
    response = upload(client, document, b"%PDF-1.7 just text")
    assert response.context["result"].outcome == "not_a_pdf"


def test_a_revoked_document_says_so(client, document):
    signed_document_revoke(document=document, actor=None, reason="Irrtum")

    response = upload(client, document, stored_bytes(document))

    html = response.content.decode()
    assert "Dieses Dokument wurde widerrufen und ist nicht mehr gültig." in html
    assert response.context["result"].outcome == "original_revoked"


def test_unknown_ids_get_404_and_typed_ids_are_normalised(client, document):
    assert client.get("/pruefen/AAAABBBBCCCCDDDDEEEEFFFF/").status_code == 404
    assert client.get("/pruefen/" + "A" * 200 + "/").status_code == 404
    dashed = "-".join(document.verification_id[i:i + 4] for i in range(0, 24, 4)).lower()

    response = client.get(f"/pruefen/{dashed}/")

    assert response.status_code == 302 and response["Location"] == url(document)


def test_in_english(client, document):
    response = client.get(url(document, "en"))

    assert response.status_code == 200
    assert "This document was issued and is valid." in response.content.decode()
    response = upload(client, document, stored_bytes(document), path=url(document, "en"))
    assert "Authentic: the file is the unaltered original." in response.content.decode()


def test_uploads_are_size_limited(client, document, settings):
    settings.VERIFICATION_UPLOAD_MAX_BYTES = 1000

    response = upload(client, document, stored_bytes(document))

    assert response.status_code == 400
    assert "Die Datei ist zu groß" in response.content.decode()
    assert response.context["result"] is None


def test_uploads_are_rate_limited(client, document, settings):
    from django.core.cache import cache

    cache.clear()
    settings.VERIFICATION_RATE_LIMIT = (2, 600)
    original = stored_bytes(document)

    statuses = [upload(client, document, original).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    cache.clear()


def test_the_pdf_carries_a_qr_code_with_the_german_verification_url(document):
    from django.template.loader import render_to_string

    from digitalstadt.core.qr import qr_svg
    from digitalstadt.core.services import verification_url

    address = verification_url(document.verification_id)
    html = render_to_string("core/pdf/decision.html", {
        "letter": sample_letter(), "verification_id": document.verification_id,
        "verification_id_display": "x", "verification_url": address, "verification_host": "testserver",
    })

    assert address == f"http://testserver/pruefen/{document.verification_id}/"
    assert str(qr_svg(address, title="QR-Code zur Echtheitsprüfung")) in html
    assert address in html


def test_an_oversized_request_is_refused_before_its_body_is_read(client, document, settings):
    settings.VERIFICATION_UPLOAD_MAX_BYTES = 1000

    response = upload(client, document, b"%PDF-1.7\n" + b"0" * 200_000)

    assert response.status_code == 413
    assert "Die Datei ist zu groß" in response.content.decode()


def test_uploads_need_the_csrf_token(document):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = upload(client, document, b"%PDF-1.7\n")

    assert response.status_code == 403
