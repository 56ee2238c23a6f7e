from datetime import timedelta

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib import messages
from django.db import connection
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .forms import AccessibilityFeedbackForm
from .models import Document, WorkerHeartbeat
from .ratelimit import client_ip, hit
from .services import accessibility_feedback_submit, document_open

PILLARS = {
    "buergeramt": "core/pillar_buergeramt.html",
    "wirtschaft": "core/pillar_wirtschaft.html",
    "einkaufen-parken": "core/pillar_einkaufen.html",
    "zahlen-daten": "core/pillar_zahlen.html",
}


def home(request):
    return render(request, "core/home.html")


def pillar(request, slug: str):
    template = PILLARS.get(slug)
    if template is None:
        raise Http404
    return render(request, template)


def imprint(request):
    return render(request, "core/imprint.html")


def privacy(request):
    return render(request, "core/privacy.html")


def easy_language(request):
    return render(request, "core/easy_language.html")


def accessibility(request):
    form = AccessibilityFeedbackForm(request.POST or None, initial={"page_url": request.GET.get("seite", "")})
    if request.method == "POST":
        if not hit(scope="a11y-feedback", key=client_ip(request), limit=5, period=3600):
            messages.error(request, _("Zu viele Rückmeldungen in kurzer Zeit. Bitte versuchen Sie es später erneut."))
            return render(request, "core/accessibility.html", {"form": form}, status=429)
        if form.is_valid():
            accessibility_feedback_submit(
                message=form.cleaned_data["message"], page_url=form.cleaned_data["page_url"],
                email=form.cleaned_data["email"], user=request.user,
            )
            messages.success(request, _("Vielen Dank! Ihre Rückmeldung ist bei uns eingegangen."))
            return redirect("core:accessibility")
    return render(request, "core/accessibility.html", {"form": form}, status=400 if form.errors else 200)


def set_language(request):
    """Switch language: store the choice (cookie, and the account for signed-in people)
    and go to the same page in the other language."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    language = request.POST.get("language")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or "/"
    # Only a path on this site (anything else, e.g. `abc`, would be taken for a view name).
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    target = translate_url(next_url, language)
    response = HttpResponseRedirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
                        samesite="Lax", secure=request.is_secure())
    if request.user.is_authenticated and request.user.language != language:
        request.user._meta.model.objects.filter(pk=request.user.pk).update(language=language)
    return response


@never_cache
def healthz(request):
    """503 when the database is down, no worker sent a heartbeat recently, or a ready
    task has waited too long."""
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001
        return JsonResponse({"status": "unhealthy", "checks": {"database": "unreachable"}}, status=503)
    now = timezone.now()
    if WorkerHeartbeat.objects.filter(last_seen__gte=now - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)).exists():
        checks["worker"] = "ok"
    else:
        checks["worker"] = "no recent heartbeat"
        healthy = False
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.models import get_date_max

    limit = now - timedelta(seconds=settings.TASK_QUEUE_MAX_WAIT)
    stale = DBTaskResult.objects.ready().filter(
        Q(run_after=get_date_max(), enqueued_at__lt=limit) | Q(run_after__lt=limit)
    ).exists()
    if stale:
        checks["queue"] = "tasks waiting too long"
        healthy = False
    else:
        checks["queue"] = "ok"
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": checks}, status=200 if healthy else 503)


def manifest(request):
    data = {
        "name": settings.PLATFORM_NAME,
        "short_name": "Digitalstadt",
        "lang": translation.get_language(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#004b76",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


OFFLINE_URL = "/offline/"

SERVICE_WORKER = """// Digitalstadt service worker: offline page only, no caching of personal pages.
const CACHE = "ds-offline-v1";
const OFFLINE_URL = "%(offline)s";
const ASSETS = [OFFLINE_URL, %(assets)s];
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)));
  self.skipWaiting();
});
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))));
  self.clients.claim();
});
self.addEventListener("fetch", (event) => {
  if (event.request.mode === "navigate") {
    event.respondWith(fetch(event.request).catch(() => caches.match(OFFLINE_URL)));
  }
});
"""


def service_worker(request):
    assets = ", ".join(
        f'"{static(p)}"' for p in ("vendor/kern/kern.min.css", "vendor/kern/fonts/fira-sans.css", "css/site.css", "img/logo.svg")
    )
    response = HttpResponse(SERVICE_WORKER % {"offline": OFFLINE_URL, "assets": assets},
                            content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def offline(request):
    return render(request, "core/offline.html")


def document_download(request, uuid):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    document = Document.objects.filter(uuid=uuid).first()
    if document is None:
        raise Http404
    from django.core.exceptions import PermissionDenied

    try:
        document_open(user=request.user, document=document, ip_address=client_ip(request))
    except PermissionDenied:
        raise Http404 from None  # do not reveal that the document exists
    response = FileResponse(document.file.open("rb"), content_type=document.content_type,
                            as_attachment=request.GET.get("download") == "1", filename=document.filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@csrf_exempt  # checked below by csrf_protect, once the size and rate checks have passed
@never_cache
def verify_document(request, verification_id: str):
    """Public: the status of a sealed document (no personal data) and a check of an
    uploaded copy against the stored hash and the seal.

    The rate limit and the size limit are applied before anything reads the request
    body (the CSRF check would parse it and spool a large upload to disk)."""
    from django.template.defaultfilters import filesizeformat

    from .selectors import normalise_verification_id, sealed_document_for_verification

    document = sealed_document_for_verification(verification_id=verification_id)
    if document is None:
        return render(request, "core/verify_unknown.html", status=404)
    if normalise_verification_id(verification_id) != verification_id:
        return redirect("core:verify", verification_id=document.verification_id)
    max_bytes = settings.VERIFICATION_UPLOAD_MAX_BYTES
    if request.method == "POST":
        limit, period = settings.VERIFICATION_RATE_LIMIT
        if not hit(scope="verify-upload", key=client_ip(request), limit=limit, period=period):
            messages.error(request, _("Zu viele Prüfungen in kurzer Zeit. Bitte versuchen Sie es später erneut."))
            return _render_verification(request, document, max_bytes=max_bytes, status=429)
        if _content_length(request) > max_bytes + 64 * 1024:
            error = _("Die Datei ist zu groß (höchstens %(size)s).") % {"size": filesizeformat(max_bytes)}
            return _render_verification(request, document, max_bytes=max_bytes, upload_error=error, status=413)
    return _verify_document_checked(request, document, max_bytes=max_bytes)


@csrf_protect
def _verify_document_checked(request, document, *, max_bytes: int):
    from .forms import VerificationUploadForm
    from .selectors import sealed_document_check

    if request.method != "POST":
        return _render_verification(request, document, max_bytes=max_bytes)
    form = VerificationUploadForm(request.POST, request.FILES, max_bytes=max_bytes)
    if not form.is_valid():
        return _render_verification(request, document, max_bytes=max_bytes, form=form, status=400)
    result = sealed_document_check(document=document, content=form.cleaned_data["file"].read(max_bytes + 1))
    return _render_verification(request, document, max_bytes=max_bytes, result=result)


def _render_verification(request, document, *, max_bytes: int, form=None, result=None, upload_error="", status=200):
    from .forms import VerificationUploadForm
    from .services import verification_id_display

    from .registry import document_verification_details

    # Apps add facts about their documents (e.g. a permit's zone and validity; the
    # plate only for parking enforcement) through the registry.
    details = []
    # Staff-only facts only for a session that passed the second factor (as on /verwaltung/).
    from django.contrib.auth.models import AnonymousUser

    from .registry import capabilities

    viewer = request.user if capabilities.call("session_passed_second_factor", request=request) else AnonymousUser()
    for add_details in document_verification_details.all():
        details += add_details(document=document, user=viewer, ip_address=client_ip(request))
    return render(request, "core/verify.html", {
        "document": document, "form": form or VerificationUploadForm(max_bytes=max_bytes),
        "result": result, "upload_error": upload_error, "details": details,
        "verification_id_display": verification_id_display(document.verification_id),
    }, status=status)


def server_error(request):
    """The 500 page in the site's layout and the visitor's language; if even that cannot
    be rendered (the error may sit in the layout), a plain page in both languages."""
    from django.http import HttpResponseServerError

    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 - the last resort must not fail itself
        return HttpResponseServerError(
            "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Fehler / Error</title></head>"
            "<body><h1>Das hat leider nicht geklappt</h1><p>Bitte versuchen Sie es in einigen Minuten noch "
            "einmal.</p><p lang=\"en\">Something went wrong. Please try again in a few minutes.</p>"
            "<p><a href=\"/\">Startseite / Home</a></p></body></html>")
