"""The toolkits' downloads: a real PDF, a valid ODT (mimetype first and stored, real
lists, editable placeholders), filenames with the version, counted without personal data."""

from __future__ import annotations

import io
import zipfile

import pikepdf
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from lxml import etree

from digitalstadt.accounts.models import StaffRoleKind
from digitalstadt.accounts.tests.factories import StaffFactory
from digitalstadt.exchange.documents import NS, ODT_MIMETYPE
from digitalstadt.exchange.knowledge_services import toolkit_publish_version
from digitalstadt.exchange.models import Toolkit, ToolkitDownloadDay
from digitalstadt.testing.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shipped_toolkits():
    """The data migration's toolkits; a transactional test that ran earlier in this
    process flushed them (PostgreSQL runs show it), so they are loaded again (a no-op
    when they are there)."""
    from digitalstadt.exchange.toolkit_data import load_initial_toolkits

    load_initial_toolkits()


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _structure_types(pdf: pikepdf.Pdf) -> list[str]:
    types, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                types.append(str(node.S))
            if "/K" in node:
                stack.append(node.K)
    return types


def download(slug, number, fmt):
    return Client().get(reverse("knowledge:download", args=[slug, number, fmt]))


def read_odt(content: bytes) -> tuple[zipfile.ZipFile, etree._Element]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == ODT_MIMETYPE.encode()
    # The type sits at the fixed offset tools sniff (30-byte header + 8-byte name).
    assert content[38:38 + len(ODT_MIMETYPE)] == ODT_MIMETYPE.encode()
    assert {"content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"} <= set(archive.namelist())
    for name in ("styles.xml", "meta.xml", "META-INF/manifest.xml"):
        etree.fromstring(archive.read(name))  # well-formed
    return archive, etree.fromstring(archive.read("content.xml"))


def test_odt_is_a_valid_opendocument_text_with_lists_and_placeholders():
    response = download("homeoffice-richtlinie", 1, "odt")
    assert response.status_code == 200
    assert response["Content-Type"] == ODT_MIMETYPE
    assert response["Content-Disposition"] == 'attachment; filename="homeoffice-richtlinie-v1.odt"'
    archive, content = read_odt(response.content)
    manifest = etree.fromstring(archive.read("META-INF/manifest.xml"))
    root_entry = manifest.find(f"{{{NS['manifest']}}}file-entry")
    assert root_entry.get(f"{{{NS['manifest']}}}media-type") == ODT_MIMETYPE
    assert content.get(f"{{{NS['office']}}}version") == "1.3"
    headings = [h.xpath("string()") for h in content.iter(f"{{{NS['text']}}}h")]
    assert "Arbeitszeit und Erreichbarkeit" in headings and "Quelle" in headings
    lists = list(content.iter(f"{{{NS['text']}}}list"))
    assert lists and all(li.find(f"{{{NS['text']}}}list-item") is not None for li in lists)
    fields = [p.get(f"{{{NS['text']}}}description") for p in content.iter(f"{{{NS['text']}}}placeholder")]
    assert "Name des Unternehmens" in fields and "Datum des Inkrafttretens" in fields
    meta = etree.fromstring(archive.read("meta.xml"))
    assert meta.find(f".//{{{NS['dc']}}}title").text == "Vorlage: Homeoffice-Richtlinie"


def test_checklists_become_lists_with_the_checkbox_style():
    _archive, content = read_odt(download("remote-onboarding-checkliste", 1, "odt").content)
    checklists = [li for li in content.iter(f"{{{NS['text']}}}list")
                  if li.get(f"{{{NS['text']}}}style-name") == "Checklist"]
    assert len(checklists) == 4
    items = [i.xpath("string()") for i in checklists[0].iter(f"{{{NS['text']}}}list-item")]
    assert items[0].startswith("Arbeitsvertrag und Unterlagen")


def test_pdf_says_what_the_page_says_and_names_the_bsi():
    response = download("it-sicherheit-homeoffice", 1, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="it-sicherheit-homeoffice-v1.pdf"'
    text = pdf_text(response.content)
    assert "IT-Sicherheit im Homeoffice: die Grundlagen" in text
    assert "Version 1" in text and "Festplatten der Notebooks verschlüsseln" in text
    assert "OPS.1.2.4" in text and "Bundesamts für Sicherheit in der Informationstechnik" in text
    with pikepdf.open(io.BytesIO(response.content)) as pdf:  # tagged: structure, language, title
        assert pdf.Root.MarkInfo.Marked is True and str(pdf.Root.Lang) == "de-DE"
        with pdf.open_metadata() as meta:
            assert "IT-Sicherheit im Homeoffice" in meta["dc:title"]
        types = _structure_types(pdf)
        assert "/H1" in types and "/H2" in types and "/L" in types and "/LI" in types, types


def test_old_versions_stay_downloadable_and_downloads_are_counted_per_version():
    editor = StaffFactory(role=StaffRoleKind.BUSINESS_DEVELOPMENT)
    policy = Toolkit.objects.get(slug="homeoffice-richtlinie")
    toolkit_publish_version(actor=editor, toolkit=policy, body="## Neu\n\nKurz: {{Firma}}.", change_note="Kurz",
                            based_on=1)
    old = download(policy.slug, 1, "odt")
    new = download(policy.slug, 2, "odt")
    download(policy.slug, 2, "odt")
    assert old["Content-Disposition"].endswith('homeoffice-richtlinie-v1.odt"')
    assert new["Content-Disposition"].endswith('homeoffice-richtlinie-v2.odt"')
    _a, old_content = read_odt(old.content)
    _b, new_content = read_odt(new.content)
    assert "Zweck und Geltungsbereich" in old_content.xpath("string()")
    assert "Zweck und Geltungsbereich" not in new_content.xpath("string()")
    counts = {(row.number, row.format): row.count for row in ToolkitDownloadDay.objects.filter(toolkit=policy)}
    assert counts == {(1, "odt"): 1, (2, "odt"): 2}
    assert not {f.name for f in ToolkitDownloadDay._meta.get_fields()} & {"user", "ip_address", "session"}
    from digitalstadt.core.registry import dashboard_figures

    assert dashboard_figures.get("exchange.toolkit_downloads.homeoffice-richtlinie").value() == 3


@pytest.mark.parametrize("fmt, number", [("exe", 1), ("odt", 99), ("pdf", 0)])
def test_unknown_formats_and_versions_are_not_found(fmt, number):
    assert download("homeoffice-richtlinie", number, fmt).status_code == 404
    assert not ToolkitDownloadDay.objects.exists()
