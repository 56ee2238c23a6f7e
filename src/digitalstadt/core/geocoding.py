"""The geocoder plugin: an address in the city -> a position (and its district).

`geocode(street=, house_number=, postal_code=, city=)` returns a `Position`
(latitude, longitude, source, district) or None when the address is not found. Which
geocoder answers is the setting `GEOCODER` (an id in the `geocoders` registry):

- "streets" (default, embedded, offline): the shipped street list of the city
  (core/data/darmstadt_streets.csv, demo data with approximate coordinates);
- "nominatim": a Nominatim server's `/search?format=jsonv2` at `GEOCODER_URL`;
- "photon": a Photon server's `/api?q=` at `GEOCODER_URL`.

A remote geocoder that does not answer (or finds nothing) falls back to the street
list, so a shop in a known street always gets a position; the `source` says which one
answered. Core imports no app: the street list is data in core, not the register app.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.error import URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

from django.conf import settings

from .registry import Registry

__all__ = ["Geocoder", "Position", "geocode", "geocoders", "known_districts", "split_street"]

logger = logging.getLogger(__name__)

STREETS_FILE = Path(__file__).resolve().parent / "data" / "darmstadt_streets.csv"


class Position(NamedTuple):
    latitude: Decimal
    longitude: Decimal
    source: str
    district: str = ""


@dataclass(frozen=True)
class Geocoder:
    id: str
    label: Any
    lookup: Any = field(compare=False)  # (street=, house_number=, postal_code=, city=) -> Position | None
    needs_url: bool = False

    def system_check(self) -> list[str]:
        if self.needs_url and not getattr(settings, "GEOCODER_URL", ""):
            return [f"GEOCODER={self.id!r} needs GEOCODER_URL"]
        return []


geocoders: Registry[Geocoder] = Registry(
    "geocoders", enabled=lambda: [getattr(settings, "GEOCODER", "streets") or "streets"],
    description="address -> position (GEOCODER: streets, nominatim, photon)")


# --- helpers ---------------------------------------------------------------------------

_HOUSE_NUMBER = re.compile(r"^(?P<street>.*?\D)\s*(?P<number>\d{1,4}\s?[a-zA-Z]?(\s?-\s?\d{1,4}\s?[a-zA-Z]?)?)$")


def split_street(value: str) -> tuple[str, str]:
    """"Rheinstraße 12a" -> ("Rheinstraße", "12a"); without a number the number is ""."""
    value = " ".join((value or "").split())
    match = _HOUSE_NUMBER.match(value)
    if not match:
        return value, ""
    return match.group("street").strip().rstrip(","), match.group("number").replace(" ", "")


def _normalise(name: str) -> str:
    name = " ".join((name or "").casefold().split())
    name = name.replace("ß", "ss")
    name = re.sub(r"str\.?$", "strasse", name)
    name = re.sub(r"str\.?\s", "strasse ", name)
    return name.replace("-", " ").replace(".", "").strip()


@dataclass(frozen=True)
class _Street:
    name: str
    postal_code: str
    district: str
    latitude: Decimal
    longitude: Decimal


@lru_cache(maxsize=1)
def _street_index() -> dict[str, list[_Street]]:
    index: dict[str, list[_Street]] = {}
    with STREETS_FILE.open(encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if line.strip() and not line.startswith("#")), delimiter=";")
        for name, postal_code, district, lat, lon in rows:
            street = _Street(name, postal_code, district, Decimal(lat), Decimal(lon))
            index.setdefault(_normalise(name), []).append(street)
    return index


def known_districts() -> list[str]:
    """The districts of the street list, in the order they first appear."""
    seen: dict[str, None] = {}
    for streets in _street_index().values():
        for street in streets:
            seen.setdefault(street.district, None)
    return list(seen)


def _number_offset(house_number: str) -> Decimal:
    digits = re.match(r"\d+", house_number or "")
    # A few metres per house number (at most ~100 m): approximate by design.
    return Decimal(int(digits.group()) % 100) * Decimal("0.00001") if digits else Decimal(0)


def streets_lookup(*, street: str, house_number: str = "", postal_code: str = "", city: str = "") -> Position | None:
    if city and _normalise(city) not in {"darmstadt", ""}:
        return None
    if not house_number:
        street, house_number = split_street(street)
    candidates = _street_index().get(_normalise(street), [])
    if not candidates:
        return None
    match = next((s for s in candidates if s.postal_code == (postal_code or "").strip()), candidates[0])
    offset = _number_offset(house_number)
    return Position(
        (match.latitude + offset).quantize(Decimal("0.000001")),
        (match.longitude + offset).quantize(Decimal("0.000001")),
        "streets", match.district)


# --- remote geocoders ------------------------------------------------------------------


def _get_json(path: str, params: dict[str, str]) -> Any:
    base = getattr(settings, "GEOCODER_URL", "").rstrip("/")
    if urlsplit(base).scheme not in {"http", "https"}:
        raise ValueError("GEOCODER_URL must be an http(s) URL")
    request = Request(f"{base}{path}?{urlencode(params)}", headers={
        # Nominatim's usage policy asks for an identifying User-Agent.
        "User-Agent": getattr(settings, "GEOCODER_USER_AGENT", "Digitalstadt geocoder"),
        "Accept": "application/json", "Accept-Language": "de"})
    with urlopen(request, timeout=getattr(settings, "GEOCODER_TIMEOUT", 5)) as response:
        return json.loads(response.read(2_000_000).decode("utf-8"))


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.000001"))


def nominatim_lookup(*, street: str, house_number: str = "", postal_code: str = "",
                     city: str = "") -> Position | None:
    if not house_number:
        street, house_number = split_street(street)
    params = {"format": "jsonv2", "street": f"{house_number} {street}".strip(), "postalcode": postal_code,
              "city": city or getattr(settings, "GEOCODER_CITY", "Darmstadt"), "countrycodes": "de",
              "addressdetails": "1", "limit": "1"}
    results = _get_json("/search", {k: v for k, v in params.items() if v})
    if not isinstance(results, list) or not results:
        return None
    first = results[0]
    address = first.get("address") or {}
    district = address.get("city_district") or address.get("suburb") or address.get("quarter") or ""
    return Position(_decimal(first["lat"]), _decimal(first["lon"]), "nominatim", str(district))


def photon_lookup(*, street: str, house_number: str = "", postal_code: str = "", city: str = "") -> Position | None:
    if not house_number:
        street, house_number = split_street(street)
    city = city or getattr(settings, "GEOCODER_CITY", "Darmstadt")
    query = f"{street} {house_number}, {postal_code} {city}".replace(" ,", ",").strip()
    collection = _get_json("/api", {"q": query, "limit": "1", "lang": "de"})
    features = (collection or {}).get("features") if isinstance(collection, dict) else None
    if not features:
        return None
    feature = features[0]
    lon, lat = feature["geometry"]["coordinates"][:2]
    props = feature.get("properties") or {}
    district = props.get("district") or props.get("locality") or ""
    return Position(_decimal(lat), _decimal(lon), "photon", str(district))


geocoders.register(Geocoder("streets", "Straßenverzeichnis (eingebaut, ungefähre Positionen)", streets_lookup))
geocoders.register(Geocoder("nominatim", "Nominatim (GEOCODER_URL)", nominatim_lookup, needs_url=True))
geocoders.register(Geocoder("photon", "Photon (GEOCODER_URL)", photon_lookup, needs_url=True))


def geocode(*, street: str, house_number: str = "", postal_code: str = "", city: str = "") -> Position | None:
    """The position of an address, or None. Never raises for an unreachable server."""
    enabled = geocoders.all()
    geocoder = enabled[0] if enabled else geocoders.registered("streets")
    kwargs = {"street": street or "", "house_number": house_number or "", "postal_code": postal_code or "",
              "city": city or ""}
    if geocoder.id != "streets":
        try:
            found = geocoder.lookup(**kwargs)
        except (URLError, OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            logger.warning("geocoder %s failed (%s); using the street list", geocoder.id, exc)
            found = None
        if found is not None:
            if not found.district:
                local = streets_lookup(**kwargs)
                if local is not None:
                    found = found._replace(district=local.district)
            return found
    return streets_lookup(**kwargs)
