"""Registrations of the marketplace's search part (called from hooks.register)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import RetentionPolicy, retention_policies


def _purge_search_log(*, cutoff) -> int:
    from .models import SearchLog

    return SearchLog.objects.filter(created_at__lt=cutoff).delete()[0]


def register() -> None:
    # Search words are free text: a shopper may type a name or an address into them.
    # Kept 90 days for the shops' statistics (searches with no result), then deleted.
    retention_policies.register(RetentionPolicy("marketplace_search_log", _("Suchanfragen im Marktplatz"), 90,
                                                _purge_search_log))
