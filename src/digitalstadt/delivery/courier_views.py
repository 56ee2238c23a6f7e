"""The courier app (phone first): today's tour, one page per stop, the confirmations.

Without JavaScript every confirmation is a plain form (POST, redirect to the tour).
With JavaScript (static/js/courier-app.js) the same forms are sent with fetch and the
header `X-Courier-App: 1`, answered as JSON; when the network is gone they wait in
IndexedDB with their client_id and are sent when it returns. The service worker
(/kurier/sw.js, scope /kurier/) keeps the tour and stop pages for offline use.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import courier_selectors as selectors
from .courier_services import (
    FAILURE_REASONS, MAX_ATTEMPTS, job_confirm_delivered, job_confirm_failed, job_confirm_pickup, job_confirm_returned,
)
from .models import JobStatus

CACHE_NAME = "ds-courier-v1"
ASSETS = ("vendor/kern/kern.min.css", "vendor/kern/fonts/fira-sans.css", "css/site.css", "css/courier.css",
          "img/logo.svg", "vendor/htmx/htmx.min.js", "js/site.js", "js/courier-app.js", "js/courier-signature.js",
          "js/pickup-scan.js", "vendor/jsqr/jsQR.js", "vendor/kern/fonts/fira-sans/FiraSans-Regular.woff2",
          "vendor/kern/fonts/fira-sans/FiraSans-SemiBold.woff2", "vendor/kern/fonts/fira-sans/FiraSans-Bold.woff2")


def _is_app(request) -> bool:
    return request.headers.get("X-Courier-App") == "1"


@login_required
def tour(request):
    today = timezone.localdate()
    tours = [{"tour": t, "stops": selectors.stops_of_tour(tour=t), "replanned": selectors.replanned_jobs(tour=t)}
             for t in selectors.tours_of_driver(user=request.user, day=today)]
    for entry in tours:
        entry["open"] = sum(1 for s in entry["stops"] if not s.done)
    return render(request, "delivery/courier/tour.html", {"tours": tours, "today": today})


def _stop_or_404(request, stop_id):
    view = selectors.stop_for_courier(user=request.user, stop_id=stop_id)
    if view is None:
        raise Http404
    return view


def _render_stop(request, view, *, error: str = "", values=None, status: int = 200):
    return render(request, "delivery/courier/stop.html", {
        "view": view, "stop": view.stop, "job": view.job, "error": error, "values": values or {},
        "reasons": FAILURE_REASONS, "client_id": uuid.uuid4(), "failed_client_id": uuid.uuid4(), "may_retry": view.job.attempts + 1 < MAX_ATTEMPTS,
        "JobStatus": JobStatus}, status=status)


@login_required
def stop(request, stop_id):
    return _render_stop(request, _stop_or_404(request, stop_id))


def _happened_at(request):
    try:
        value = datetime.fromisoformat((request.POST.get("happened_at") or "").replace("Z", "+00:00")[:40])
    except ValueError:
        return None
    return value if timezone.is_aware(value) else None


def _message(kind: str, job) -> str:
    return {
        "pickup": _("Abholung bestätigt: %(number)s ist unterwegs."),
        "delivered": _("Zustellung bestätigt: %(number)s ist zugestellt."),
        "failed": _("Gescheiterte Zustellung von %(number)s gemeldet."),
        "returned": _("Rückgabe bestätigt: %(number)s ist wieder im Geschäft."),
    }[kind] % {"number": job.shop_order.number}


def _confirm(request, stop_id, kind: str, call):
    try:
        view = _stop_or_404(request, stop_id)
    except Http404:
        if _is_app(request):
            return JsonResponse({"ok": False, "error": _("Diesen Stopp gibt es in Ihrer Tour nicht.")}, status=404)
        raise
    try:
        result = call(stop_id=view.stop.pk, client_id=request.POST.get("client_id"), actor=request.user,
                      happened_at=_happened_at(request))
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        status = 400 if isinstance(exc, ValidationError) else 403
        if _is_app(request):
            return JsonResponse({"ok": False, "error": text}, status=status)
        return _render_stop(request, view, error=text, values=request.POST, status=status)
    text = _message(kind, result.job) if result.applied else _("Diese Bestätigung war schon angekommen.")
    messages.success(request, text)
    if _is_app(request):
        return JsonResponse({"ok": True, "message": text, "next": reverse("courier:tour")})
    return redirect("courier:tour")


@login_required
@require_POST
def confirm_pickup(request, stop_id):
    return _confirm(request, stop_id, "pickup", lambda **kw: job_confirm_pickup(
        pickup_code=request.POST.get("code", ""), **kw))


@login_required
@require_POST
def confirm_delivered(request, stop_id):
    return _confirm(request, stop_id, "delivered", lambda **kw: job_confirm_delivered(
        received_by=request.POST.get("received_by", ""), signature=request.POST.get("signature", ""),
        photo=request.FILES.get("photo"), **kw))


@login_required
@require_POST
def confirm_failed(request, stop_id):
    return _confirm(request, stop_id, "failed", lambda **kw: job_confirm_failed(
        reason=request.POST.get("reason", ""), note=request.POST.get("note", ""),
        next_step=request.POST.get("next_step", ""), **kw))


@login_required
@require_POST
def confirm_returned(request, stop_id):
    return _confirm(request, stop_id, "returned", lambda **kw: job_confirm_returned(
        pickup_code=request.POST.get("code", ""), **kw))


SERVICE_WORKER = """// Courier app service worker (scope %(scope)s): keeps today's tour and its stop
// pages (network first, the cached copy when the network is gone) and the app's files.
// Confirmations are never sent from here: the page queues them (courier-app.js).
const CACHE = "%(cache)s";
const TOUR_URL = "%(tour)s";
const ASSETS = %(assets)s;
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([TOUR_URL, ...ASSETS])).catch(() => null));
  self.skipWaiting();
});
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k.startsWith("ds-courier-") && k !== CACHE).map((k) => caches.delete(k))))
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
    }).catch(() => caches.match(request, {ignoreVary: true, ignoreSearch: true})
      .then((hit) => hit || caches.match(TOUR_URL, {ignoreVary: true}))));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request, {ignoreVary: true}).then((hit) => hit || fetch(request)));
  }
});
"""


def service_worker(request):
    body = SERVICE_WORKER % {"scope": reverse("courier:tour"), "cache": CACHE_NAME, "tour": reverse("courier:tour"),
                             "assets": json.dumps([static(p) for p in ASSETS])}
    response = HttpResponse(body, content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request):
    data = {
        "name": _("Kurier-App – Meine Tour"),
        "short_name": _("Meine Tour"),
        "start_url": reverse("courier:tour"),
        "scope": reverse("courier:tour"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#004b76",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})

