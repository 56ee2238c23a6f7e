"""Shared test fixtures: a real SMTP server, the real task worker, factories."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CollectingHandler:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append({"to": list(envelope.rcpt_tos), "subject": str(msg["subject"]), "message": msg,
                                  "body": _text_body(msg)})
        return "250 OK"


def _text_body(msg) -> str:
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


class SmtpServer:
    """aiosmtpd on a fixed port that can be stopped and started again."""

    def __init__(self, port: int):
        self.port = port
        self.handler = CollectingHandler()
        self.controller = None

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.handler.messages

    def mailers_setting(self) -> dict:
        return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "use_tls": False, "timeout": 5}}}


@pytest.fixture
def smtp_server(settings):
    server = SmtpServer(free_port())
    server.start()
    # The test runner swapped in the in-memory mailer; point mail at the real server.
    settings.MAILERS = server.mailers_setting()
    yield server
    server.stop()


def run_worker_batch() -> None:
    """Run the real database task worker until the queue is empty."""
    from django.core.management import call_command

    call_command("db_worker", batch=True, reload=False, startup_delay=False, queue_name="*", verbosity=0)


@pytest.fixture
def deliver_mail():
    """Process due tasks with the real worker, e.g. to send queued e-mail."""
    return run_worker_batch


def find_link(body: str, marker: str) -> str:
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("http") and marker in line:
            return line
    raise AssertionError(f"no link containing {marker!r} in mail:\n{body}")
