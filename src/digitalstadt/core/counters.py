"""Shared counters for rate limits and one-time proofs, in one round trip each.

Every web process must see the same counts. With Redis as the cache (REDIS_URL) the
counters live there (atomic ADD/INCR). With the database cache, Django's cache API
costs five queries per write (a count for culling, a savepoint, a select, the write,
the release), so the counters use their own table and one upsert
(`INSERT ... ON CONFLICT ... RETURNING`, PostgreSQL and SQLite alike). Expired rows are
deleted by the retention job (policy `counters`).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone


def _use_cache() -> bool:
    configured = getattr(settings, "COUNTERS_BACKEND", "")
    if configured:
        return configured == "cache"
    return "DatabaseCache" not in settings.CACHES["default"]["BACKEND"]


def _table() -> str:
    from .models import Counter

    return connection.ops.quote_name(Counter._meta.db_table)


def count_hit(key: str, *, ttl: int) -> int:
    """Add one to `key` (kept `ttl` seconds after its first hit) and return the count."""
    if _use_cache():
        if cache.add(key, 1, timeout=ttl):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=ttl)
            return 1
    return _upsert(key, ttl=ttl, on_conflict='DO UPDATE SET "count" = {table}."count" + 1')[0]


def use_once(key: str, *, ttl: int) -> bool:
    """True the first time `key` is used (within `ttl` seconds), False ever after."""
    if _use_cache():
        return cache.add(key, 1, timeout=ttl)
    return _upsert(key, ttl=ttl, on_conflict="DO NOTHING") is not None


def _upsert(key: str, *, ttl: int, on_conflict: str) -> tuple | None:
    """One statement: insert the key with count 1, or `on_conflict` (may name {table});
    the row's count if a row was written, else None."""
    table = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("key", "count", "expires_at") VALUES (%s, 1, %s) '
            f'ON CONFLICT ("key") {on_conflict.format(table=table)} RETURNING "count"',
            [key, timezone.now() + timedelta(seconds=ttl)])
        return cursor.fetchone()


def purge_expired(*, cutoff) -> int:
    from .models import Counter

    return Counter.objects.filter(expires_at__lt=cutoff).delete()[0]
