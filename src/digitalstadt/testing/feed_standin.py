"""A small local stand-in for a car-park data server (ParkAPI v3, DATEX II), for tests.

It serves fixed documents by path over real HTTP: `serve(path, body, content_type)`.
Trouble on demand: `fail = status` (every request gets that status), `stall = True`
(no answer until the server stops, for client timeouts). `requests` records the paths.

    with FeedStandIn() as server:
        server.serve("/status.xml", sample_bytes, "application/xml")
        url = server.url + "/status.xml"
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["FeedStandIn"]


class FeedStandIn:
    def __init__(self) -> None:
        self.documents: dict[str, tuple[bytes, str]] = {}
        self.fail: int | None = None
        self.stall = False
        self.requests: list[str] = []
        self._stop = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stand_in.requests.append(self.path)
                if stand_in.stall:
                    stand_in._stop.wait()
                    return
                document = stand_in.documents.get(self.path)
                if stand_in.fail is not None or document is None:
                    status, (body, content_type) = stand_in.fail or 404, (b"not found", "text/plain")
                else:
                    status, (body, content_type) = 200, document
                self.send_response(status)
                self.send_header("Content-Type", content_type)
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

    def serve(self, path: str, body: bytes, content_type: str = "application/json") -> str:
        self.documents[path] = (body, content_type)
        return self.url + path

    def __enter__(self) -> FeedStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
