from __future__ import annotations

import unicodedata

from django.db.models import QuerySet

from .models import Service


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("ß", "ss")


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).order_by("name_de")


def search_services(*, query: str, services=None) -> list[Service]:
    """Match every word of the query against name, English name and synonyms, ignoring
    case and umlauts ("fuhrungszeugnis" finds "Führungszeugnis"). The online-services
    issue replaces this with stemming and compound splitting on the same interface."""
    words = [_fold(w) for w in query.split() if w.strip()]
    candidates = list(services if services is not None else active_services())
    if not words:
        return candidates
    result = []
    for service in candidates:
        haystack = _fold(" ".join([service.name_de, service.name_en, service.synonyms]))
        if all(word in haystack for word in words):
            result.append(service)
    return result
