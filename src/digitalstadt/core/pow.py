"""Proof-of-work (ALTCHA, protocol v1) for scarce public writes such as reserving an
appointment slot. The same check guards the page and the API, so the API is no way
around it. A solved challenge is accepted once (replays are refused) and expires.

Cost: `ALTCHA_MAX_NUMBER` bounds the search space (the browser needs about half of it
on average); benchmark settings may lower it, never switch the check off.
"""

from __future__ import annotations

import datetime

import altcha
from django.conf import settings
from django.utils import timezone

from .counters import use_once

CHALLENGE_LIFETIME = datetime.timedelta(minutes=10)


def _key() -> str:
    return getattr(settings, "ALTCHA_HMAC_KEY", "") or settings.SECRET_KEY


def challenge_create() -> dict:
    challenge = altcha.create_challenge_v1(
        hmac_key=_key(),
        max_number=getattr(settings, "ALTCHA_MAX_NUMBER", 50_000),
        expires=timezone.now() + CHALLENGE_LIFETIME,
    )
    return challenge.to_dict()


def solution_valid(payload: str) -> bool:
    """True if `payload` solves one of our challenges and has not expired (used or not)."""
    if not payload or len(payload) > 4000:
        return False
    try:
        ok, _error = altcha.verify_solution_v1(payload, _key(), check_expires=True)
    except Exception:  # noqa: BLE001 - malformed payload
        return False
    return bool(ok)


def solution_verify_once(payload: str) -> bool:
    """True if `payload` (base64 JSON from the widget or an API client) solves one of our
    challenges, has not expired and has not been used before."""
    if not solution_valid(payload):
        return False
    try:
        signature = altcha.PayloadV1.from_base64(payload).signature
    except Exception:  # noqa: BLE001 - malformed payload
        return False
    # Atomic on the shared counters: only the first use succeeds.
    return use_once(f"pow-used:{signature}", ttl=int(CHALLENGE_LIFETIME.total_seconds()) + 60)


def solve_for_tests(challenge: dict) -> str:
    """Solve a challenge like a client would (tests and benchmarks only)."""
    solution = altcha.solve_challenge_v1(challenge["challenge"], challenge["salt"], challenge["algorithm"],
                                         challenge["maxNumber"])
    payload = altcha.PayloadV1(challenge["algorithm"], challenge["challenge"], solution.number,
                               challenge["salt"], challenge["signature"])
    return payload.to_base64()
