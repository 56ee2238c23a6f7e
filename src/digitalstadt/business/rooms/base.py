"""What a room provider is: one plugin per kind of video-conference server.

A provider turns a `RoomTicket` (which room, who, as what, valid when) into the link
that takes this one person into the room. It may call its server first (BigBlueButton
creates the meeting); what goes wrong there is a `RoomUnavailable` with a message for
the person, never an exception that reaches the page as a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

__all__ = ["RoomDenied", "RoomError", "RoomProvider", "RoomTicket", "RoomUnavailable", "safe_room_name"]


class RoomError(Exception):
    """Something the person is told (the message is for people, in their language)."""

    def __init__(self, message=None, *, detail: str = "") -> None:
        self.message = message or _("Der Online-Raum ist gerade nicht erreichbar. Bitte versuchen Sie es "
                                    "in einer Minute noch einmal.")
        self.detail = detail  # for the log, never shown
        super().__init__(str(self.message) + (f" ({detail})" if detail else ""))


class RoomUnavailable(RoomError):
    """The provider's server did not answer, answered an error, or is not set up."""


class RoomDenied(RoomError, PermissionDenied):
    """This person may not (or not yet) enter this room. `reason` is one of
    not_registered, not_released, closed, cancelled, no_room."""

    def __init__(self, message, *, reason: str, opens_at: dt.datetime | None = None) -> None:
        super().__init__(message, detail=reason)
        self.reason = reason
        self.opens_at = opens_at


@dataclass(frozen=True)
class RoomTicket:
    """One person's way into one room, as the platform decided it."""

    room: str              # the provider's room / meeting id (safe_room_name)
    title: str             # shown by the server as the meeting's name
    display_name: str
    user_id: str           # stable, not the e-mail address
    email: str
    moderator: bool
    not_before: dt.datetime
    expires: dt.datetime
    return_url: str = ""   # where the server sends people who leave (absolute URL or "")


class RoomProvider(Protocol):
    id: str
    label: object

    def join_url(self, ticket: RoomTicket) -> str:
        """The link for this ticket; raises RoomUnavailable."""

    def system_check(self) -> list:
        """Problems of the configuration (missing secrets), as strings or check messages."""


_UNSAFE = re.compile(r"[^a-z0-9-]+")


def safe_room_name(value: str) -> str:
    """A room name every server takes in a URL path and a JWT claim: lower case (Jitsi
    lower-cases room names), letters, digits and hyphens, at most 64 characters."""
    name = _UNSAFE.sub("-", value.strip().lower()).strip("-")
    return name[:64].strip("-")
