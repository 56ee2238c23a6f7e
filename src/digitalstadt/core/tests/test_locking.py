"""The locking helper: a lock held too long by another request answers "please try
again" (LockTimeout, a 503 page or JSON) instead of a hung request or a 500."""

import threading

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from digitalstadt.core.locking import LockTimeout, lock_rows
from digitalstadt.core.middleware import LockTimeoutMiddleware
from digitalstadt.core.models import IdempotencyRecord

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


class Holder:
    """Another request: holds the row lock in its own connection until released."""

    def __init__(self, pk):
        self.locked, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, args=(pk,))

    def _run(self, pk):
        try:
            with transaction.atomic():
                lock_rows(IdempotencyRecord.objects.filter(pk=pk))
                self.locked.set()
                self.release.wait(30)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(30)


@pytest.fixture
def row():
    return IdempotencyRecord.objects.create(scope="test", key="k", request_hash="h", status_code=200, response={})


def test_a_lock_not_granted_in_time_says_please_try_again(row, settings):
    settings.LOCK_TIMEOUT_MS = 200
    with Holder(row.pk):
        with pytest.raises(LockTimeout) as caught, transaction.atomic():
            lock_rows(IdempotencyRecord.objects.filter(pk=row.pk))
    assert "Bitte versuchen Sie es in einem Moment noch einmal" in caught.value.messages[0]
    # Once the other request is done, the same call succeeds.
    with transaction.atomic():
        assert lock_rows(IdempotencyRecord.objects.filter(pk=row.pk)) == [row]


def test_negative_control_without_a_timeout_the_request_waits(row, settings):
    settings.LOCK_TIMEOUT_MS = 0  # PostgreSQL: wait for ever
    done = threading.Event()

    def waiter():
        try:
            with transaction.atomic():
                lock_rows(IdempotencyRecord.objects.filter(pk=row.pk))
            done.set()
        finally:
            connection.close()

    with Holder(row.pk):
        thread = threading.Thread(target=waiter)
        thread.start()
        assert not done.wait(1.0), "without lock_timeout the second request should still be waiting"
    thread.join(30)
    assert done.is_set()


def test_an_uncaught_lock_timeout_is_a_503_with_the_message_not_a_500(row, settings):
    settings.LOCK_TIMEOUT_MS = 100

    def view(request):
        with transaction.atomic():
            lock_rows(IdempotencyRecord.objects.filter(pk=row.pk))
        return HttpResponse("ok")

    middleware = LockTimeoutMiddleware(view)
    with Holder(row.pk):
        for path in ("/termine/reservieren/", "/api/v1/appointments/reservations"):
            request = RequestFactory().post(path)
            try:
                response = view(request)
            except LockTimeout as exc:
                response = middleware.process_exception(request, exc)
            assert response.status_code == 503 and response["Retry-After"] == "2"
            assert "noch einmal" in response.content.decode()



def test_any_statement_waiting_past_the_connections_lock_timeout_is_a_503(row):
    """The PostgreSQL connection itself bounds every lock wait (settings.database_config),
    not only lock_rows: a plain UPDATE of a row another request holds answers 503 too."""
    from django.db import OperationalError

    def view(request):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '100ms'")  # the configured 5 s, shortened
            IdempotencyRecord.objects.filter(pk=row.pk).update(status_code=201)  # no lock_rows
        return HttpResponse("ok")

    middleware = LockTimeoutMiddleware(view)
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "5s"  # from the connection options
    with Holder(row.pk):
        request = RequestFactory().post("/termine/reservieren/")
        with pytest.raises(OperationalError) as caught:
            view(request)
        response = middleware.process_exception(request, caught.value)
    assert response.status_code == 503 and "noch einmal" in response.content.decode()
    row.refresh_from_db()
    assert row.status_code == 200  # nothing changed
