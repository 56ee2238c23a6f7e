"""A small local stand-in for a BigBlueButton server's API, for tests.

It checks every call as BBB's ApiController does: the `checksum` parameter is cut from
the query string, the algorithm is told by its length (40 hex: SHA-1, 64: SHA-256, 96:
SHA-384, 128: SHA-512) and must be in `algorithms` (BBB's supportedChecksumAlgorithms),
and it must equal hex(hash(callName + restOfQuery + sharedSecret)). Calls:

- `create`: makes the meeting (SUCCESS); again for the same meetingID: SUCCESS with
  messageKey `duplicateWarning`, as BBB answers;
- `join`: FAILED `invalidMeetingIdentifier` for a meeting not created; with a role
  (MODERATOR/VIEWER) or a matching attendee/moderator password the person joins and,
  with redirect=true, is sent (302) to `/html5client/join?sessionToken=...`, which
  answers JSON {"fullName", "role", "meetingID", "userID"}; redirect=false answers XML;
- `getMeetingInfo` (FAILED `notFound` when unknown) and `isMeetingRunning`.
A bad checksum is FAILED `checksumError`. Trouble on demand: `fail = status`,
`stall = True` (no answer until the server stops), `garbage = True` (not XML).

    with BBBStandIn(secret="...") as server:
        settings.ROOM_BBB_URL = server.url + "/bigbluebutton/"
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

__all__ = ["BBBStandIn"]

BY_LENGTH = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}
API = "/bigbluebutton/api/"


def _xml(returncode: str, **fields) -> bytes:
    inner = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in fields.items())
    return f"<response><returncode>{returncode}</returncode>{inner}</response>".encode()


class BBBStandIn:
    def __init__(self, *, secret: str, algorithms=("sha1", "sha256", "sha384", "sha512")) -> None:
        self.secret = secret
        self.algorithms = set(algorithms)
        self.meetings: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.calls: list[tuple[str, str]] = []  # (call, algorithm or "bad")
        self.fail: int | None = None
        self.stall = False
        self.garbage = False
        self._stop = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if stand_in.stall:
                    stand_in._stop.wait()
                    return
                if stand_in.fail is not None:
                    return self._send(stand_in.fail, b"<html>error</html>", "text/html")
                if stand_in.garbage:
                    return self._send(200, b"<response><returncode>SUCC", "text/xml")
                status, body, content_type, location = stand_in.handle(self.path)
                self._send(status, body, content_type, location)

            def _send(self, status, body, content_type, location=None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if location:
                    self.send_header("Location", location)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    # --- the checks ------------------------------------------------------------------

    def verify(self, call: str, query: str) -> str | None:
        """The algorithm of a valid checksum, else None."""
        parts = query.split("&")
        checksums = [p for p in parts if p.startswith("checksum=")]
        if len(checksums) != 1:
            return None
        given = checksums[0].removeprefix("checksum=").lower()
        rest = "&".join(p for p in parts if not p.startswith("checksum="))
        algorithm = BY_LENGTH.get(len(given))
        if algorithm is None or algorithm not in self.algorithms:
            return None
        expected = hashlib.new(algorithm, (call + rest + self.secret).encode()).hexdigest()
        return algorithm if hmac.compare_digest(expected, given) else None

    def handle(self, path: str) -> tuple[int, bytes, str, str | None]:
        parts = urlsplit(path)
        if parts.path == "/html5client/join":
            token = (parse_qs(parts.query).get("sessionToken") or [""])[0]
            session = self.sessions.get(token)
            if session is None:
                return 401, b'{"error": "invalid session"}', "application/json", None
            return 200, json.dumps(session).encode(), "application/json", None
        if not parts.path.startswith(API):
            return 404, b"not found", "text/plain", None
        call = parts.path.removeprefix(API)
        algorithm = self.verify(call, parts.query)
        self.calls.append((call, algorithm or "bad"))
        if algorithm is None:
            return 200, _xml("FAILED", messageKey="checksumError",
                             message="Checksums do not match"), "text/xml", None
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        handler = getattr(self, f"_{call}", None)
        if handler is None:
            return 200, _xml("FAILED", messageKey="unsupportedRequest",
                             message="This request is not supported."), "text/xml", None
        return handler(params)

    def _create(self, p):
        meeting_id = p.get("meetingID", "")
        if not meeting_id:
            return 200, _xml("FAILED", messageKey="missingParamMeetingID",
                             message="You must specify a meeting ID for the meeting."), "text/xml", None
        meeting = self.meetings.get(meeting_id)
        key, message = "", ""
        if meeting is None:
            meeting = {"meetingID": meeting_id, "name": p.get("name", meeting_id),
                       "attendeePW": p.get("attendeePW") or secrets.token_hex(4),
                       "moderatorPW": p.get("moderatorPW") or secrets.token_hex(4),
                       "createTime": int(time.time() * 1000), "attendees": []}
            self.meetings[meeting_id] = meeting
        else:
            key, message = "duplicateWarning", ("This conference was already in existence and may currently be "
                                                "in progress.")
        return 200, _xml("SUCCESS", meetingID=meeting_id, internalMeetingID=secrets.token_hex(20),
                         attendeePW=meeting["attendeePW"], moderatorPW=meeting["moderatorPW"],
                         createTime=meeting["createTime"], hasUserJoined=str(bool(meeting["attendees"])).lower(),
                         messageKey=key, message=message), "text/xml", None

    def _join(self, p):
        meeting = self.meetings.get(p.get("meetingID", ""))
        if meeting is None:
            return 200, _xml("FAILED", messageKey="invalidMeetingIdentifier",
                             message="The meeting ID that you supplied did not match any existing meetings"), \
                "text/xml", None
        if not p.get("fullName"):
            return 200, _xml("FAILED", messageKey="missingParamFullName",
                             message="You must specify a name for the attendee who will be joining the meeting."), \
                "text/xml", None
        role = p.get("role", "").upper()
        if role not in ("MODERATOR", "VIEWER"):
            password = p.get("password", "")
            role = {meeting["moderatorPW"]: "MODERATOR", meeting["attendeePW"]: "VIEWER"}.get(password, "")
            if not role:
                return 200, _xml("FAILED", messageKey="invalidPassword",
                                 message="You either did not supply a password or the password supplied is "
                                         "neither the attendee or moderator password for this conference."), \
                    "text/xml", None
        token = secrets.token_hex(8)
        session = {"fullName": p["fullName"], "role": role, "meetingID": meeting["meetingID"],
                   "userID": p.get("userID", "")}
        self.sessions[token] = session
        meeting["attendees"].append(session)
        if p.get("redirect", "true").lower() != "false":
            return 302, b"", "text/plain", f"{self.url}/html5client/join?sessionToken={token}"
        return 200, _xml("SUCCESS", messageKey="successfullyJoined", message="You have joined successfully.",
                         meeting_id=meeting["meetingID"], session_token=token,
                         url=f"{self.url}/html5client/join?sessionToken={token}"), "text/xml", None

    def _getMeetingInfo(self, p):  # noqa: N802 (BBB's call name)
        meeting = self.meetings.get(p.get("meetingID", ""))
        if meeting is None:
            return 200, _xml("FAILED", messageKey="notFound",
                             message="A meeting with that ID does not exist"), "text/xml", None
        return 200, _xml("SUCCESS", meetingName=meeting["name"], meetingID=meeting["meetingID"],
                         running=str(bool(meeting["attendees"])).lower(),
                         participantCount=len(meeting["attendees"]),
                         moderatorCount=sum(a["role"] == "MODERATOR" for a in meeting["attendees"])), \
            "text/xml", None

    def _isMeetingRunning(self, p):  # noqa: N802
        meeting = self.meetings.get(p.get("meetingID", ""))
        return 200, _xml("SUCCESS", running=str(bool(meeting and meeting["attendees"])).lower()), "text/xml", None

    def __enter__(self) -> BBBStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
