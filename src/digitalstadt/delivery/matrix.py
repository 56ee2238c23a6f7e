"""Travel times and distances between points: the matrix the tour planner works on.

A matrix provider has `table(points) -> TravelMatrix`: integer seconds and metres from
every point to every point (`durations[i][j]`, row = from). Two providers:

- `StraightLineMatrix` (embedded default, offline): great-circle distance x a detour
  factor (default 1.3: streets are not straight lines), ridden at a cargo-bike speed
  (default 15 km/h). Both are arguments.
- `OsrmMatrix`: an OSRM server's table service,
  `GET {url}/table/v1/{profile}/{lon,lat;lon,lat;...}?annotations=duration,distance`.
  Large tables are asked in blocks (`sources`/`destinations`), so that no request has
  more than `max_table_size` coordinates (osrm-routed's `--max-table-size`, default
  100). An answer whose `code` is not "Ok", an HTTP error, a timeout, an unreadable
  body or a `null` entry (no route between two points) raises `MatrixUnavailable`;
  the caller decides whether to fall back to straight lines.

No Django here: the planner and the benchmarks use this module without settings
(`delivery.registry.matrix_provider()` picks the provider from the settings).
"""

from __future__ import annotations

import json
import math
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

import numpy as np

__all__ = ["EARTH_RADIUS_M", "MatrixProvider", "MatrixUnavailable", "OsrmMatrix", "Point", "StraightLineMatrix",
           "TravelMatrix", "haversine_m"]

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)


@dataclass(frozen=True)
class Point:
    """A position in WGS 84 degrees. Decimals (the database's DecimalField) are taken as floats."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        lat, lon = float(self.lat), float(self.lon)
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"not a position: lat={self.lat!r}, lon={self.lon!r}")
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)


@dataclass(frozen=True)
class TravelMatrix:
    """durations (s) and distances (m) as n x n int64 arrays, row = from, column = to."""

    durations: np.ndarray
    distances: np.ndarray

    def __post_init__(self) -> None:
        if self.durations.shape != self.distances.shape or self.durations.ndim != 2 \
                or self.durations.shape[0] != self.durations.shape[1]:
            raise ValueError("durations and distances must be square matrices of the same size")

    def __len__(self) -> int:
        return int(self.durations.shape[0])


class MatrixProvider(Protocol):
    id: str

    def table(self, points: Sequence[Point]) -> TravelMatrix: ...


class MatrixUnavailable(Exception):
    """The routing service gave no usable matrix (error answer, timeout, no route between two points)."""


def haversine_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres; works on floats and on numpy arrays (broadcasting)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


class StraightLineMatrix:
    """Great-circle distance x `detour_factor`, ridden at `speed_kmh`; rounded to whole metres and seconds."""

    id = "straight"

    def __init__(self, *, detour_factor: float = 1.3, speed_kmh: float = 15.0) -> None:
        if not detour_factor >= 1.0:
            raise ValueError("the detour factor must be at least 1")
        if not speed_kmh > 0:
            raise ValueError("the speed must be positive")
        self.detour_factor = float(detour_factor)
        self.speed_kmh = float(speed_kmh)

    def __repr__(self) -> str:
        return f"StraightLineMatrix(detour_factor={self.detour_factor}, speed_kmh={self.speed_kmh})"

    def table(self, points: Sequence[Point]) -> TravelMatrix:
        lat = np.array([p.lat for p in points], dtype=float)
        lon = np.array([p.lon for p in points], dtype=float)
        metres = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * self.detour_factor
        seconds = metres / (self.speed_kmh / 3.6)
        distances = np.rint(metres).astype(np.int64)
        durations = np.rint(seconds).astype(np.int64)
        np.fill_diagonal(distances, 0)
        np.fill_diagonal(durations, 0)
        return TravelMatrix(durations=durations, distances=distances)


class OsrmMatrix:
    """The table service of an OSRM server (`osrm-routed`), asked in blocks for large tables."""

    id = "osrm"

    def __init__(self, url: str, *, profile: str = "bike", timeout: float = 10.0, max_table_size: int = 100,
                 user_agent: str = "Digitalstadt tour planner") -> None:
        parts = urlsplit(url or "")
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("OSRM_URL must be an http(s) URL")
        if max_table_size < 2:
            raise ValueError("max_table_size must be at least 2")
        self.url = url.rstrip("/")
        self.profile = profile
        self.timeout = timeout
        self.max_table_size = int(max_table_size)
        self.user_agent = user_agent
        self.requests = 0  # how many HTTP requests this provider made (for tests and benchmarks)

    def __repr__(self) -> str:
        return f"OsrmMatrix({self.url!r}, profile={self.profile!r})"

    def table(self, points: Sequence[Point]) -> TravelMatrix:
        n = len(points)
        durations = np.zeros((n, n), dtype=np.int64)
        distances = np.zeros((n, n), dtype=np.int64)
        if n <= 1:
            return TravelMatrix(durations=durations, distances=distances)
        if n <= self.max_table_size:
            blocks = [list(range(n))]
            pairs = [(0, 0)]
        else:
            size = self.max_table_size // 2
            blocks = [list(range(start, min(start + size, n))) for start in range(0, n, size)]
            pairs = [(i, j) for i in range(len(blocks)) for j in range(len(blocks))]
        for i, j in pairs:
            sources, destinations = blocks[i], blocks[j]
            dur, dist = self._block(points, sources, destinations)
            durations[np.ix_(sources, destinations)] = dur
            distances[np.ix_(sources, destinations)] = dist
        np.fill_diagonal(durations, 0)
        np.fill_diagonal(distances, 0)
        return TravelMatrix(durations=durations, distances=distances)

    def _block(self, points: Sequence[Point], sources: list[int], destinations: list[int]):
        same = sources == destinations
        indices = sources if same else sources + destinations
        coordinates = ";".join(f"{points[k].lon:.6f},{points[k].lat:.6f}" for k in indices)
        params = {"annotations": "duration,distance"}
        if not same:
            params["sources"] = ";".join(str(k) for k in range(len(sources)))
            params["destinations"] = ";".join(str(len(sources) + k) for k in range(len(destinations)))
        url = f"{self.url}/table/v1/{self.profile}/{coordinates}?{urlencode(params, safe=';,')}"
        body = self._get(url)
        if not isinstance(body, dict):
            raise MatrixUnavailable("OSRM answered something that is not a JSON object")
        if body.get("code") != "Ok":
            raise MatrixUnavailable(f"OSRM answered {body.get('code')!r}: {body.get('message', '')}".rstrip(": "))
        dur = self._numbers(body.get("durations"), "durations", sources, destinations, points)
        dist = self._numbers(body.get("distances"), "distances", sources, destinations, points)
        return dur, dist

    def _get(self, url: str):
        self.requests += 1
        request = Request(url, headers={"User-Agent": self.user_agent, "Accept": "application/json"})
        try:
            with urlopen(request, timeout=self.timeout) as response:
                raw = response.read(50_000_000)
        except HTTPError as exc:
            # OSRM answers errors (InvalidQuery, TooBig, NoTable, ...) with 4xx and a JSON body.
            try:
                detail = json.loads(exc.read(100_000).decode("utf-8"))
            except (ValueError, UnicodeDecodeError, OSError):
                detail = {}
            code = detail.get("code", "") if isinstance(detail, dict) else ""
            message = detail.get("message", "") if isinstance(detail, dict) else ""
            raise MatrixUnavailable(f"OSRM answered HTTP {exc.code} {code} {message}".strip()) from exc
        except (TimeoutError, socket.timeout) as exc:
            raise MatrixUnavailable(f"OSRM did not answer within {self.timeout} s") from exc
        except URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise MatrixUnavailable(f"OSRM did not answer within {self.timeout} s") from exc
            raise MatrixUnavailable(f"OSRM is not reachable: {exc.reason}") from exc
        except OSError as exc:
            raise MatrixUnavailable(f"OSRM is not reachable: {exc}") from exc
        try:
            return json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise MatrixUnavailable("OSRM answered something that is not JSON") from exc

    @staticmethod
    def _numbers(rows, name: str, sources: list[int], destinations: list[int], points: Sequence[Point]):
        if not isinstance(rows, list) or len(rows) != len(sources) \
                or any(not isinstance(row, list) or len(row) != len(destinations) for row in rows):
            raise MatrixUnavailable(f"OSRM's {name} do not have the shape asked for "
                                    f"({len(sources)} x {len(destinations)}; annotations missing?)")
        out = np.zeros((len(sources), len(destinations)), dtype=np.int64)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    a, b = points[sources[r]], points[destinations[c]]
                    raise MatrixUnavailable(f"OSRM has no route from ({a.lat}, {a.lon}) to ({b.lat}, {b.lon})")
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                        or value < 0:
                    raise MatrixUnavailable(f"OSRM answered a {name} entry that is not a number: {value!r}")
                out[r, c] = round(value)
        return out
