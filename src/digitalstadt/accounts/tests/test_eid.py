"""eID through OpenID Connect, end to end against a real (tiny) OpenID provider.

The provider runs on 127.0.0.1 in a thread: discovery, JWKS with an RSA key made here,
an authorization endpoint that answers like a broker after a successful eID login, and
a token endpoint that checks the client, the code, the redirect URI and PKCE before it
hands out an RS256-signed ID token. The browser is the Django test client plus one plain
HTTP request to the provider's authorization endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, unquote_plus, urlencode, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from jwt.algorithms import RSAAlgorithm

from digitalstadt.accounts.eid.views import SESSION_KEY
from digitalstadt.core.models import AuditEntry

User = get_user_model()

CLIENT_ID = "digitalstadt-web"
CLIENT_SECRET = "s3cr3t:with/odd+chars"
START_URL = "/mein-konto/eid/oidc/"
CALLBACK_PATH = "/mein-konto/eid/oidc/callback/"
ACR_LEVELS = {
    "urn:eid:trustlevel:substantial": "eid_substantial",
    "urn:eid:trustlevel:high": "eid_high",
    "substantiell": "eid_substantial",
    "hoch": "eid_high",
}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class OidcProvider:
    """A minimal but honest OpenID provider (authorization code + PKCE S256)."""

    def __init__(self, *, auth_method: str = "client_secret_basic"):
        self.auth_method = auth_method
        self.key = _rsa_key()
        self.kid = secrets.token_hex(8)
        # What the next login at the "broker" yields; tests change these.
        self.identity = {"sub": "bund-pseudonym-4711", "acr": "urn:eid:trustlevel:high"}
        self.claim_changes: dict = {}  # applied to the ID token claims; None removes a claim
        self.sign_with = None  # (private key, kid) to sign with instead of the published key
        self.error: str | None = None  # e.g. "access_denied": the person cancelled
        self.codes: dict[str, dict] = {}
        self.hits: list[str] = []
        self.token_requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}/realms/bund"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # -- the endpoints --

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/protocol/openid-connect/auth",
            "token_endpoint": f"{self.issuer}/protocol/openid-connect/token",
            "jwks_uri": f"{self.issuer}/protocol/openid-connect/certs",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def jwks(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def authorize(self, params: dict) -> tuple[int, dict]:
        """After the eID login the broker sends the browser back to the redirect URI."""
        redirect_uri = params["redirect_uri"]
        answer = {"state": params.get("state", "")}
        if params.get("client_id") != CLIENT_ID or params.get("response_type") != "code":
            answer["error"] = "unauthorized_client"
        elif params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            answer["error"] = "invalid_request"
        elif self.error:
            answer["error"] = self.error
        else:
            code = secrets.token_urlsafe(24)
            self.codes[code] = {"params": params, "identity": dict(self.identity)}
            answer["code"] = code
        return 302, {"Location": f"{redirect_uri}?{urlencode(answer)}"}

    def _client_authenticated(self, headers, form: dict) -> bool:
        if self.auth_method == "client_secret_basic":
            scheme, _, value = (headers.get("Authorization") or "").partition(" ")
            if scheme != "Basic":
                return False
            client_id, _, secret = base64.b64decode(value).decode().partition(":")
            return unquote_plus(client_id) == CLIENT_ID and unquote_plus(secret) == CLIENT_SECRET
        return form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET

    def token(self, headers, form: dict) -> tuple[int, dict]:
        self.token_requests.append(form)
        if not self._client_authenticated(headers, form):
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # a code is good once
        if form.get("grant_type") != "authorization_code" or grant is None:
            return 400, {"error": "invalid_grant"}
        params = grant["params"]
        if form.get("redirect_uri") != params["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = form.get("code_verifier", "")
        if _b64url(hashlib.sha256(verifier.encode()).digest()) != params["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "azp": CLIENT_ID, "exp": now + 300, "iat": now,
                  "auth_time": now, "nonce": params.get("nonce"), **grant["identity"]}
        for name, value in self.claim_changes.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        key, kid = self.sign_with or (self.key, self.kid)
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
        return 200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                     "id_token": id_token}

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: dict | None = None, headers: dict | None = None):
                payload = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                url = urlsplit(self.path)
                provider.hits.append(url.path)
                base = urlsplit(provider.issuer).path
                if url.path == f"{base}/.well-known/openid-configuration":
                    self._send(200, provider.discovery())
                elif url.path == f"{base}/protocol/openid-connect/certs":
                    self._send(200, provider.jwks())
                elif url.path == f"{base}/protocol/openid-connect/auth":
                    status, headers = provider.authorize(dict(parse_qsl(url.query)))
                    self._send(status, None, headers)
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self):
                url = urlsplit(self.path)
                provider.hits.append(url.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                if url.path == f"{urlsplit(provider.issuer).path}/protocol/openid-connect/token":
                    self._send(*provider.token(self.headers, form))
                else:
                    self._send(404, {"error": "not_found"})

        return Handler


@pytest.fixture
def provider(settings, db):
    cache.clear()
    with OidcProvider() as running:
        settings.EID_PLUGINS = ["oidc"]
        settings.SITE_URL = "http://testserver"
        settings.EID_OIDC = {"ISSUER": running.issuer, "CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET,
                             "ACR_LEVELS": ACR_LEVELS}
        yield running
    cache.clear()


@pytest.fixture
def citizen(db):
    return User.objects.create_user("buergerin@example.org", "pw-Darmstadt-1", assurance_level="email")


@pytest.fixture
def browser(client, citizen):
    client.force_login(citizen)
    return client


def start_at_broker(browser) -> str:
    """GET our start URL; returns the broker's authorization URL we were sent to."""
    response = browser.get(START_URL)
    assert response.status_code == 302
    return response["Location"]


def login_at_broker(authorization_url: str) -> str:
    """What the browser does at the broker: returns where the broker sends it back."""
    url = urlsplit(authorization_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    connection.request("GET", f"{url.path}?{url.query}")
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 302, response.status
    return response.getheader("Location")


def return_to_us(browser, callback_url: str):
    url = urlsplit(callback_url)
    assert f"{url.scheme}://{url.netloc}" == "http://testserver"
    assert url.path == CALLBACK_PATH
    return browser.get(url.path, dict(parse_qsl(url.query)), follow=True)


def identify(browser):
    return return_to_us(browser, login_at_broker(start_at_broker(browser)))


def assert_unchanged(user, response, message: str):
    user.refresh_from_db()
    assert user.assurance_level == "email"
    assert user.assurance_source == ""
    assert user.eid_subject is None
    assert not AuditEntry.objects.filter(action="account.assurance_raised").exists()
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/mein-konto/"
    assert message in response.content.decode()


# --- the way there -----------------------------------------------------------------------


def test_start_redirects_to_the_broker_with_pkce_state_nonce_and_acr_values(provider, browser):
    location = start_at_broker(browser)

    url = urlsplit(location)
    assert f"{url.scheme}://{url.netloc}{url.path}" == provider.discovery()["authorization_endpoint"]
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    pending = browser.session[SESSION_KEY][params["state"]]
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert "openid" in params["scope"].split()
    assert params["redirect_uri"] == "http://testserver" + CALLBACK_PATH
    assert params["code_challenge_method"] == "S256"
    assert params["code_challenge"] == _b64url(hashlib.sha256(pending["code_verifier"].encode()).digest())
    assert params["nonce"] == pending["nonce"]
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert 43 <= len(pending["code_verifier"]) <= 128
    assert set(params["acr_values"].split()) == set(ACR_LEVELS)
    assert params["acr_values"].split()[0] in {"urn:eid:trustlevel:high", "hoch"}  # strongest first
    assert "code_verifier" not in params and "client_secret" not in url.query

    start_at_broker(browser)
    discovery = f"{urlsplit(provider.issuer).path}/.well-known/openid-configuration"
    assert provider.hits.count(discovery) == 1  # cached


def test_start_requires_login(provider, client):
    response = client.get(START_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert provider.hits == []


def test_broker_unreachable_gives_a_message(settings, browser, db):
    cache.clear()
    settings.EID_PLUGINS = ["oidc"]
    settings.EID_OIDC = {"ISSUER": "http://127.0.0.1:9/realms/none", "CLIENT_ID": CLIENT_ID,
                         "CLIENT_SECRET": CLIENT_SECRET, "ACR_LEVELS": ACR_LEVELS, "TIMEOUT": 2}
    response = browser.get(START_URL, follow=True)
    assert response.redirect_chain[-1][0] == "/mein-konto/"
    assert "Der eID-Dienst ist gerade nicht erreichbar" in response.content.decode()


def test_plain_http_broker_on_another_host_is_refused(settings, browser, db):
    cache.clear()
    settings.EID_PLUGINS = ["oidc"]
    settings.EID_OIDC = {"ISSUER": "http://idp.example.org/realms/bund", "CLIENT_ID": CLIENT_ID,
                         "CLIENT_SECRET": CLIENT_SECRET, "ACR_LEVELS": ACR_LEVELS}
    response = browser.get(START_URL, follow=True)
    assert "Die Identifizierung mit der eID ist derzeit nicht möglich" in response.content.decode()


# --- and back: success ------------------------------------------------------------------


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_identification_raises_assurance_to_eid_high(provider, browser, citizen, settings, auth_method):
    provider.auth_method = auth_method
    settings.EID_OIDC = {**settings.EID_OIDC, "TOKEN_AUTH_METHOD": auth_method}

    response = identify(browser)

    citizen.refresh_from_db()
    assert citizen.assurance_level == "eid_high"
    assert citizen.assurance_source == "eid:oidc"
    assert citizen.eid_subject == "bund-pseudonym-4711"
    assert citizen.assurance_verified_at is not None
    entry = AuditEntry.objects.get(action="account.assurance_raised")
    assert entry.actor == citizen and entry.data == {"level": "eid_high", "source": "eid:oidc"}
    assert response.redirect_chain[-1][0] == "/mein-konto/"
    assert "Ihre Identität wurde mit der eID bestätigt" in response.content.decode()
    # The code went back with the PKCE verifier and our callback, never the secret twice.
    (token_request,) = provider.token_requests
    assert token_request["code_verifier"] and token_request["redirect_uri"] == "http://testserver" + CALLBACK_PATH
    assert ("client_secret" in token_request) is (auth_method == "client_secret_post")
    assert browser.session[SESSION_KEY] == {}


def test_substantial_acr_gives_eid_substantial(provider, browser, citizen):
    provider.identity["acr"] = "substantiell"
    identify(browser)
    citizen.refresh_from_db()
    assert citizen.assurance_level == "eid_substantial"


def test_an_answer_is_good_only_once(provider, browser, citizen):
    callback = login_at_broker(start_at_broker(browser))
    return_to_us(browser, callback)
    User.objects.filter(pk=citizen.pk).update(assurance_level="email", eid_subject=None)

    response = return_to_us(browser, callback)

    citizen.refresh_from_db()
    assert citizen.assurance_level == "email"
    assert "gehört zu keiner hier begonnenen Identifizierung" in response.content.decode()


def test_english_session_comes_back_to_the_english_page(provider, browser, citizen):
    User.objects.filter(pk=citizen.pk).update(language="en")
    response = browser.get("/en" + START_URL)
    callback = login_at_broker(response["Location"])
    assert urlsplit(callback).path == CALLBACK_PATH  # one redirect URI registered at the broker
    response = return_to_us(browser, callback)
    assert response.redirect_chain[-1][0] == "/en/mein-konto/"


# --- and back: refusals ------------------------------------------------------------------

TOKEN_REJECTED = "Die Antwort des eID-Dienstes konnte nicht bestätigt werden"


def test_wrong_state_is_refused(provider, browser, citizen):
    callback = login_at_broker(start_at_broker(browser))
    url = urlsplit(callback)
    params = dict(parse_qsl(url.query), state="forged-" + secrets.token_urlsafe(16))

    response = browser.get(url.path, params, follow=True)

    assert_unchanged(citizen, response, "gehört zu keiner hier begonnenen Identifizierung")
    assert provider.token_requests == []  # the code was never redeemed


def test_state_from_another_session_is_refused(provider, browser, citizen):
    other = User.objects.create_user("angreifer@example.org", "pw-Darmstadt-2", assurance_level="email")
    attacker = Client()
    attacker.force_login(other)
    callback = login_at_broker(start_at_broker(attacker))

    response = return_to_us(browser, callback)  # victim's browser is sent the attacker's answer

    assert_unchanged(citizen, response, "gehört zu keiner hier begonnenen Identifizierung")


def test_token_signed_by_another_key_is_refused(provider, browser, citizen):
    provider.sign_with = (_rsa_key(), provider.kid)  # same key id, wrong key
    assert_unchanged(citizen, identify(browser), TOKEN_REJECTED)


def test_token_signed_by_an_unpublished_key_is_refused(provider, browser, citizen):
    provider.sign_with = (_rsa_key(), "rogue")
    assert_unchanged(citizen, identify(browser), TOKEN_REJECTED)


def test_token_signed_with_hs256_and_the_public_key_is_refused(provider, browser, citizen):
    """The classic algorithm confusion: HMAC keyed with the published RSA key."""
    original = provider.token

    def hs256_token(headers, form):
        status, body = original(headers, form)
        if status == 200:
            signing_input = ".".join([
                _b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": provider.kid}).encode()),
                body["id_token"].split(".")[1],
            ])
            secret = provider.key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
            signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
            body["id_token"] = f"{signing_input}.{_b64url(signature)}"
        return status, body

    provider.token = hs256_token
    assert_unchanged(citizen, identify(browser), TOKEN_REJECTED)


@pytest.mark.parametrize("claim_changes", [
    pytest.param({"aud": "another-client", "azp": None}, id="wrong-audience"),
    pytest.param({"aud": [CLIENT_ID, "another-client"], "azp": "another-client"}, id="wrong-azp"),
    pytest.param({"iss": "http://127.0.0.1:1/realms/evil"}, id="wrong-issuer"),
    pytest.param({"nonce": "not-the-nonce-we-sent"}, id="wrong-nonce"),
    pytest.param({"nonce": None}, id="missing-nonce"),
    pytest.param({"exp": None}, id="missing-exp"),
    pytest.param({"iat": "in an hour"}, id="issued-in-the-future"),
])
def test_invalid_id_token_is_refused(provider, browser, citizen, claim_changes):
    if claim_changes.get("iat") == "in an hour":  # read the clock when the test runs
        claim_changes = {"iat": int(time.time()) + 3600}
    provider.claim_changes = claim_changes
    assert_unchanged(citizen, identify(browser), TOKEN_REJECTED)


def test_expired_id_token_is_refused(provider, browser, citizen):
    provider.claim_changes = {"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}
    assert_unchanged(citizen, identify(browser), "Die Antwort des eID-Dienstes ist abgelaufen")


@pytest.mark.parametrize("acr", ["urn:eid:trustlevel:low", None])
def test_unknown_acr_is_refused(provider, browser, citizen, acr):
    provider.identity["acr"] = acr
    if acr is None:
        del provider.identity["acr"]
    response = identify(browser)
    assert_unchanged(citizen, response, "wird hier nicht anerkannt")
    if acr:
        assert acr in response.content.decode()


def test_eid_linked_to_another_account_is_refused(provider, browser, citizen):
    User.objects.create_user("erstes-konto@example.org", "pw-Darmstadt-3", assurance_level="eid_high",
                             eid_subject="bund-pseudonym-4711")
    assert_unchanged(citizen, identify(browser), "Diese eID ist bereits mit einem anderen Konto verknüpft.")


def test_person_cancels_at_the_broker(provider, browser, citizen):
    provider.error = "access_denied"
    response = identify(browser)
    assert_unchanged(citizen, response, "Sie haben die Identifizierung mit der eID abgebrochen")
    assert provider.token_requests == []
    assert browser.session[SESSION_KEY] == {}


def test_other_broker_error_is_refused(provider, browser, citizen):
    provider.error = "temporarily_unavailable"
    assert_unchanged(citizen, identify(browser), "Der eID-Dienst hat die Identifizierung nicht abgeschlossen")


def test_rejected_code_is_refused(provider, browser, citizen):
    callback = login_at_broker(start_at_broker(browser))
    provider.codes.clear()  # e.g. the code expired at the broker
    assert_unchanged(citizen, return_to_us(browser, callback), TOKEN_REJECTED)


def test_callback_needs_the_plugin(provider, browser, settings):
    settings.EID_PLUGINS = ["simulator"]
    assert browser.get(CALLBACK_PATH, {"code": "x", "state": "y"}).status_code == 404



@pytest.mark.django_db
def test_an_account_linked_to_one_eid_cannot_be_taken_over_by_another():
    from django.core.exceptions import ValidationError

    from digitalstadt.accounts.models import User
    from digitalstadt.accounts.services import user_raise_assurance

    user = User.objects.create_user("linked@example.org", "Sicher-genug-2026")
    user_raise_assurance(user=user, level="eid_substantial", source="eid:oidc", eid_subject="person-a")
    with pytest.raises(ValidationError, match="anderen eID"):
        user_raise_assurance(user=user, level="eid_high", source="eid:oidc", eid_subject="person-b")
    user.refresh_from_db()
    assert user.eid_subject == "person-a" and user.assurance_level == "eid_substantial"
