"""The toolkits' text format: a small, safe Markdown-lite. It is parsed into blocks that
the web page, the PDF and the editable documents render each in their own way; no HTML
from the text ever reaches a page (templates escape every piece).

    ## Heading              a section (### for a subsection)
    - [ ] item              a checklist item (consecutive items form one checklist)
    - item                  a bullet list item
    1. item                 a numbered list item
    {{Name der Firma}}      a placeholder the firm fills in (stays editable in ODT)
    blank line              ends a paragraph or a list
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BODY = 60_000
PLACEHOLDER = re.compile(r"\{\{([^{}]{1,80})\}\}")
CHECK_ITEM = re.compile(r"^- \[( |x|X)\] (.+)$")
BULLET_ITEM = re.compile(r"^[-*] (.+)$")
NUMBERED_ITEM = re.compile(r"^\d{1,3}[.)] (.+)$")
HEADING = re.compile(r"^(#{2,3}) (.+)$")


@dataclass(frozen=True)
class Span:
    text: str
    placeholder: bool = False


@dataclass
class Block:
    kind: str  # "heading", "paragraph", "checklist", "bullets", "numbered"
    level: int = 0
    spans: list[Span] = field(default_factory=list)
    items: list[list[Span]] = field(default_factory=list)
    closed: bool = field(default=False, repr=False, compare=False)

    @property
    def is_list(self) -> bool:
        return self.kind in {"checklist", "bullets", "numbered"}

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


def spans(text: str) -> list[Span]:
    out: list[Span] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > position:
            out.append(Span(text[position:match.start()]))
        out.append(Span(match.group(1).strip(), placeholder=True))
        position = match.end()
    if position < len(text):
        out.append(Span(text[position:]))
    return out


def parse(body: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []

    def close_paragraph() -> None:
        if paragraph:
            blocks.append(Block("paragraph", spans=spans(" ".join(paragraph))))
            paragraph.clear()

    def add_item(kind: str, text: str) -> None:
        close_paragraph()
        if not blocks or blocks[-1].kind != kind or blocks[-1].closed:
            blocks.append(Block(kind))
        blocks[-1].items.append(spans(text))

    for raw in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            close_paragraph()
            if blocks and blocks[-1].is_list:
                blocks[-1].closed = True
            continue
        if match := HEADING.match(line):
            close_paragraph()
            blocks.append(Block("heading", level=len(match.group(1)), spans=spans(match.group(2).strip())))
        elif match := CHECK_ITEM.match(line):
            add_item("checklist", match.group(2).strip())
        elif match := BULLET_ITEM.match(line):
            add_item("bullets", match.group(1).strip())
        elif match := NUMBERED_ITEM.match(line):
            add_item("numbered", match.group(1).strip())
        else:
            if blocks and blocks[-1].is_list and not paragraph and not blocks[-1].closed:
                # A continuation line of the last list item.
                last = blocks[-1].items[-1]
                blocks[-1].items[-1] = spans("".join(s.text if not s.placeholder else "{{%s}}" % s.text
                                                     for s in last) + " " + line)
                continue
            paragraph.append(line)
    close_paragraph()
    return blocks


def validate_body(body: str) -> str:
    """The body cleaned, or a ValidationError saying what to fix."""
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError(_("Bitte geben Sie einen Inhalt ein."))
    if len(body) > MAX_BODY:
        raise ValidationError(_("Der Inhalt ist zu lang (höchstens %(max)s Zeichen).") % {"max": MAX_BODY})
    if "\x00" in body:
        raise ValidationError(_("Der Inhalt enthält ungültige Zeichen."))
    without = PLACEHOLDER.sub("", body)
    if "{{" in without or "}}" in without:
        raise ValidationError(_("Ein Platzhalter ist nicht geschlossen: Schreiben Sie Platzhalter als "
                                "{{Name des Unternehmens}}."))
    if not any(b.kind == "heading" for b in parse(body)):
        raise ValidationError(_("Bitte gliedern Sie den Inhalt mit mindestens einer Überschrift (## Überschrift)."))
    return body


def placeholders(blocks: list[Block]) -> list[str]:
    seen: list[str] = []
    for block in blocks:
        for group in [block.spans, *block.items]:
            for span in group:
                if span.placeholder and span.text not in seen:
                    seen.append(span.text)
    return seen
