"""The local room: a stand-in for a Jitsi server, served by the platform itself, so
that joining an online room works in `make run`, the demo and the browser journeys.

It speaks Jitsi's protocol: the provider signs the same JWT the `jitsi` provider signs
(with a local app id and a secret derived from SECRET_KEY), the link is
`/raum-simulator/<room>?jwt=...`, and the page verifies signature, `iss`, `aud`, `sub`,
`room`, `nbf` and `exp` as prosody's token verification does before it shows "you are
in the room" with the name and role from the token. Never enabled in production.
"""

from __future__ import annotations

import hashlib
import hmac

import jwt
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import RoomTicket
from .jitsi import ALGORITHM, jitsi_claims

__all__ = ["APP_ID", "AUDIENCE", "LEEWAY_SECONDS", "SUBJECT", "SimulatorProvider", "simulator_secret",
           "verify_simulator_token"]

APP_ID = "digitalstadt-simulator"
AUDIENCE = "jitsi"
SUBJECT = "simulator"
LEEWAY_SECONDS = 30


def simulator_secret() -> str:
    configured = getattr(settings, "ROOM_SIMULATOR_SECRET", "")
    if configured:
        return configured
    return hmac.new(settings.SECRET_KEY.encode(), b"digitalstadt-room-simulator", hashlib.sha256).hexdigest()


def verify_simulator_token(token: str, *, room: str) -> dict | None:
    """The token's claims if it lets its bearer into `room`, else None."""
    try:
        claims = jwt.decode(token, simulator_secret(), algorithms=[ALGORITHM], audience=AUDIENCE, issuer=APP_ID,
                            leeway=LEEWAY_SECONDS, options={"require": ["exp", "nbf", "iss", "aud", "sub", "room"]})
    except jwt.PyJWTError:
        return None
    if claims.get("sub") != SUBJECT or str(claims.get("room", "")).lower() not in (room.lower(), "*"):
        return None
    user = (claims.get("context") or {}).get("user")
    if not isinstance(user, dict) or not isinstance(user.get("name"), str):
        return None
    return claims


class SimulatorProvider:
    id = "simulator"
    label = _("Lokaler Demo-Raum")

    def join_url(self, ticket: RoomTicket) -> str:
        token = jwt.encode(jitsi_claims(ticket, app_id=APP_ID, audience=AUDIENCE, subject=SUBJECT),
                           simulator_secret(), algorithm=ALGORITHM)
        return reverse("room-simulator:room", kwargs={"room": ticket.room}) + f"?jwt={token}"

    def system_check(self) -> list[str]:
        return []
