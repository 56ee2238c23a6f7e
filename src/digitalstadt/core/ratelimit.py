"""Fixed-window rate limits on the shared cache (database cache or Redis), so every
web process counts the same hits."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def client_ip(request) -> str:
    # Behind a reverse proxy, production sets a trusted X-Forwarded-For in the proxy and
    # REMOTE_ADDR is the proxy; see docs/operations.md.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Count one hit; True if the caller is still within `limit` hits per `period` s."""
    window = int(time.time() // period)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{digest}:{window}"
    if cache.add(cache_key, 1, timeout=period + 5):
        return 1 <= limit
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period + 5)
        count = 1
    return count <= limit
