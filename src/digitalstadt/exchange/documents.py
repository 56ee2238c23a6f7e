"""A toolkit version as a downloadable document: PDF (tagged, through core.pdf) and an
editable OpenDocument text (ODT, the format German public administrations prefer).

The ODT is written by hand with lxml: a zip whose first entry is `mimetype`, stored
uncompressed (so tools can sniff the type at a fixed offset), then content.xml,
styles.xml, meta.xml and META-INF/manifest.xml. Headings are real outline headings,
checklists and lists real lists (a checkbox bullet for checklists), and placeholders
ODF placeholder fields, which a firm clicks and overwrites in LibreOffice or Word."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from lxml import etree

from .knowledge_text import Block, Span, parse

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
PDF_MIMETYPE = "application/pdf"

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
ODF_VERSION = "1.3"
LIST_STYLES = {"checklist": "Checklist", "bullets": "Bullets", "numbered": "Numbered"}


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def el(parent, name: str, text: str | None = None, **attrs) -> etree._Element:
    node = etree.SubElement(parent, q(name), {q(k.replace("__", ":").replace("_", "-")): v
                                                for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


@dataclass
class Download:
    content: bytes
    filename: str
    content_type: str


def filename_for(*, version, extension: str) -> str:
    return f"{version.toolkit.slug}-v{version.number}.{extension}"


# --- PDF ---------------------------------------------------------------------------


def toolkit_pdf(*, version) -> Download:
    from digitalstadt.core.pdf import render_pdf

    content = render_pdf("exchange/knowledge_pdf.html", {
        "toolkit": version.toolkit, "version": version, "blocks": parse(version.body),
        "city_name": settings.CITY_NAME, "platform_name": getattr(settings, "PLATFORM_NAME", "Digitalstadt")})
    return Download(content, filename_for(version=version, extension="pdf"), PDF_MIMETYPE)


# --- ODT ---------------------------------------------------------------------------


def _spans(parent, spans: list[Span]) -> None:
    last = None
    for span in spans:
        if span.placeholder:
            last = el(parent, "text:placeholder", f"<{span.text}>", text__placeholder_type="text",
                      text__description=span.text)
            last.tail = ""
        elif last is None:
            parent.text = (parent.text or "") + span.text
        else:
            last.tail = (last.tail or "") + span.text


def _block(body, block: Block) -> None:
    if block.kind == "heading":
        heading = el(body, "text:h", text__style_name=f"Heading_20_{block.level - 1}",
                     text__outline_level=str(block.level - 1))
        _spans(heading, block.spans)
    elif block.is_list:
        listing = el(body, "text:list", text__style_name=LIST_STYLES[block.kind])
        for item in block.items:
            paragraph = el(el(listing, "text:list-item"), "text:p", text__style_name="List_20_Paragraph")
            _spans(paragraph, item)
    else:
        _spans(el(body, "text:p", text__style_name="Text_20_body"), block.spans)


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _content(version) -> bytes:
    root = etree.Element(q("office:document-content"), nsmap={k: v for k, v in NS.items() if k != "manifest"})
    root.set(q("office:version"), ODF_VERSION)
    text = el(el(root, "office:body"), "office:text")
    el(text, "text:p", version.toolkit.title, text__style_name="Title")
    el(text, "text:p", f"Version {version.number} · {timezone.localtime(version.published_at):%d.%m.%Y} · "
                       f"{version.change_note}", text__style_name="Subtitle")
    for block in parse(version.body):
        _block(text, block)
    if version.toolkit.source_note:
        el(text, "text:h", "Quelle", text__style_name="Heading_20_1", text__outline_level="1")
        el(text, "text:p", version.toolkit.source_note, text__style_name="Text_20_body")
    return _xml(root)


def _paragraph_style(parent, name: str, display: str, *, size: str, weight: str = "normal",
                     space_before: str = "0cm", space_after: str = "0.21cm", outline: str | None = None,
                     color: str = "#1b1b1b") -> None:
    attrs = {"style__name": name, "style__display_name": display, "style__family": "paragraph",
             "style__parent_style_name": "Standard"}
    if outline:
        attrs["style__default_outline_level"] = outline
        attrs["style__next_style_name"] = "Text_20_body"
    style = el(parent, "style:style", **attrs)
    el(style, "style:paragraph-properties", fo__margin_top=space_before, fo__margin_bottom=space_after,
       **({"fo__keep_with_next": "always"} if outline else {}))
    el(style, "style:text-properties", fo__font_size=size, fo__font_weight=weight, fo__color=color)


def _list_style(parent, name: str, kind: str) -> None:
    listing = el(parent, "text:list-style", style__name=name, style__display_name=name)
    if kind == "numbered":
        level = el(listing, "text:list-level-style-number", text__level="1", style__num_format="1",
                   style__num_suffix=".")
    else:
        level = el(listing, "text:list-level-style-bullet", text__level="1",
                   text__bullet_char="☐" if kind == "checklist" else "•")
    properties = el(level, "style:list-level-properties",
                    text__list_level_position_and_space_mode="label-alignment")
    el(properties, "style:list-level-label-alignment", text__label_followed_by="listtab",
       text__list_tab_stop_position="0.75cm", fo__text_indent="-0.5cm", fo__margin_left="0.75cm")


def _styles() -> bytes:
    root = etree.Element(q("office:document-styles"), nsmap={k: v for k, v in NS.items() if k != "manifest"})
    root.set(q("office:version"), ODF_VERSION)
    fonts = el(root, "office:font-face-decls")
    el(fonts, "style:font-face", style__name="Fira Sans", svg__font_family="'Fira Sans'",
       style__font_family_generic="swiss")
    styles = el(root, "office:styles")
    default = el(styles, "style:default-style", style__family="paragraph")
    el(default, "style:text-properties", style__font_name="Fira Sans", fo__font_size="11pt", fo__language="de",
       fo__country="DE")
    standard = el(styles, "style:style", style__name="Standard", style__family="paragraph",
                  style__class="text")
    el(standard, "style:text-properties", style__font_name="Fira Sans", fo__font_size="11pt")
    _paragraph_style(styles, "Text_20_body", "Text body", size="11pt")
    _paragraph_style(styles, "List_20_Paragraph", "List Paragraph", size="11pt", space_after="0.1cm")
    _paragraph_style(styles, "Title", "Title", size="20pt", weight="bold", space_after="0.2cm", color="#004b76")
    _paragraph_style(styles, "Subtitle", "Subtitle", size="10pt", space_after="0.5cm", color="#444444")
    _paragraph_style(styles, "Heading_20_1", "Heading 1", size="14pt", weight="bold", space_before="0.5cm",
                     outline="1", color="#004b76")
    _paragraph_style(styles, "Heading_20_2", "Heading 2", size="12pt", weight="bold", space_before="0.35cm",
                     outline="2")
    for kind, name in LIST_STYLES.items():
        _list_style(styles, name, kind)
    automatic = el(root, "office:automatic-styles")
    layout = el(automatic, "style:page-layout", style__name="A4")
    el(layout, "style:page-layout-properties", fo__page_width="21cm", fo__page_height="29.7cm",
       fo__margin_top="2cm", fo__margin_bottom="2cm", fo__margin_left="2.5cm", fo__margin_right="2cm")
    el(el(root, "office:master-styles"), "style:master-page", style__name="Standard",
       style__page_layout_name="A4")
    return _xml(root)


def _meta(version) -> bytes:
    root = etree.Element(q("office:document-meta"), nsmap={k: NS[k] for k in ("office", "meta", "dc")})
    root.set(q("office:version"), ODF_VERSION)
    meta = el(root, "office:meta")
    el(meta, "meta:generator", "Digitalstadt")
    el(meta, "dc:title", version.toolkit.title)
    el(meta, "dc:description", version.toolkit.summary)
    el(meta, "dc:language", "de-DE")
    el(meta, "meta:initial-creator", f"{settings.CITY_NAME}, Wirtschaftsförderung")
    el(meta, "meta:creation-date", version.published_at.strftime("%Y-%m-%dT%H:%M:%S"))
    el(meta, "dc:date", version.published_at.strftime("%Y-%m-%dT%H:%M:%S"))
    el(meta, "meta:user-defined", f"v{version.number}", meta__name="Version")
    return _xml(root)


def _manifest() -> bytes:
    root = etree.Element(q("manifest:manifest"), nsmap={"manifest": NS["manifest"]})
    root.set(q("manifest:version"), ODF_VERSION)
    entries = [("/", ODT_MIMETYPE), ("content.xml", "text/xml"), ("styles.xml", "text/xml"),
               ("meta.xml", "text/xml")]
    for path, media_type in entries:
        entry = el(root, "manifest:file-entry", manifest__full_path=path, manifest__media_type=media_type)
        if path == "/":
            entry.set(q("manifest:version"), ODF_VERSION)
    return _xml(root)


def toolkit_odt(*, version) -> Download:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name, data in (("content.xml", _content(version)), ("styles.xml", _styles()),
                           ("meta.xml", _meta(version)), ("META-INF/manifest.xml", _manifest())):
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return Download(buffer.getvalue(), filename_for(version=version, extension="odt"), ODT_MIMETYPE)


RENDERERS = {"pdf": toolkit_pdf, "odt": toolkit_odt}
