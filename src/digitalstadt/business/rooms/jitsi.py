"""Jitsi Meet with JWT authentication (prosody `authentication = "token"`).

Each person gets their own HS256 token, signed with the app secret the server shares:

    iss  the app id (prosody `app_id`, accepted by `asap_accepted_issuers`)
    aud  the audience (prosody `asap_accepted_audiences`, "jitsi" by default)
    sub  the Jitsi domain, or the tenant for multi-tenant set-ups
    room the room name (must match the URL's room; "*" would open every room: never used)
    nbf  the release of the link; exp the end of the date plus a little
    context.user  id, name, email, and the moderator flag: `moderator` (true/false)
         and `affiliation` ("owner" or "member"). The server honours them only with
         the prosody module `token_affiliation` (docs/online-rooms.md); without it the
         first person in the room becomes moderator, whoever it is.

The link is `<ROOM_JITSI_URL>/<room>?jwt=<token>` (with the tenant in the path when
ROOM_JITSI_TENANT is set). Nothing is called on the server beforehand.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import jwt
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .base import RoomTicket, RoomUnavailable

__all__ = ["JitsiProvider", "jitsi_claims", "jitsi_link"]

ALGORITHM = "HS256"


def jitsi_claims(ticket: RoomTicket, *, app_id: str, audience: str, subject: str) -> dict:
    return {
        "iss": app_id,
        "aud": audience,
        "sub": subject,
        "room": ticket.room,
        "iat": int(ticket.not_before.timestamp()),
        "nbf": int(ticket.not_before.timestamp()),
        "exp": int(ticket.expires.timestamp()),
        "context": {
            "user": {
                "id": ticket.user_id,
                "name": ticket.display_name,
                "email": ticket.email,
                "moderator": ticket.moderator,
                "affiliation": "owner" if ticket.moderator else "member",
            },
        },
    }


def jitsi_link(*, base_url: str, tenant: str, room: str, token: str) -> str:
    path = "/".join(quote(part, safe="") for part in (tenant, room) if part)
    return f"{base_url.rstrip('/')}/{path}?jwt={token}"


class JitsiProvider:
    id = "jitsi"
    label = _("Jitsi Meet")

    def config(self) -> dict:
        base_url = getattr(settings, "ROOM_JITSI_URL", "")
        tenant = getattr(settings, "ROOM_JITSI_TENANT", "")
        return {
            "base_url": base_url,
            "tenant": tenant,
            "app_id": getattr(settings, "ROOM_JITSI_APP_ID", ""),
            "secret": getattr(settings, "ROOM_JITSI_APP_SECRET", ""),
            "audience": getattr(settings, "ROOM_JITSI_AUDIENCE", "") or "jitsi",
            # The tenant for multi-tenant servers, else the server's domain.
            "subject": getattr(settings, "ROOM_JITSI_SUBJECT", "") or tenant or (urlsplit(base_url).hostname or ""),
        }

    def join_url(self, ticket: RoomTicket) -> str:
        config = self.config()
        if not (config["base_url"] and config["app_id"] and config["secret"]):
            raise RoomUnavailable(detail="jitsi is not configured")
        token = jwt.encode(jitsi_claims(ticket, app_id=config["app_id"], audience=config["audience"],
                                        subject=config["subject"]), config["secret"], algorithm=ALGORITHM)
        return jitsi_link(base_url=config["base_url"], tenant=config["tenant"], room=ticket.room, token=token)

    def system_check(self) -> list[str]:
        config = self.config()
        problems = []
        if not config["base_url"].startswith(("https://", "http://")):
            problems.append("ROOM_JITSI_URL must be the server's address (https://meet.example.org)")
        if not config["app_id"]:
            problems.append("ROOM_JITSI_APP_ID must be set (prosody's app_id)")
        if len(config["secret"]) < 32:
            problems.append("ROOM_JITSI_APP_SECRET must be set (prosody's app_secret, at least 32 characters)")
        return problems
