"""OpenID Connect client for the eID plugin: authorization code flow with PKCE (S256)
against a broker such as Keycloak in front of BundID/DeutschlandID.

Protocol only, no Django views (those are in `views.py`): discovery (cached), the
authorization request, the code exchange at the token endpoint and the validation of
the ID token (RS256 signature against the broker's JWKS, iss, aud/azp, exp, iat, nonce).
Configured by the `EID_OIDC` setting; see docs/eid.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit
from urllib.request import Request, urlopen

import jwt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.cache import cache

from digitalstadt.accounts.models import AssuranceLevel

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 1024 * 1024
TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")


class OidcError(Exception):
    """One step of the eID flow failed. `kind` picks the message shown to the person;
    the exception text (technical detail) is only logged."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    acr_levels: dict[str, str]
    acr_values: tuple[str, ...]
    scope: str
    token_auth_method: str
    prompt: str
    algorithms: tuple[str, ...]
    timeout: float
    leeway: int
    cache_seconds: int

    @classmethod
    def from_settings(cls) -> OidcConfig | None:
        """The configuration, or None when no broker is configured."""
        conf = settings.EID_OIDC
        issuer = (conf.get("ISSUER") or "").rstrip("/")
        if not issuer or not conf.get("CLIENT_ID"):
            return None
        acr_levels = {acr: level for acr, level in (conf.get("ACR_LEVELS") or {}).items()
                      if level in AssuranceLevel.values}
        acr_values = conf.get("ACR_VALUES") or ()
        if isinstance(acr_values, str):
            acr_values = acr_values.split()
        if not acr_values:
            # Ask for every accepted value, the strongest first; the broker picks.
            acr_values = sorted(acr_levels, key=lambda v: -AssuranceLevel.rank(acr_levels[v]))
        secret = conf.get("CLIENT_SECRET") or ""
        method = conf.get("TOKEN_AUTH_METHOD") or ("client_secret_basic" if secret else "none")
        if method not in TOKEN_AUTH_METHODS:
            raise ImproperlyConfigured(f"EID_OIDC TOKEN_AUTH_METHOD must be one of {TOKEN_AUTH_METHODS}, "
                                       f"not {method!r}")
        return cls(
            issuer=issuer,
            client_id=conf["CLIENT_ID"],
            client_secret=secret,
            acr_levels=acr_levels,
            acr_values=tuple(acr_values),
            scope=conf.get("SCOPE") or "openid",
            token_auth_method=method,
            prompt=conf.get("PROMPT", "login"),
            algorithms=tuple(conf.get("ALGORITHMS") or ("RS256",)),
            timeout=float(conf.get("TIMEOUT", 10)),
            leeway=int(conf.get("LEEWAY", 60)),
            cache_seconds=int(conf.get("CACHE_SECONDS", 3600)),
        )


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


# --- HTTP ------------------------------------------------------------------------------


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _check_url(url: str) -> str:
    """Only HTTPS leaves the machine; plain HTTP is accepted for a broker on loopback
    (development and tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(parts.hostname)):
        return url
    raise OidcError("config", f"refusing non-HTTPS URL {url!r}")


def _http_json(url: str, *, timeout: float, data: dict | None = None, headers: dict | None = None) -> dict:
    body = urlencode(data).encode() if data is not None else None
    request = Request(_check_url(url), data=body, method="POST" if body is not None else "GET")
    request.add_header("Accept", "application/json")
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            raw = response.read(MAX_RESPONSE_BYTES + 1)
    except HTTPError as exc:
        detail = exc.read(4096).decode("utf-8", "replace")
        raise OidcError("broker", f"{url} answered HTTP {exc.code}: {detail}") from exc
    except (URLError, TimeoutError, OSError) as exc:
        raise OidcError("unreachable", f"{url} is unreachable: {exc}") from exc
    if len(raw) > MAX_RESPONSE_BYTES:
        raise OidcError("broker", f"{url} answered more than {MAX_RESPONSE_BYTES} bytes")
    try:
        document = json.loads(raw)
    except ValueError as exc:
        raise OidcError("broker", f"{url} did not answer JSON") from exc
    if not isinstance(document, dict):
        raise OidcError("broker", f"{url} did not answer a JSON object")
    return document


# --- discovery and keys ----------------------------------------------------------------


def _cache_key(kind: str, value: str) -> str:
    return f"eid-oidc:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def provider_metadata(config: OidcConfig) -> dict:
    """The broker's discovery document (`<issuer>/.well-known/openid-configuration`), cached."""
    key = _cache_key("discovery", config.issuer)
    metadata = cache.get(key)
    if metadata is None:
        metadata = _http_json(f"{config.issuer}/.well-known/openid-configuration", timeout=config.timeout)
        # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer asked for.
        if (metadata.get("issuer") or "").rstrip("/") != config.issuer:
            raise OidcError("config", f"discovery issuer {metadata.get('issuer')!r} != {config.issuer!r}")
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(metadata.get(field), str):
                raise OidcError("config", f"discovery document lacks {field}")
            _check_url(metadata[field])
        cache.set(key, metadata, config.cache_seconds)
    return metadata


def _signing_key(config: OidcConfig, metadata: dict, id_token: str) -> jwt.PyJWK:
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.InvalidTokenError as exc:
        raise OidcError("token", f"malformed ID token: {exc}") from exc
    if header.get("alg") not in config.algorithms:
        raise OidcError("token", f"ID token algorithm {header.get('alg')!r} not allowed")
    kid = header.get("kid")
    key = _cache_key("jwks", metadata["jwks_uri"])
    for refresh in (False, True):  # on an unknown key id fetch once more: the broker may have rotated keys
        jwks = None if refresh else cache.get(key)
        if jwks is None:
            jwks = _http_json(metadata["jwks_uri"], timeout=config.timeout)
            cache.set(key, jwks, config.cache_seconds)
        try:
            keys = [k for k in jwt.PyJWKSet.from_dict(jwks).keys if k.public_key_use in (None, "sig")]
        except jwt.PyJWKSetError as exc:
            raise OidcError("broker", f"unusable JWKS: {exc}") from exc
        candidates = [k for k in keys if k.key_id == kid] if kid else keys
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise OidcError("token", "ID token names no unique signing key")
    raise OidcError("token", f"no key {kid!r} in the broker's JWKS")


# --- the flow ----------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_challenge(code_verifier: str) -> str:
    return _b64url(hashlib.sha256(code_verifier.encode("ascii")).digest())


def authorization_request(config: OidcConfig, *, redirect_uri: str, ui_locales: str = "") -> AuthorizationRequest:
    """The URL to send the browser to, with fresh state, nonce and PKCE verifier."""
    metadata = provider_metadata(config)
    state, nonce, code_verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    params = {
        "response_type": "code",
        "client_id": config.client_id,
        "redirect_uri": redirect_uri,
        "scope": config.scope,
        "state": state,
        "nonce": nonce,
        "code_challenge": pkce_challenge(code_verifier),
        "code_challenge_method": "S256",
    }
    if config.acr_values:
        params["acr_values"] = " ".join(config.acr_values)
    if config.prompt:
        params["prompt"] = config.prompt
    if ui_locales:
        params["ui_locales"] = ui_locales
    endpoint = urlsplit(metadata["authorization_endpoint"])
    query = urlencode(parse_qsl(endpoint.query) + list(params.items()))
    return AuthorizationRequest(urlunsplit(endpoint._replace(query=query)), state, nonce, code_verifier)


def exchange_code(config: OidcConfig, *, code: str, redirect_uri: str, code_verifier: str) -> dict:
    """Trade the authorization code for tokens at the broker's token endpoint."""
    metadata = provider_metadata(config)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": code_verifier}
    headers = {}
    if config.token_auth_method == "client_secret_basic":
        # RFC 6749, section 2.3.1: both parts form-encoded before Base64.
        pair = f"{quote_plus(config.client_id)}:{quote_plus(config.client_secret)}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    else:
        data["client_id"] = config.client_id
        if config.token_auth_method == "client_secret_post":
            data["client_secret"] = config.client_secret
    tokens = _http_json(metadata["token_endpoint"], timeout=config.timeout, data=data, headers=headers)
    if not isinstance(tokens.get("id_token"), str):
        raise OidcError("broker", "token response without id_token")
    return tokens


def validate_id_token(config: OidcConfig, *, id_token: str, nonce: str) -> dict:
    """The ID token's claims after checking signature, iss, aud, azp, exp, iat and nonce."""
    metadata = provider_metadata(config)
    signing_key = _signing_key(config, metadata, id_token)
    try:
        claims = jwt.decode(
            id_token,
            signing_key,
            algorithms=list(config.algorithms),
            audience=config.client_id,
            issuer=metadata["issuer"],
            leeway=config.leeway,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise OidcError("expired", f"ID token expired: {exc}") from exc
    except jwt.InvalidTokenError as exc:
        raise OidcError("token", f"ID token rejected: {type(exc).__name__}: {exc}") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    # OpenID Connect Core 1.0, section 3.1.3.7: with several audiences azp must be us.
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != config.client_id:
        raise OidcError("token", f"ID token azp {claims.get('azp')!r} is not our client id")
    if not isinstance(claims["nonce"], str) or not hmac.compare_digest(claims["nonce"], nonce):
        raise OidcError("token", "ID token nonce does not match the login started here")
    if not isinstance(claims["sub"], str) or not claims["sub"]:
        raise OidcError("token", "ID token without subject")
    return claims


def assurance_level_for(config: OidcConfig, claims: dict) -> str | None:
    """Our assurance level for the token's `acr`, or None if the value is not accepted."""
    acr = claims.get("acr")
    return config.acr_levels.get(acr) if isinstance(acr, str) else None
