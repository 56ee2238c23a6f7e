"""Fixed-window rate limits on shared counters (core.counters: Redis or one database
upsert), so every web process counts the same hits."""

from __future__ import annotations

import hashlib
import time

from .counters import count_hit


def client_ip(request) -> str:
    """The client address, found the same way as allauth's rate limits find it: behind
    a reverse proxy set ALLAUTH_TRUSTED_PROXY_COUNT (env TRUSTED_PROXY_COUNT in
    production), otherwise REMOTE_ADDR is the proxy and all clients share one budget.
    See docs/operations.md."""
    from allauth.account.adapter import get_adapter
    from django.conf import settings

    # Benchmark settings only: key limits per benchmark client, as all share 127.0.0.1.
    header = getattr(settings, "RATE_LIMIT_CLIENT_HEADER", None)
    if header and request.META.get(header):
        return "client:" + request.META[header][:64]
    try:
        return get_adapter(request).get_client_ip(request) or "unknown"
    except Exception:  # noqa: BLE001 - e.g. a malformed X-Forwarded-For
        return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Count one hit; True if the caller is still within `limit` hits per `period` s."""
    window = int(time.time() // period)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    return count_hit(f"rl:{scope}:{digest}:{window}", ttl=period + 5) <= limit
