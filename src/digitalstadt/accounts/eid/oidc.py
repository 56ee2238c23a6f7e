"""OpenID Connect eID plugin (authorization code flow with PKCE) for a broker such
as Keycloak in front of BundID/DeutschlandID. Configured by EID_OIDC_* settings."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse


def start(request):
    if not settings.EID_OIDC.get("ISSUER"):
        return HttpResponse("eID (OpenID Connect) is not configured.", status=503)
    # The full flow (discovery, PKCE, token exchange, ID token validation, acr mapping)
    # is tracked in the platform foundation issue; see docs/decisions.
    return HttpResponse("eID (OpenID Connect) login is not available yet.", status=501)
