"""A small local stand-in for an OSRM server's table service, for tests.

It speaks OSRM's HTTP API for `GET /table/v1/{profile}/{lon,lat;...}` with `sources`,
`destinations` and `annotations` (JSON with `code`, `durations`, `distances`,
`sources`, `destinations`), computed from straight lines (its own great-circle
formula, `detour_factor`, `speed_kmh`), and OSRM's error answers: `InvalidUrl`,
`InvalidQuery`, `InvalidOptions`, `TooBig` (more than `max_table_size` coordinates,
like osrm-routed's `--max-table-size`). It can simulate trouble:

- `fail = (status, code, message)`: every request gets that error answer;
- `unreachable = {Point(...)}`: entries to and from these points are `null`;
- `stall = True`: requests get no answer until the server stops (for client timeouts);
- `garbage = True`: the body is not JSON.

`requests` records (profile, number of coordinates, query) of every request.

    with OsrmStandIn() as osrm:
        OsrmMatrix(osrm.url).table(points)
"""

from __future__ import annotations

import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["OsrmStandIn"]

_EARTH_RADIUS_M = 6_371_008.8


def _great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


class OsrmStandIn:
    def __init__(self, *, detour_factor: float = 1.4, speed_kmh: float = 18.0, max_table_size: int = 100) -> None:
        self.detour_factor = detour_factor
        self.speed_kmh = speed_kmh
        self.max_table_size = max_table_size
        self.fail: tuple[int, str, str] | None = None
        self.unreachable: set = set()
        self.stall = False
        self.garbage = False
        self.requests: list[tuple[str, int, dict[str, str]]] = []
        self._stop = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = stand_in._answer(self.path)
                if stand_in.stall:
                    stand_in._stop.wait()
                    return
                data = b"<html>502 Bad Gateway</html>" if stand_in.garbage else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self) -> OsrmStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    # --- the table service ---------------------------------------------------------------

    def _answer(self, raw_path: str) -> tuple[int, dict]:
        parts = urlsplit(raw_path)
        segments = parts.path.split("/")
        # ["", "table", "v1", profile, coordinates]
        if len(segments) != 5 or segments[1] != "table" or segments[2] != "v1" or not segments[3]:
            return 400, {"code": "InvalidUrl", "message": f"URL string malformed close to position 1: {parts.path!r}"}
        profile, raw_coordinates = segments[3], unquote(segments[4])
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        try:
            coordinates = [tuple(float(v) for v in pair.split(",")) for pair in raw_coordinates.split(";")]
            if any(len(c) != 2 or not (-180 <= c[0] <= 180 and -90 <= c[1] <= 90) for c in coordinates):
                raise ValueError
        except ValueError:
            self.requests.append((profile, 0, query))
            return 400, {"code": "InvalidQuery", "message": "Query string malformed close to position 0"}
        self.requests.append((profile, len(coordinates), query))
        if self.fail is not None:
            status, code, message = self.fail
            return status, {"code": code, "message": message}
        if len(coordinates) > self.max_table_size:
            return 400, {"code": "TooBig", "message": "Too many table coordinates"}
        try:
            sources = [int(v) for v in query["sources"].split(";")] if "sources" in query else None
            destinations = [int(v) for v in query["destinations"].split(";")] if "destinations" in query else None
        except ValueError:
            return 400, {"code": "InvalidOptions", "message": "Sources or destinations are not numbers"}
        sources = sources if sources is not None else list(range(len(coordinates)))
        destinations = destinations if destinations is not None else list(range(len(coordinates)))
        if any(not 0 <= k < len(coordinates) for k in sources + destinations):
            return 400, {"code": "InvalidOptions", "message": "Source or destination indices are greater than "
                                                              "number of coordinates"}
        annotations = set(query.get("annotations", "duration").split(","))
        if not annotations <= {"duration", "distance"}:
            return 400, {"code": "InvalidOptions", "message": "Unknown annotations"}
        blocked = {(round(p.lon, 6), round(p.lat, 6)) for p in self.unreachable}

        def entry(i: int, j: int, what: str):
            a, b = coordinates[i], coordinates[j]
            if i != j and ((round(a[0], 6), round(a[1], 6)) in blocked or (round(b[0], 6), round(b[1], 6)) in blocked):
                return None
            metres = _great_circle_m(a[1], a[0], b[1], b[0]) * self.detour_factor
            value = metres if what == "distance" else metres / (self.speed_kmh / 3.6)
            return round(value, 1)

        body: dict = {"code": "Ok"}
        if "duration" in annotations:
            body["durations"] = [[entry(i, j, "duration") for j in destinations] for i in sources]
        if "distance" in annotations:
            body["distances"] = [[entry(i, j, "distance") for j in destinations] for i in sources]
        waypoint = lambda k: {"hint": "", "distance": 0.0, "name": "", "location": list(coordinates[k])}  # noqa: E731
        body["sources"] = [waypoint(k) for k in sources]
        body["destinations"] = [waypoint(k) for k in destinations]
        return 200, body
