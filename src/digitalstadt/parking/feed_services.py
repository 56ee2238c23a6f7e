"""Occupancy from outside: the pull plugins `parkapi_v3` and `datex2` (registered in
hooks_feeds) and the operators' push over HTTP (api_feeds).

Both go through the pure parsers in `formats` and the shared `formats.screen` (unknown
car parks, readings from the future, more free spaces than capacity), then
`carpark_services.occupancy_record`, which is idempotent (an instant already stored is
ignored), so a replayed pull or push stores nothing twice.

Pull: a car park names the plugin (`CarPark.feed_plugin`), its source (`feed_url`) and
its id there (`feed_external_id`, else its slug). Each URL is fetched once per poll. A
document that is no document (not the format, too large, an XML bomb, a wrong
namespace) raises FeedError when no URL of the plugin could be read, and is logged
otherwise; single bad items are logged with their reason and left out, the good ones
of the same document count.

Push: all or nothing. An operator may only write its own car parks (`CarPark.operator`):
naming another operator's car park refuses the whole request (PermissionDenied, 403);
any other rejected item refuses it too (PushRejected, 422, with every reason), so a
half-understood batch never changes anything. One audit entry per accepted push.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log

from .carpark_services import occupancy_record
from .feeds import FeedError, Reading
from .formats import MAX_BODY_BYTES, MAX_ITEMS, FeedItem, FormatError, Rejection, datex2, parkapi, screen
from .models import CarPark

__all__ = ["PushRejected", "PushResult", "fetch_datex2", "fetch_parkapi_v3", "occupancy_push"]

logger = logging.getLogger(__name__)

Parser = Callable[[bytes], tuple[list[FeedItem], list[Rejection]]]


def _key(carpark: CarPark) -> str:
    return carpark.feed_external_id or carpark.slug


def _to_readings(items: Sequence[FeedItem]) -> list[Reading]:
    # A reading without a free-space figure (only "closed") has nothing to store.
    return [Reading(external_id=i.external_id, at=i.observed_at, free=i.free, capacity=i.capacity)
            for i in items if i.free is not None]


# --- pull ------------------------------------------------------------------------------

def _download(url: str) -> bytes:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FeedError(f"not an http(s) URL: {url[:100]}")
    timeout = float(getattr(settings, "PARKING_FEED_TIMEOUT_SECONDS", 10))
    request = Request(url, headers={"Accept": "application/json, application/xml;q=0.9",
                                    "User-Agent": "Digitalstadt parking feed"})
    try:
        with urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            body = response.read(MAX_BODY_BYTES + 1)
    except (URLError, OSError, ValueError) as exc:
        raise FeedError(f"{url[:100]}: {exc}") from None
    if len(body) > MAX_BODY_BYTES:
        raise FeedError(f"{url[:100]}: document too large")
    return body


def _pull(plugin: str, carparks: Sequence[CarPark], now: dt.datetime,
          parser_for: Callable[[CarPark], Parser]) -> list[Reading]:
    by_url: dict[str, list[CarPark]] = {}
    for carpark in carparks:
        if carpark.feed_url:
            by_url.setdefault(carpark.feed_url, []).append(carpark)
    readings: list[Reading] = []
    failures: list[str] = []
    for url, group in by_url.items():
        try:
            items, rejected = parser_for(group[0])(_download(url))
        except (FeedError, FormatError) as exc:
            logger.warning("parking feed %s: %s refused: %s", plugin, url[:100], exc)
            failures.append(str(exc))
            continue
        except Exception as exc:  # noqa: BLE001 (a hostile document must not stop the other URLs)
            logger.exception("parking feed %s: %s failed unexpectedly", plugin, url[:100])
            failures.append(f"{url[:100]}: {type(exc).__name__}")
            continue
        capacities = {_key(c): c.capacity for c in group}
        # Other car parks of the same source are no concern of ours: not an error.
        items = [i for i in items if i.external_id in capacities]
        accepted, screened_out = screen(items, known_ids=set(capacities), now=now, capacities=capacities)
        for rejection in [*rejected, *screened_out]:
            logger.warning("parking feed %s: %s item %s rejected: %s", plugin, url[:100], rejection.ref[:80],
                           rejection.reason)
        readings += _to_readings(accepted)
    if failures and not readings:
        raise FeedError("; ".join(failures)[:500])
    return readings


def fetch_parkapi_v3(*, carparks: Sequence[CarPark], now: dt.datetime) -> list[Reading]:
    """The `parkapi_v3` pull plugin: GET `feed_url`, a ParkAPI v3 realtime document."""
    return _pull("parkapi_v3", carparks, now, lambda carpark: parkapi.parse_realtime)


def _datex2_parser(carpark: CarPark) -> Parser:
    chosen = (carpark.feed_config or {}).get("format") if isinstance(carpark.feed_config, dict) else None
    if chosen == "light":
        return datex2.parse_light
    if chosen == "status":
        return datex2.parse_status

    def sniff(body: bytes) -> tuple[list[FeedItem], list[Rejection]]:
        return (datex2.parse_light if body.lstrip()[:1] == b"{" else datex2.parse_status)(body)

    return sniff


def fetch_datex2(*, carparks: Sequence[CarPark], now: dt.datetime) -> list[Reading]:
    """The `datex2` pull plugin: GET `feed_url`, a DATEX II v3 ParkingStatusPublication
    (XML) or a Parking Publication Light (JSON); `feed_config["format"]` = "status" or
    "light" fixes it, otherwise the body decides."""
    return _pull("datex2", carparks, now, _datex2_parser)


# --- push ------------------------------------------------------------------------------

class PushRejected(ValueError):
    def __init__(self, rejections: list[Rejection]):
        super().__init__("; ".join(f"{r.ref}: {r.reason}" for r in rejections[:20]))
        self.rejections = rejections


@dataclass(frozen=True)
class PushResult:
    received: int
    stored: int  # new readings (a replay stores 0)
    carparks: int


def occupancy_push(*, organisation: Any, items: Sequence[FeedItem], rejected: Sequence[Rejection],
                   source_format: str, token_name: str = "", now: dt.datetime | None = None) -> PushResult:
    """Store an operator's pushed readings, all or nothing (see the module docstring)."""
    now = now or timezone.now()
    if len(items) > MAX_ITEMS:
        raise PushRejected([Rejection("*", f"more than {MAX_ITEMS} items")])
    keys = {item.external_id for item in items}
    named = list(CarPark.objects.filter(active=True, slug__in=keys)) + list(
        CarPark.objects.filter(active=True, feed_external_id__in=keys))
    own = {_key(c): c for c in named if c.operator_id == organisation.pk}
    foreign = sorted({_key(c) for c in named if c.operator_id != organisation.pk and _key(c) in keys} - set(own))
    if foreign:
        logger.warning("parking push by organisation %s refused: not its car parks %s", organisation.pk, foreign)
        raise PermissionDenied(_("Diese Parkhäuser gehören nicht zu Ihrer Organisation: %(ids)s")
                               % {"ids": ", ".join(foreign[:10])})
    accepted, screened_out = screen(list(items), known_ids=set(own), now=now,
                                    capacities={key: c.capacity for key, c in own.items()})
    problems = [*rejected, *screened_out]
    if not accepted and not problems:
        problems = [Rejection("*", "no readings")]
    if problems:
        logger.warning("parking push by organisation %s rejected: %s", organisation.pk,
                       "; ".join(f"{r.ref[:80]}: {r.reason}" for r in problems[:20]))
        raise PushRejected(problems)
    stored = 0
    with transaction.atomic():
        by_key: dict[str, list[Reading]] = {}
        for reading in _to_readings(accepted):
            by_key.setdefault(reading.external_id, []).append(reading)
        for key, readings in by_key.items():
            stored += occupancy_record(carpark=own[key], readings=readings, source=f"push:{organisation.slug}",
                                       now=now)
        if stored:
            audit_log(actor=None, system=f"api-token:{token_name}"[:60], action="parking.occupancy_pushed",
                      subject=organisation,
                      data={"format": source_format, "received": len(items), "stored": stored,
                            "carparks": sorted(by_key)[:50]})
    return PushResult(received=len(items), stored=stored, carparks=len(by_key))
