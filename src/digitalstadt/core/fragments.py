"""Rendered page parts that every visitor sees alike (the catalogue's lists, a search's
hits, a service page's body, the appointment services form), kept in each process's
memory so hot pages skip the queries and the template work.

- `fragment(namespace, key_parts, render)` returns the cached HTML or renders, stores
  and returns it. The key holds the namespace's version, the language and `key_parts`.
- `bump(namespace)` (apps call it from their model signals) makes this process forget
  the namespace at once; other worker processes follow within `FRAGMENT_CACHE_SECONDS`
  (default 60), the time a staff edit may take to reach every visitor.
- Never cache what depends on the user, the CSRF token or the CSP nonce.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

CACHE_ALIAS = "fragments"
_versions: dict[str, int] = {}


def version(namespace: str) -> int:
    return _versions.get(namespace, 0)


def bump(namespace: str) -> None:
    _versions[namespace] = version(namespace) + 1


def cached(namespace: str, key_parts, compute):
    """The value `compute()` gives for this namespace version, language and key."""
    digest = hashlib.sha256(repr((get_language(), key_parts)).encode()).hexdigest()[:32]
    key = f"{namespace}:{version(namespace)}:{digest}"
    cache = caches[CACHE_ALIAS]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, getattr(settings, "FRAGMENT_CACHE_SECONDS", 60))
    return value


def fragment(namespace: str, key_parts, render) -> SafeString:
    return mark_safe(cached(namespace, key_parts, lambda: str(render())))  # noqa: S308 - our own template output


def clear() -> None:
    caches[CACHE_ALIAS].clear()
    _versions.clear()
