"""Views of the OpenID Connect eID plugin: send the person to the broker, and take the
answer back. Both only parse, call the protocol client (`oidc.py`) and one service."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from digitalstadt.accounts import services
from digitalstadt.accounts.models import AssuranceLevel

from . import get_plugin
from .oidc import OidcConfig, OidcError, assurance_level_for, authorization_request, exchange_code, validate_id_token

logger = logging.getLogger(__name__)

SESSION_KEY = "eid_oidc_pending"
PENDING_MAX_AGE = 15 * 60  # seconds a started identification may take
PENDING_MAX_COUNT = 5  # identifications started in parallel (several tabs)


def _redirect_uri() -> str:
    """Our callback as registered at the broker: one fixed URL, not the language variant."""
    configured = settings.EID_OIDC.get("REDIRECT_URI")
    if configured:
        return configured
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL.rstrip("/") + reverse("accounts:eid-oidc-callback")


def _failure_message(kind: str) -> str:
    if kind == "unreachable":
        return _("Der eID-Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut.")
    if kind == "expired":
        return _("Die Antwort des eID-Dienstes ist abgelaufen. Ihr Konto wurde nicht geändert. "
                 "Bitte starten Sie die Identifizierung erneut.")
    if kind == "config":
        return _("Die Identifizierung mit der eID ist derzeit nicht möglich. Bitte versuchen Sie es später erneut.")
    return _("Die Antwort des eID-Dienstes konnte nicht bestätigt werden. Ihr Konto wurde nicht geändert. "
             "Bitte versuchen Sie es erneut.")


def _to_overview(language: str | None = None):
    with translation.override(language or translation.get_language()):
        return redirect("accounts:overview")


@never_cache
def start(request):
    """Called through the plugin registry from `eid_start` (login required there)."""
    config = OidcConfig.from_settings()
    if config is None:
        logger.error("eID plugin 'oidc' is enabled but EID_OIDC ISSUER/CLIENT_ID are not set")
        messages.error(request, _failure_message("config"))
        return _to_overview()
    redirect_uri = _redirect_uri()
    try:
        auth = authorization_request(config, redirect_uri=redirect_uri, ui_locales=translation.get_language() or "")
    except OidcError as exc:
        logger.warning("eID OIDC start failed: %s", exc)
        messages.error(request, _failure_message(exc.kind))
        return _to_overview()
    now = time.time()
    pending = {s: p for s, p in request.session.get(SESSION_KEY, {}).items() if now - p["started"] < PENDING_MAX_AGE}
    pending[auth.state] = {
        "nonce": auth.nonce,
        "code_verifier": auth.code_verifier,
        "redirect_uri": redirect_uri,
        "user": request.user.pk,
        "language": translation.get_language(),
        "started": now,
    }
    request.session[SESSION_KEY] = dict(sorted(pending.items(), key=lambda i: i[1]["started"])[-PENDING_MAX_COUNT:])
    return redirect(auth.url)


def _take_pending(request, state: str) -> dict | None:
    """The identification this answer belongs to; usable once."""
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if entry is None or entry["user"] != request.user.pk or time.time() - entry["started"] >= PENDING_MAX_AGE:
        return None
    return entry


@never_cache
@require_GET
@login_required
def oidc_callback(request):
    if get_plugin("oidc") is None:
        raise Http404
    config = OidcConfig.from_settings()
    if config is None:
        raise Http404
    entry = _take_pending(request, request.GET.get("state", ""))
    language = entry["language"] if entry else translation.get_language()
    with translation.override(language):
        _finish(request, config, entry)
    return _to_overview(language)


def _finish(request, config: OidcConfig, entry: dict | None) -> None:
    """Checks the broker's answer and raises the assurance level; every outcome is a message."""
    user = request.user
    error = request.GET.get("error")
    if error:
        logger.info("eID OIDC broker answered error %r for user %s: %r", error, user.pk,
                    request.GET.get("error_description", ""))
        if error == "access_denied":
            messages.warning(request, _("Sie haben die Identifizierung mit der eID abgebrochen. "
                                        "Ihr Konto wurde nicht geändert."))
        else:
            messages.error(request, _("Der eID-Dienst hat die Identifizierung nicht abgeschlossen. "
                                      "Ihr Konto wurde nicht geändert. Bitte versuchen Sie es erneut."))
        return
    if entry is None:
        logger.warning("eID OIDC callback for user %s with unknown or expired state", user.pk)
        messages.error(request, _("Diese Antwort des eID-Dienstes gehört zu keiner hier begonnenen "
                                  "Identifizierung oder ist abgelaufen. Ihr Konto wurde nicht geändert. "
                                  "Bitte starten Sie die Identifizierung erneut."))
        return
    code = request.GET.get("code", "")
    try:
        if not code:
            raise OidcError("broker", "callback without code")
        tokens = exchange_code(config, code=code, redirect_uri=entry["redirect_uri"],
                               code_verifier=entry["code_verifier"])
        claims = validate_id_token(config, id_token=tokens["id_token"], nonce=entry["nonce"])
    except OidcError as exc:
        logger.warning("eID OIDC callback refused for user %s: %s", user.pk, exc)
        messages.error(request, _failure_message(exc.kind))
        return
    level = assurance_level_for(config, claims)
    if level is None:
        logger.warning("eID OIDC: unknown acr %r for user %s", claims.get("acr"), user.pk)
        messages.error(request, _("Das Vertrauensniveau Ihres eID-Nachweises („%(acr)s“) wird hier nicht "
                                  "anerkannt. Ihr Konto wurde nicht geändert.")
                       % {"acr": claims.get("acr") or _("keine Angabe")})
        return
    try:
        services.user_raise_assurance(user=user, level=level, source="eid:oidc", eid_subject=claims["sub"])
    except ValidationError as exc:
        logger.warning("eID OIDC: subject refused for user %s: %s", user.pk, exc)
        for text in exc.messages:
            messages.error(request, text)
        return
    except IntegrityError:
        # Another account linked the same eID between the service's check and its save.
        logger.warning("eID OIDC: subject linked concurrently to another account, user %s", user.pk)
        messages.error(request, _("Diese eID ist bereits mit einem anderen Konto verknüpft."))
        return
    messages.success(request, _("Ihre Identität wurde mit der eID bestätigt (Vertrauensniveau: %(level)s).")
                     % {"level": AssuranceLevel(level).label})
