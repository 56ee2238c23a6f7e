"""Idempotency-Key for POSTs that create money, stock or bookings.

The first request with a key runs and its answer is stored (in the same transaction as
the change); a retry with the same key and body gets the stored answer; the same key
with another body is refused (422). Concurrent requests with one key are serialised by
the unique constraint.

Stored answers belong to their caller: keys are scoped to the caller (user, session or
client address), so a stored answer with a hold token is never replayed to someone else
who sends the same key. Endpoints check their proof-of-work before a replay too.
"""

from __future__ import annotations

import hashlib
import json
from typing import Callable

from django.db import IntegrityError, transaction

from .models import IdempotencyRecord

MAX_KEY_LENGTH = 200


class IdempotencyConflict(Exception):
    pass


def idempotency_caller(request) -> str:
    """Who is asking: the signed-in user, else the browser session, else the client
    address (an anonymous API client)."""
    from .ratelimit import client_ip

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        return f"session:{session_key}"
    return f"ip:{client_ip(request)}"


def run_idempotent(*, scope: str, key: str | None, caller: str, body: dict,
                   call: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    """`call` performs the write and returns (status, json body); it runs inside the
    transaction that stores the record."""
    if not key:
        return call()
    key = key[:MAX_KEY_LENGTH]
    scope = f"{scope}:{hashlib.sha256(caller.encode()).hexdigest()[:16]}"
    request_hash = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
    existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if existing is not None:
        if existing.request_hash != request_hash:
            raise IdempotencyConflict
        return existing.status_code, existing.response
    try:
        with transaction.atomic():
            status, response = call()
            # An answer given after a database error (a lock timeout) is not stored:
            # the transaction is rolled back and a retry runs again.
            if status < 500 and not transaction.get_connection().needs_rollback:
                IdempotencyRecord.objects.create(scope=scope, key=key, request_hash=request_hash,
                                                 status_code=status, response=response)
            return status, response
    except IntegrityError:
        # A concurrent request with the same key won; its answer is the answer.
        existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if existing is None:
            raise
        if existing.request_hash != request_hash:
            raise IdempotencyConflict from None
        return existing.status_code, existing.response
