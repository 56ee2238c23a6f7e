"""The join page of a date's online room (/weiterbildung/raum/<date_id>/) and the
platform's local demo room (/raum-simulator/<room>/, see rooms/simulator.py).

The join page never shows the provider's link: the button POSTs, the service makes the
link for this person at that moment (audited) and the answer redirects to it."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from digitalstadt.core.ratelimit import client_ip, hit

from .models import EventDate
from .rooms import room_providers
from .rooms.base import RoomDenied, RoomUnavailable
from .rooms.services import room_access, room_closes_at, room_join_url, room_opens_at
from .rooms.simulator import verify_simulator_token

logger = logging.getLogger(__name__)

POLL_SECONDS = 30
# Each click may call the provider's server (BigBlueButton's create): 10 a minute a person.
JOIN_LIMIT = (10, 60)


def _state(event_date: EventDate, now) -> str:
    if event_date.is_cancelled:
        return "cancelled"
    if not event_date.room_provider:
        return "no_room"
    if now < room_opens_at(event_date):
        return "before"
    if now >= room_closes_at(event_date):
        return "closed"
    return "open"


@login_required
@require_http_methods(["GET", "POST"])
def room_join(request, date_id: int):
    event_date = EventDate.objects.select_related("series__organiser").filter(pk=date_id).first()
    if event_date is None:
        raise Http404
    access = room_access(event_date=event_date, user=request.user)
    context = {"event_date": event_date, "series": event_date.series, "access": access,
               "opens_at": room_opens_at(event_date), "poll_seconds": POLL_SECONDS}
    if access is None:
        return render(request, "business/room_denied.html", context, status=403)
    if request.method == "POST":
        if not hit(scope="room-join", key=str(request.user.pk), limit=JOIN_LIMIT[0], period=JOIN_LIMIT[1]):
            return render(request, "429.html", status=429)
        try:
            url = room_join_url(event_date=event_date, user=request.user, return_url=request.build_absolute_uri(),
                                ip_address=client_ip(request))
        except RoomDenied as denied:
            context |= {"state": _state(event_date, timezone.now()), "error": denied.message}
            return render(request, "business/room_join.html", context, status=409)
        except RoomUnavailable as unavailable:
            logger.warning("room for date %s unavailable: %s", event_date.pk, unavailable.detail)
            context |= {"state": _state(event_date, timezone.now()), "error": unavailable.message}
            return render(request, "business/room_join.html", context, status=503)
        return HttpResponseRedirect(url)
    context["state"] = _state(event_date, timezone.now())
    if request.htmx:
        return render(request, "business/_room_status.html", context)
    return render(request, "business/room_join.html", context)


def room_simulator(request, room: str):
    if room_providers.get("simulator") is None:
        raise Http404
    claims = verify_simulator_token(request.GET.get("jwt", ""), room=room)
    if claims is None:
        return render(request, "business/room_simulator_refused.html", {"room": room}, status=403)
    user = claims["context"]["user"]
    moderator = user.get("moderator") is True or user.get("affiliation") in ("owner", "moderator")
    return render(request, "business/room_simulator.html", {
        "room": room, "name": user["name"], "moderator": moderator,
        "expires": dt.datetime.fromtimestamp(claims["exp"], tz=timezone.get_current_timezone())})
