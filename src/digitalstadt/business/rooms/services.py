"""Who may enter a date's online room, and when; the link for one person.

- The link is released ROOM_OPENS_MINUTES_BEFORE the start (15 by default) and stays
  good until the end of the date; after that the room is closed.
- A participant needs a CONFIRMED registration of their own for that date.
- Members of the organising partner organisation (any role) enter as moderators.
- The token's `nbf` is the release, its `exp` the end plus ROOM_TOKEN_GRACE_MINUTES
  (a person who drops out near the end can come back in).
Every link handed out is audited (`business.room_joined`); the link itself is not kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitalstadt.accounts.selectors import membership_for
from digitalstadt.core.audit import audit_log

from ..models import EventDate, Registration, RegistrationStatus
from . import room_providers
from .base import RoomDenied, RoomTicket, RoomUnavailable, safe_room_name

__all__ = ["RoomAccess", "room_access", "room_closes_at", "room_join_url", "room_link_released",
           "room_name_for", "room_opens_at"]

PARTICIPANT = "participant"
MODERATOR = "moderator"


@dataclass(frozen=True)
class RoomAccess:
    role: str            # "participant" or "moderator"
    display_name: str
    email: str

    @property
    def moderator(self) -> bool:
        return self.role == MODERATOR


def room_opens_at(event_date: EventDate) -> dt.datetime:
    return event_date.starts_at - dt.timedelta(minutes=int(getattr(settings, "ROOM_OPENS_MINUTES_BEFORE", 15)))


def room_closes_at(event_date: EventDate) -> dt.datetime:
    return event_date.ends_at


def room_link_released(*, event_date: EventDate, now: dt.datetime | None = None) -> bool:
    """Whether the date's room can be entered now (opens_at <= now < ends_at)."""
    now = now or timezone.now()
    return bool(event_date.room_provider) and not event_date.is_cancelled and (
        room_opens_at(event_date) <= now < room_closes_at(event_date))


def room_name_for(event_date: EventDate) -> str:
    return safe_room_name(event_date.room_name) or safe_room_name(f"ds-{event_date.series.slug}-{event_date.pk}")


def room_access(*, event_date: EventDate, user: Any) -> RoomAccess | None:
    """How `user` enters this date's room, or None (no confirmed registration, not in
    the organising partner organisation)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    name = user.get_full_name() or user.email
    if membership_for(user=user, organisation=event_date.series.organiser) is not None:
        return RoomAccess(role=MODERATOR, display_name=name, email=user.email)
    registration = (Registration.objects.filter(event_date=event_date, participant=user,
                                                status=RegistrationStatus.CONFIRMED)
                    .order_by("pk").first())
    if registration is None:
        return None
    return RoomAccess(role=PARTICIPANT, display_name=registration.name or name, email=user.email)


def _check_room(event_date: EventDate):
    if event_date.is_cancelled:
        raise RoomDenied(_("Dieser Termin ist abgesagt."), reason="cancelled")
    if not event_date.room_provider:
        raise RoomDenied(_("Dieser Termin findet nicht online statt."), reason="no_room")
    provider = room_providers.get(event_date.room_provider)
    if provider is None:
        raise RoomUnavailable(detail=f"room provider {event_date.room_provider!r} is not enabled")
    return provider


def room_join_url(*, event_date: EventDate, user: Any, now: dt.datetime | None = None,
                  return_url: str = "", ip_address: str | None = None) -> str:
    """The link that takes `user` into the date's room now. Raises RoomDenied (not
    registered, not released yet, closed, cancelled) or RoomUnavailable (the server)."""
    now = now or timezone.now()
    provider = _check_room(event_date)
    access = room_access(event_date=event_date, user=user)
    if access is None:
        raise RoomDenied(_("Der Online-Raum ist nur für angemeldete Teilnehmerinnen und Teilnehmer dieses "
                           "Termins."), reason="not_registered")
    opens_at = room_opens_at(event_date)
    if now < opens_at:
        raise RoomDenied(_("Der Online-Raum ist noch nicht geöffnet."), reason="not_released", opens_at=opens_at)
    if now >= room_closes_at(event_date):
        raise RoomDenied(_("Der Termin ist vorbei, der Online-Raum ist geschlossen."), reason="closed")
    grace = dt.timedelta(minutes=int(getattr(settings, "ROOM_TOKEN_GRACE_MINUTES", 15)))
    ticket = RoomTicket(
        room=room_name_for(event_date), title=str(event_date.series.title), display_name=access.display_name,
        user_id=f"ds-{user.pk}", email=access.email, moderator=access.moderator,
        not_before=opens_at, expires=room_closes_at(event_date) + grace, return_url=return_url)
    url = provider.join_url(ticket)
    audit_log(actor=user, action="business.room_joined", subject=event_date, data_subject=user,
              data={"provider": provider.id, "role": access.role}, ip_address=ip_address)
    return url
