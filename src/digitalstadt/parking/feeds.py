"""Where car-park occupancy comes from: one plugin per kind of feed (core's generic Registry).

A feed plugin turns a source into `Reading`s (external id, instant, free spaces,
optionally the capacity the source reports). The poller (`carpark_services.feeds_poll`,
run by `manage.py parking_poll_feeds` and the `poll_feeds` task) asks every enabled
pull plugin once for all active car parks that name it (`CarPark.feed_plugin`,
`feed_enabled`) and stores what comes back with `occupancy_record`, which matches a
reading to a car park by `CarPark.feed_external_id` (or its slug when that is empty).

Registered here: "simulator" (the demo feed, parking/simulator.py, SIMULATED figures).
Other apps or modules add theirs with `register_feed(FeedPlugin(...))`:

    register_feed(FeedPlugin("parkapi", _("ParkAPI v3 (JSON)"), fetch=my_fetch))

`fetch(*, carparks, now)` gets the car parks (with `feed_url`, `feed_config`,
`feed_external_id`) and returns readings; it raises `FeedError` when the source cannot
be read (the poller logs it and carries on with the other plugins). A plugin with
`pull=False` (pushed by the operator over HTTP) is never polled.

Settings: `PARKING_FEED_PLUGINS` (ids enabled; default: every registered plugin),
`PARKING_STALE_MINUTES` (default 20: an older latest reading is shown as stale).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import Registry

from . import simulator

__all__ = ["FeedError", "FeedPlugin", "Reading", "feed_plugins", "register_feed", "simulator_profile"]


class FeedError(Exception):
    """A source could not be read or parsed (network, format): the poll of that plugin fails, nothing is stored."""


@dataclass(frozen=True)
class Reading:
    """Free spaces of one car park at one instant, as a source reported it."""

    external_id: str
    at: dt.datetime
    free: int
    capacity: int | None = None


@dataclass(frozen=True)
class FeedPlugin:
    id: str
    label: Any
    fetch: Callable[..., Iterable[Reading]] | None = field(default=None, compare=False)
    pull: bool = True
    description: Any = ""

    def read(self, *, carparks: Sequence[Any], now: dt.datetime) -> list[Reading]:
        if self.fetch is None:
            return []
        return list(self.fetch(carparks=carparks, now=now))


def _enabled_ids() -> list[str]:
    configured = getattr(settings, "PARKING_FEED_PLUGINS", None)
    return list(configured) if configured is not None else list(feed_plugins._entries)


feed_plugins: Registry[FeedPlugin] = Registry(
    "parking.feed_plugins", enabled=_enabled_ids,
    description="sources of car-park occupancy (simulator, ParkAPI, DATEX II, operator push)")


def register_feed(plugin: FeedPlugin) -> FeedPlugin:
    feed_plugins.register(plugin)
    return plugin


# --- the demo feed ---------------------------------------------------------------------

SIMULATOR_STEP = dt.timedelta(minutes=5)


def simulator_profile(carpark: Any) -> simulator.Profile:
    kind = carpark.simulator_kind if carpark.simulator_kind in simulator.KINDS else "shopping"
    return simulator.Profile(key=carpark.slug, capacity=carpark.capacity, kind=kind,
                             events=carpark.simulator_events or "")


def _floor(at: dt.datetime, step: dt.timedelta) -> dt.datetime:
    seconds = int(step.total_seconds())
    epoch = int(at.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _simulated(*, carparks: Sequence[Any], now: dt.datetime) -> list[Reading]:
    """The simulator's figure for each car park at `now` (floored to 5 minutes, so polling twice stores one row)."""
    at = _floor(now, SIMULATOR_STEP)
    return [Reading(external_id=carpark.feed_external_id or carpark.slug, at=at,
                    free=simulator.free_spaces(simulator_profile(carpark), at), capacity=carpark.capacity)
            for carpark in carparks]


register_feed(FeedPlugin("simulator", _("Simulator (Demo, simulierte Belegung)"), fetch=_simulated,
                         description=_("Simulierte Belegung für die Demo: Wochentage, Samstage, Abende, "
                                       "Feiertage und Veranstaltungen")))
