"""Shared test fixtures: the clock, a real SMTP server, the real task worker."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy

import pytest

from . import clock as test_clock


@pytest.fixture(autouse=True)
def clock(request):
    """Every test runs at a named instant (see testing/clock.py); tests marked
    `@pytest.mark.instants(...)` run once at each of the instants named."""
    name = getattr(request, "param", None) or test_clock.default_instant_name()
    with test_clock.start(name) as running:
        yield running


@pytest.fixture(autouse=True)
def _german_by_default():
    """Every test starts in the platform's default language: a test that requested an
    /en/ page must not leave English switched on for the next test in its worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def _test_seal():
    """The tests' development seal, valid from 2020 for 30 years: every instant the test
    clock visits lies inside it. Made once (under a file lock: xdist workers share it)."""
    import datetime as dt
    import fcntl

    from digitalstadt.core import signing

    directory = signing.signing_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        signing.ensure_dev_seal(directory=directory, valid_from=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
                                valid_days=(30 * 365, 30 * 365))
    yield


def pytest_generate_tests(metafunc):
    marker = metafunc.definition.get_closest_marker("instants")
    if marker is None:
        return
    names = marker.args or test_clock.ALL_INSTANTS
    unknown = [n for n in names if n not in test_clock.INSTANTS]
    if unknown:
        raise pytest.UsageError(f"unknown instants {unknown}; known: {sorted(test_clock.INSTANTS)}")
    metafunc.parametrize("clock", names, indirect=True, ids=[f"at-{n}" for n in names])


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
