"""The delivery app's extension points (core's generic Registry).

`travel_matrices`: where the tour planner gets its travel times and distances from.
Two are registered: "straight" (embedded, offline: straight line x a detour factor at
cargo-bike speed) and "osrm" (an OSRM server's table service at `OSRM_URL`).
`matrix_provider()` gives the one in use: OSRM when `OSRM_URL` is set, else straight
lines. Settings (all optional, read when the provider is made):

- `OSRM_URL` (e.g. "http://osrm.internal:5000"), `OSRM_PROFILE` (default "bike"),
  `OSRM_TIMEOUT` (seconds, default 10), `OSRM_MAX_TABLE_SIZE` (default 100, as
  osrm-routed's `--max-table-size`);
- `DELIVERY_DETOUR_FACTOR` (default 1.3) and `DELIVERY_BIKE_SPEED_KMH` (default 15)
  for straight lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from digitalstadt.core.registry import Registry

from .matrix import MatrixProvider, OsrmMatrix, StraightLineMatrix

__all__ = ["TravelMatrixSource", "matrix_provider", "travel_matrices"]


@dataclass(frozen=True)
class TravelMatrixSource:
    """`create()` returns a matrix provider (`table(points) -> TravelMatrix`) configured from the settings."""

    id: str
    label: Any
    create: Callable[[], MatrixProvider] = field(compare=False)
    needs_url: bool = False

    def system_check(self) -> list[str]:
        if self.needs_url and getattr(settings, "OSRM_URL", ""):
            try:
                self.create()
            except ValueError as exc:
                return [str(exc)]
        return []


def _straight() -> MatrixProvider:
    return StraightLineMatrix(detour_factor=float(getattr(settings, "DELIVERY_DETOUR_FACTOR", 1.3)),
                              speed_kmh=float(getattr(settings, "DELIVERY_BIKE_SPEED_KMH", 15.0)))


def _osrm() -> MatrixProvider:
    return OsrmMatrix(getattr(settings, "OSRM_URL", ""), profile=getattr(settings, "OSRM_PROFILE", "bike"),
                      timeout=float(getattr(settings, "OSRM_TIMEOUT", 10)),
                      max_table_size=int(getattr(settings, "OSRM_MAX_TABLE_SIZE", 100)))


travel_matrices: Registry[TravelMatrixSource] = Registry(
    "delivery.travel_matrices",
    description="travel times and distances for the tour planner (straight lines, or OSRM at OSRM_URL)")
travel_matrices.register(TravelMatrixSource("straight", "Luftlinie x Umwegfaktor (eingebaut)", _straight))
travel_matrices.register(TravelMatrixSource("osrm", "OSRM-Tabellendienst (OSRM_URL)", _osrm, needs_url=True))


def matrix_provider() -> MatrixProvider:
    """The provider in use: OSRM when settings.OSRM_URL is set, else straight lines."""
    source_id = "osrm" if getattr(settings, "OSRM_URL", "") else "straight"
    source = travel_matrices.get(source_id) or travel_matrices.registered(source_id)
    return source.create()
