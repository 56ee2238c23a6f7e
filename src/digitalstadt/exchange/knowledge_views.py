"""The knowledge base's public pages (/wissen/): toolkits by topic, a toolkit (current
version, history, downloads, coachings and forum categories on its topic), an old
version, and the downloads."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render

from . import knowledge_selectors as selectors
from .documents import RENDERERS, Download
from .knowledge_services import toolkit_download_count
from .knowledge_text import parse, placeholders

DOCUMENT_CACHE_SECONDS = 24 * 3600


def index(request):
    return render(request, "exchange/knowledge_index.html", {"groups": selectors.toolkits_by_topic()})


def _toolkit_or_404(slug: str):
    toolkit = selectors.toolkit_by_slug(slug=slug)
    if toolkit is None or not toolkit.versions_newest_first:
        raise Http404
    return toolkit


def _forum_categories(topic: str) -> list:
    from .models import ForumCategory

    return list(ForumCategory.objects.filter(topic=topic))


def _page(request, toolkit, version):
    from digitalstadt.business.selectors import upcoming_dates_for_topic

    blocks = parse(version.body)
    current = selectors.current_version(toolkit=toolkit)
    return render(request, "exchange/knowledge_toolkit.html", {
        "toolkit": toolkit, "version": version, "current": current, "is_current": version.number == current.number,
        "blocks": blocks, "placeholders": placeholders(blocks), "versions": toolkit.versions_newest_first,
        "dates": upcoming_dates_for_topic(topic=toolkit.topic, limit=5),
        "categories": _forum_categories(toolkit.topic), "formats": list(RENDERERS)})


def toolkit(request, slug: str):
    toolkit = _toolkit_or_404(slug)
    return _page(request, toolkit, selectors.current_version(toolkit=toolkit))


def version(request, slug: str, number: int):
    toolkit = _toolkit_or_404(slug)
    found = selectors.version_of(toolkit=toolkit, number=number)
    if found is None:
        raise Http404
    return _page(request, toolkit, found)


def download(request, slug: str, number: int, fmt: str):
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise Http404
    toolkit = _toolkit_or_404(slug)
    found = selectors.version_of(toolkit=toolkit, number=number)
    if found is None:
        raise Http404
    # A published version never changes: its documents are made once and kept a day
    # (WeasyPrint costs a second of CPU; nobody can make the server render on demand).
    key = f"exchange:toolkit-doc:{found.pk}:{fmt}"
    cached = cache.get(key)
    if cached is None:
        document = renderer(version=found)
        cache.set(key, (document.content, document.filename, document.content_type), DOCUMENT_CACHE_SECONDS)
    else:
        document = Download(*cached)
    toolkit_download_count(toolkit=toolkit, number=found.number, format=fmt)
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
