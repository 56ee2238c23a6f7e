"""HTML templates to PDF with WeasyPrint, KERN's Fira Sans embedded.

WeasyPrint embeds web fonts only when one `FontConfiguration` is passed to both `CSS()`
and `write_pdf()`; the page margin boxes (header, page numbers) set the font too. Only
local files are fetched (fonts from static, data: URLs): a template can never make the
server request a URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

# Fira Sans cuts the PDF layouts use (WeasyPrint subsets each font it embeds).
FONT_FACES = [
    ("FiraSans-Regular", 400, "normal"),
    ("FiraSans-Italic", 400, "italic"),
    ("FiraSans-SemiBold", 600, "normal"),
    ("FiraSans-Bold", 700, "normal"),
]
FONT_DIR = "vendor/kern/fonts/fira-sans"


def font_face_css() -> str:
    rules = []
    for name, weight, style in FONT_FACES:
        found = finders.find(f"{FONT_DIR}/{name}.woff2")
        if not found:
            raise FileNotFoundError(f"{FONT_DIR}/{name}.woff2 is missing: run scripts/copy_assets.py")
        rules.append(
            "@font-face { font-family: 'Fira Sans'; "
            f"src: url('{Path(found).resolve().as_uri()}') format('woff2'); "
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


def _allowed_directories() -> list[Path]:
    return [Path(d).resolve() for d in settings.STATICFILES_DIRS] + [Path(settings.STATIC_ROOT).resolve()]


def _url_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if not any(path.is_relative_to(base) for base in _allowed_directories()):
                    raise ValueError(f"not a static file: {url}")
            return super().fetch(url, headers)

    return LocalFilesOnly(allowed_protocols={"file", "data"}, fail_on_errors=True)


def render_pdf(template_name: str, context: dict, *, language: str = "de") -> bytes:
    """Render a Django template to PDF bytes (A4; the template brings its own CSS)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    with translation.override(language):
        html = render_to_string(template_name, context)
    font_config = FontConfiguration()
    fetcher = _url_fetcher()
    fonts = CSS(string=font_face_css(), font_config=font_config, url_fetcher=fetcher)
    document = HTML(string=html, base_url=str(Path(settings.STATICFILES_DIRS[0]).resolve()) + "/",
                    url_fetcher=fetcher)
    # Tagged PDF (structure tree, /Lang from <html lang>, dc:title from <title> with
    # DisplayDocTitle): WeasyPrint's PDF/UA-1 variant. Its conformance is experimental
    # and no validator runs here, so the platform claims no PDF/UA conformance.
    return document.write_pdf(stylesheets=[fonts], font_config=font_config, pdf_version="1.7",
                              pdf_variant="pdf/ua-1", uncompressed_pdf=False)


@dataclass
class Office:
    """The issuing office as printed on the letterhead (data, never code)."""

    name: str
    street: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    opening_hours: str = ""

    @property
    def sender_line(self) -> str:
        parts = [settings.CITY_NAME, self.name, self.street, f"{self.postal_code} {self.city}".strip()]
        return " · ".join(p for p in parts if p)


@dataclass
class DecisionLetter:
    """What a decision (Bescheid) PDF shows. Per-service templates extend
    `core/pdf/decision.html` and fill its `body` block from `extra`."""

    office: Office
    addressee_lines: list[str]
    reference: str
    subject: str
    date: dt.date
    salutation: str = "Sehr geehrte Damen und Herren,"
    document_type: str = "Bescheid"
    case_worker: str = ""
    paragraphs: list[str] = field(default_factory=list)
    legal_remedy: str = ""
    template_name: str = "core/pdf/decision.html"
    extra: dict = field(default_factory=dict)
