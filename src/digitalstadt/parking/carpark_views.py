"""The public car-park pages (/parken/): the list by distance and free spaces (the
primary view, live through htmx polling, with a map beside it that works without
tiles), a car park's page, and the PWA files. Occupancy in the demo is SIMULATED."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from digitalstadt.core.params import BadParameter, query_choice, query_text

from .carpark_selectors import (
    carpark_by_slug,
    carpark_status,
    carparks_by_distance,
    carparks_nearby,
    expected_free,
    history_of_day,
    opening_rows,
    parking_places,
    place_by_slug,
    stale_minutes,
    tariffs_valid_on,
)

POLL_SECONDS = 60
ORDERS = {"entfernung": "distance", "frei": "free"}
CACHE_NAME = "ds-parken-v1"
ASSETS = ("vendor/kern/kern.min.css", "vendor/kern/fonts/fira-sans.css", "css/site.css", "css/carparks.css",
          "img/logo.svg", "vendor/htmx/htmx.min.js", "js/site.js", "js/carparks.js", "js/shop-map.js",
          "vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css")


def _coordinate(data, name: str, low: float, high: float) -> float | None:
    raw = query_text(data, name, max_length=20)
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = None
    if value is None or value != value or not low <= value <= high:  # NaN or out of range
        raise BadParameter(_("„%(name)s“ ist keine gültige Koordinate.") % {"name": name}, name=name, value=raw)
    return value


def _origin(request):
    """The point the list is sorted from: a named place (ort), or lat/lon with a label
    (von: the shop the driver came from, or "Ihr Standort"); Luisenplatz by default."""
    lat = _coordinate(request.GET, "lat", -90, 90)
    lon = _coordinate(request.GET, "lon", -180, 180)
    places = parking_places()
    if lat is not None and lon is not None:
        label = query_text(request.GET, "von", max_length=80) or _("Ihr Standort")
        return lat, lon, label, "", {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "von": label}
    slug = query_choice(request.GET, "ort", [p.slug for p in places], default=places[0].slug if places else "")
    place = place_by_slug(slug=slug)
    if place is None:
        return None, None, "", "", {}
    return place.latitude, place.longitude, place.name, place.slug, {"ort": place.slug}


def carpark_list(request):
    lat, lon, origin_label, place_slug, origin_query = _origin(request)
    order_word = query_choice(request.GET, "sortierung", list(ORDERS), default="entfernung")
    now = timezone.now()
    statuses = carparks_by_distance(latitude=lat, longitude=lon, now=now, order=ORDERS[order_word])
    query = urlencode({**origin_query, "sortierung": order_word})
    context = {
        "statuses": statuses, "places": parking_places(), "place_slug": place_slug, "origin_label": origin_label,
        "origin_query": origin_query, "order": order_word, "query": query, "now": timezone.localtime(now),
        "poll_seconds": POLL_SECONDS, "stale_minutes": stale_minutes(), "origin_lat": lat, "origin_lon": lon,
        "any_demo": any(s.carpark.is_demo for s in statuses), "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "total_free": sum(s.free for s in statuses if s.free is not None), "city_town": settings.CITY_TOWN,
    }
    if request.htmx and request.GET.get("teil") == "liste":
        return render(request, "parking/carparks/_list.html", context)
    return render(request, "parking/carparks/list.html", context)


FORECAST_HOURS = (1, 2, 3, 4)


def carpark_detail(request, slug):
    carpark = carpark_by_slug(slug=slug)
    if carpark is None:
        raise Http404
    now = timezone.now()
    status = carpark_status(carpark=carpark, now=now)
    context = {"carpark": carpark, "status": status, "now": timezone.localtime(now), "poll_seconds": POLL_SECONDS}
    if request.htmx and request.GET.get("teil") == "stand":
        return render(request, "parking/carparks/_status.html", context)
    tariffs = tariffs_valid_on(carpark=carpark, day=timezone.localdate(now))
    language = get_language()
    expected = []
    for hours in FORECAST_HOURS:
        at = now + dt.timedelta(hours=hours)
        value = expected_free(carpark=carpark, at=at)
        if value is not None:
            expected.append((timezone.localtime(at), value))
    context.update({
        "tariffs": [(t, t.description(language)) for t in tariffs], "hours": opening_rows(carpark=carpark),
        "history": history_of_day(carpark=carpark, now=now), "expected": expected,
        "operator_name": carpark.operator.name if carpark.operator_id else settings.CITY_NAME,
    })
    return render(request, "parking/carparks/detail.html", context)


SERVICE_WORKER = """// Parking app service worker (scope %(scope)s): the car-park list and pages are
// fetched from the network first (free spaces change by the minute); the last copy is
// shown when the network is gone. The app's files come from the cache.
const CACHE = "%(cache)s";
const START_URL = "%(start)s";
const ASSETS = %(assets)s;
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([START_URL, ...ASSETS])).catch(() => null));
  self.skipWaiting();
});
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k.startsWith("ds-parken-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then((response) => {
      if (response.ok && !response.redirected) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    }).catch(() => caches.match(request, {ignoreVary: true})
      .then((hit) => hit || caches.match(START_URL, {ignoreVary: true}))));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request, {ignoreVary: true}).then((hit) => hit || fetch(request)));
  }
});
"""


def service_worker(request):
    start = reverse("carparks:list")
    body = SERVICE_WORKER % {"scope": start, "cache": CACHE_NAME, "start": start,
                             "assets": json.dumps([static(p) for p in ASSETS])}
    response = HttpResponse(body, content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request):
    data = {
        "name": _("Parken in %(town)s – freie Plätze") % {"town": settings.CITY_TOWN},
        "short_name": _("Parken"),
        "start_url": reverse("carparks:list"),
        "scope": reverse("carparks:list"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#004b76",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


NEARBY = 3


def nearby_panel(*, request, latitude, longitude, place: str, at: dt.datetime | None = None) -> str:
    """The marketplace's shop panel: the nearest car parks with free spaces now (and,
    where the forecast can tell, the free spaces expected at the pickup time `at`)."""
    from django.template.loader import render_to_string

    now = timezone.now()
    expected_at = at if at is not None and at > now else None
    statuses = carparks_nearby(latitude=latitude, longitude=longitude, limit=NEARBY, now=now,
                               expected_at=expected_at)
    query = urlencode({"lat": f"{float(latitude):.6f}", "lon": f"{float(longitude):.6f}", "von": place})
    return render_to_string("parking/carparks/_nearby.html", {
        "statuses": statuses, "now": timezone.localtime(now), "heading": "h3" if at is not None else "h2",
        "uid": f"{float(latitude):.5f}-{float(longitude):.5f}".replace(".", "").replace("-", "m"),
        "list_url": f"{reverse('carparks:list')}?{query}", "any_demo": any(s.carpark.is_demo for s in statuses),
    }, request=request)
