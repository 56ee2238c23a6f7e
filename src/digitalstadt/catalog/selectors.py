from __future__ import annotations

from django.db.models import QuerySet

from .models import Service


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).order_by("name_de")


def search_services(*, query: str, services=None) -> list[Service]:
    """Active services matching every word of the query, best first: German stemming,
    the synonym table and compound parts (see catalog.search)."""
    from .search import search

    candidates = list(services if services is not None else active_services())
    return [hit.service for hit in search(query, candidates)]
