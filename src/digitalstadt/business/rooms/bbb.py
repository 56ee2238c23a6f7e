"""BigBlueButton: the meeting is created on the server (`create`, idempotent per
meetingID), then each person gets a signed `join` link.

Every API call carries `checksum` = hex digest of callName + queryString + sharedSecret
(SHA-1 or SHA-256, ROOM_BBB_CHECKSUM; the server's `supportedChecksumAlgorithms` must
allow it). The server answers XML with `returncode` SUCCESS or FAILED and a
`messageKey`; a create for a meeting that exists already answers SUCCESS with
`duplicateWarning` (or FAILED `idNotUnique` on some versions): both mean "it is there".

`join` is not called by the platform: the person's browser follows the link. The role
is given as `role=MODERATOR|VIEWER` (BBB 2.6+); ROOM_BBB_LEGACY_PASSWORDS adds the
older `password` parameter (attendeePW/moderatorPW derived from the secret).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .base import RoomTicket, RoomUnavailable

__all__ = ["ALGORITHMS", "BigBlueButtonProvider", "bbb_checksum", "bbb_signed_query", "parse_bbb_answer"]

logger = logging.getLogger(__name__)

ALGORITHMS = ("sha1", "sha256", "sha384", "sha512")
MAX_ANSWER_BYTES = 256 * 1024


def bbb_checksum(call: str, query: str, secret: str, algorithm: str = "sha256") -> str:
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown checksum algorithm {algorithm!r}")
    return hashlib.new(algorithm, (call + query + secret).encode()).hexdigest()


def bbb_signed_query(call: str, params: dict, secret: str, algorithm: str = "sha256") -> str:
    query = urlencode(params)
    return f"{query}&checksum={bbb_checksum(call, query, secret, algorithm)}"


def parse_bbb_answer(body: bytes) -> dict[str, str]:
    """The first-level elements of a BBB `<response>` as a dict (returncode, messageKey,
    message, meetingID, running, ...). Malformed or hostile XML raises RoomUnavailable."""
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise RoomUnavailable(detail=f"bbb answered no readable XML: {error}") from error
    if root.tag != "response":
        raise RoomUnavailable(detail=f"bbb answered <{root.tag}>, not <response>")
    answer = {child.tag: (child.text or "").strip() for child in root if len(child) == 0}
    if answer.get("returncode") not in ("SUCCESS", "FAILED"):
        raise RoomUnavailable(detail="bbb answer without returncode")
    return answer


def _password(secret: str, role: str) -> str:
    return hmac.new(secret.encode(), f"digitalstadt-{role}".encode(), hashlib.sha256).hexdigest()[:24]


class BigBlueButtonProvider:
    id = "bbb"
    label = _("BigBlueButton")

    def config(self) -> dict:
        return {
            "api_url": getattr(settings, "ROOM_BBB_URL", "").rstrip("/") + "/api/",
            "base_url": getattr(settings, "ROOM_BBB_URL", ""),
            "secret": getattr(settings, "ROOM_BBB_SECRET", ""),
            "algorithm": (getattr(settings, "ROOM_BBB_CHECKSUM", "") or "sha256").lower(),
            "timeout": float(getattr(settings, "ROOM_BBB_TIMEOUT", 5)),
            "legacy_passwords": bool(getattr(settings, "ROOM_BBB_LEGACY_PASSWORDS", False)),
        }

    def url(self, call: str, params: dict, config: dict | None = None) -> str:
        config = config or self.config()
        return config["api_url"] + call + "?" + bbb_signed_query(call, params, config["secret"], config["algorithm"])

    def call(self, call: str, params: dict, config: dict | None = None) -> dict[str, str]:
        config = config or self.config()
        request = Request(self.url(call, params, config), headers={"Accept": "application/xml"})
        try:
            with urlopen(request, timeout=config["timeout"]) as response:  # noqa: S310 (URL from settings)
                body = response.read(MAX_ANSWER_BYTES + 1)
        except HTTPError as error:
            raise RoomUnavailable(detail=f"bbb {call}: HTTP {error.code}") from error
        except (URLError, TimeoutError, OSError) as error:
            raise RoomUnavailable(detail=f"bbb {call}: {error}") from error
        if len(body) > MAX_ANSWER_BYTES:
            raise RoomUnavailable(detail=f"bbb {call}: answer too large")
        return parse_bbb_answer(body)

    def create(self, ticket: RoomTicket, config: dict | None = None) -> dict[str, str]:
        config = config or self.config()
        params = {"name": ticket.title[:200] or ticket.room, "meetingID": ticket.room, "record": "false"}
        if config["legacy_passwords"]:
            params |= {"attendeePW": _password(config["secret"], "viewer"),
                       "moderatorPW": _password(config["secret"], "moderator")}
        if ticket.return_url:
            params["logoutURL"] = ticket.return_url
        answer = self.call("create", params, config)
        if answer["returncode"] == "SUCCESS":
            return answer
        if answer.get("messageKey") == "idNotUnique":
            return answer  # the meeting exists already (created by the first person in)
        raise RoomUnavailable(detail=f"bbb create: {answer.get('messageKey')}: {answer.get('message')}")

    def join_url(self, ticket: RoomTicket) -> str:
        config = self.config()
        if not (config["base_url"] and config["secret"]):
            raise RoomUnavailable(detail="bbb is not configured")
        self.create(ticket, config)
        role = "MODERATOR" if ticket.moderator else "VIEWER"
        params = {"fullName": ticket.display_name, "meetingID": ticket.room, "role": role,
                  "userID": ticket.user_id, "redirect": "true"}
        if config["legacy_passwords"]:
            params["password"] = _password(config["secret"], role.lower())
        return self.url("join", params, config)

    def system_check(self) -> list[str]:
        config = self.config()
        problems = []
        if not config["base_url"].startswith(("https://", "http://")):
            problems.append("ROOM_BBB_URL must be the server's address (https://bbb.example.org/bigbluebutton/)")
        if len(config["secret"]) < 20:
            problems.append("ROOM_BBB_SECRET must be set (the server's shared secret, `bbb-conf --secret`)")
        if config["algorithm"] not in ALGORITHMS:
            problems.append(f"ROOM_BBB_CHECKSUM must be one of {', '.join(ALGORITHMS)}")
        return problems
