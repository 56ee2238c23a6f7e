"""A small local stand-in for a Jitsi Meet server with JWT authentication, for tests.

It checks a link as prosody's token authentication (`authentication = "token"`,
mod_auth_token / token_verification) does: `GET /<room>?jwt=...` (or `/<tenant>/<room>`)
is let in only when the HS256 signature verifies with the app secret, `iss` is the app
id (asap_accepted_issuers), `aud` is accepted (asap_accepted_audiences), `sub` is the
domain or the tenant in the path (or "*"), `room` names the room of the path (or "*"),
and `nbf`/`exp` hold with the server's clock leeway. With `token_affiliation` on (the
default here, as the docs set it up) it tells the moderator from `context.user`
(`moderator: true` or `affiliation` owner/moderator/teacher); without it nobody is
made moderator by the token. Answers are JSON: {"joined": true, "name", "moderator"}
(200) or {"joined": false, "error"} (403). `now` may be set (a callable) for the clock.

    with JitsiStandIn(app_id="ds", secret="...", domain="meet.test") as server:
        url = server.url + "/raum?jwt=" + token
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import jwt

__all__ = ["JitsiStandIn"]

MODERATOR_AFFILIATIONS = {"owner", "moderator", "teacher"}


class JitsiStandIn:
    def __init__(self, *, app_id: str, secret: str, domain: str = "meet.test", audiences=("jitsi",),
                 leeway: int = 0, token_affiliation: bool = True) -> None:
        self.app_id, self.secret, self.domain = app_id, secret, domain
        self.audiences = list(audiences)
        self.leeway = leeway
        self.token_affiliation = token_affiliation
        self.now = time.time
        self.joins: list[dict] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, answer = stand_in.check(self.path)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def check(self, path: str) -> tuple[int, dict]:
        parts = urlsplit(path)
        segments = [unquote(s) for s in parts.path.split("/") if s]
        if len(segments) not in (1, 2):
            return 404, {"joined": False, "error": "no room in the path"}
        tenant, room = (segments[0], segments[1]) if len(segments) == 2 else ("", segments[0])
        token = (parse_qs(parts.query).get("jwt") or [""])[0]
        if not token:
            return 403, {"joined": False, "error": "token required"}
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "HS256":
                return 403, {"joined": False, "error": "algorithm not allowed"}
            # Time is checked below against the stand-in's own clock (with the leeway).
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], audience=self.audiences,
                                issuer=self.app_id,
                                options={"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                                         "require": ["iss", "aud", "room", "exp"]})
        except jwt.PyJWTError as error:
            return 403, {"joined": False, "error": f"token rejected: {error.__class__.__name__}"}
        now = self.now()
        if not isinstance(claims.get("exp"), int | float) or now > claims["exp"] + self.leeway:
            return 403, {"joined": False, "error": "token expired"}
        if "nbf" in claims and (not isinstance(claims["nbf"], int | float) or now + self.leeway < claims["nbf"]):
            return 403, {"joined": False, "error": "token not yet valid"}
        subject = claims.get("sub")
        if subject != "*" and subject != (tenant or self.domain):
            return 403, {"joined": False, "error": "subject does not match the domain or tenant"}
        if claims.get("room") != "*" and str(claims.get("room", "")).lower() != room.lower():
            return 403, {"joined": False, "error": "token is for another room"}
        user = ((claims.get("context") or {}).get("user") or {})
        moderator = False
        if self.token_affiliation:
            moderator = user.get("moderator") in (True, "true") or user.get("affiliation") in MODERATOR_AFFILIATIONS
        answer = {"joined": True, "room": room.lower(), "name": user.get("name", ""),
                  "email": user.get("email", ""), "id": user.get("id", ""), "moderator": moderator}
        self.joins.append(answer)
        return 200, answer

    def __enter__(self) -> JitsiStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
