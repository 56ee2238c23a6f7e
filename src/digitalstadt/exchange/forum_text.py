"""Forum text: plain text, everything escaped, web links (http and https only) made
clickable, @handles marked. No HTML, no markdown, no images."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["HANDLE_RE", "LINK_RE", "contains_link", "mentioned_handles", "render"]

LINK_RE = re.compile(r"https?://[^\s<>\"'()\[\]]+", re.IGNORECASE)
# Anything that looks like a link to a reader (level 0 members may not post these).
LINKISH_RE = re.compile(r"(https?://|www\.|\b[\w-]+\.(de|com|org|net|io|eu|info)\b/?)", re.IGNORECASE)
HANDLE_RE = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9-]{1,39})", re.IGNORECASE)
TRAILING = ".,;:!?"


def contains_link(text: str) -> bool:
    return bool(LINKISH_RE.search(text or ""))


def mentioned_handles(text: str) -> list[str]:
    seen: list[str] = []
    for match in HANDLE_RE.finditer(text or ""):
        handle = match.group(1).lower()
        if handle not in seen:
            seen.append(handle)
    return seen


def _inline(text: str, handles: set[str]) -> str:
    out, last = [], 0
    for match in LINK_RE.finditer(text):
        url = match.group(0)
        tail = ""
        while url and url[-1] in TRAILING:
            tail, url = url[-1] + tail, url[:-1]
        out.append(_handles(text[last:match.start()], handles))
        out.append(f'<a class="kern-link" href="{escape(url)}" rel="nofollow ugc noopener">{escape(url)}</a>')
        out.append(escape(tail))
        last = match.end()
    out.append(_handles(text[last:], handles))
    return "".join(out)


def _handles(text: str, handles: set[str]) -> str:
    out, last = [], 0
    for match in HANDLE_RE.finditer(text):
        if match.group(1).lower() not in handles:
            continue
        out.append(escape(text[last:match.start()]))
        out.append(f'<strong class="forum-mention">@{escape(match.group(1))}</strong>')
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def render(text: str, *, handles: set[str] | None = None) -> SafeString:
    """Paragraphs of escaped text with links; `handles` are the known @handles to mark."""
    handles = handles or set()
    paragraphs = [p for p in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()) if p.strip()]
    html = "".join("<p>" + "<br>".join(_inline(line, handles) for line in p.split("\n")) + "</p>"
                   for p in paragraphs)
    return mark_safe(html)  # noqa: S308 - every piece of user text above went through escape()
