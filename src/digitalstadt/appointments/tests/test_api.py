import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from digitalstadt.appointments.models import Booking, BookingStatus, Slot
from digitalstadt.appointments.schedule import generate_slots
from digitalstadt.appointments.selectors import free_starts, need_at
from digitalstadt.core.pow import solve_for_tests
from digitalstadt.mailbox.models import OutboundEmail
from digitalstadt.testing.fixtures import find_link

from .factories import make_location, make_service, offer, spaced_free_starts

pytestmark = pytest.mark.django_db
API = "/api/v1/appointments"


@pytest.fixture
def setup(settings):
    settings.ALTCHA_MAX_NUMBER = 2000
    cache.clear()
    location = make_location(counters=1)
    service = make_service()
    offer(location, service, minutes=20)
    today = timezone.localdate()
    generate_slots(location=location, start=today, end=today + timedelta(days=14))
    start = free_starts(need_at(location, [(service.pk, 1)]), limit=1)[0]
    return location, service, start


def solved(client):
    return solve_for_tests(client.get(f"{API}/challenge").json())


def reserve(client, location, service, start, altcha, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"{API}/reservations", json.dumps({
        "location": location.slug, "services": [{"service": service.slug, "persons": 1}],
        "starts_at": start.isoformat(), "altcha": altcha}), content_type="application/json", **headers)


def test_catalogue_endpoints_list_services_locations_and_free_slots(client, setup):
    location, service, start = setup
    assert client.get(f"{API}/services").json()[0]["locations"] == [location.slug]
    assert client.get(f"{API}/locations").json()[0]["slug"] == location.slug
    slots = client.get(f"{API}/slots", {"service": service.slug, "limit": 3}).json()
    assert slots[0]["location"] == location.slug and len(slots[0]["starts"]) == 3
    assert client.get(f"{API}/slots", {"service": "gibt-es-nicht"}).status_code == 422
    spec = client.get("/api/v1/openapi.json").json()
    tagged = {path for path, ops in spec["paths"].items() for op in ops.values() if "appointments" in op.get("tags", [])}
    assert f"{API}/reservations" in tagged and f"{API}/slots" in tagged


def test_full_booking_by_api_with_email_confirmation(client, setup):
    location, service, start = setup
    response = reserve(client, location, service, start, solved(client))
    assert response.status_code == 201, response.content
    held = response.json()
    details = client.post(f"{API}/reservations/{held['code']}/details", json.dumps({
        "hold_token": held["hold_token"], "name": "Berta Bürger", "email": "berta@example.org"}),
        content_type="application/json")
    assert details.status_code == 200 and details.json()["status"] == BookingStatus.PENDING
    mail = OutboundEmail.objects.get(purpose="appointments:confirm_request")
    link = find_link(mail.body_text, "/termine/buchung/")
    token = link.split("?t=")[1]
    assert held["hold_token"] != token  # only the e-mail carries the confirmation token
    confirm = client.post(f"{API}/bookings/{held['code']}/confirm", json.dumps({"token": token}),
                          content_type="application/json")
    assert confirm.status_code == 200 and confirm.json()["status"] == BookingStatus.CONFIRMED
    assert client.get(f"{API}/bookings/{held['code']}", {"token": token}).json()["status"] == "confirmed"
    assert client.get(f"{API}/bookings/{held['code']}", {"token": "falsch"}).status_code == 404
    cancel = client.post(f"{API}/bookings/{held['code']}/cancel", json.dumps({"token": token}),
                         content_type="application/json")
    assert cancel.json()["status"] == BookingStatus.CANCELLED


def test_reserving_needs_a_fresh_proof_of_work(client, setup):
    location, service, start = setup
    assert reserve(client, location, service, start, "").status_code == 422
    assert reserve(client, location, service, start, "bm9uc2Vuc2U=").status_code == 422
    altcha = solved(client)
    assert reserve(client, location, service, start, altcha).status_code == 201
    later = start + timedelta(minutes=30)
    assert reserve(client, location, service, later, altcha).status_code == 422  # replayed
    assert Booking.objects.count() == 1


def test_idempotency_key_returns_the_same_reservation(client, setup):
    location, service, start = setup
    first = reserve(client, location, service, start, solved(client), key="abc-123")
    again = reserve(client, location, service, start, solved(client), key="abc-123")
    assert first.status_code == again.status_code == 201
    assert first.json()["code"] == again.json()["code"]
    assert Booking.objects.count() == 1
    assert Slot.objects.get(location=location, starts_at=start).booked == 1
    other = reserve(client, location, service, start + timedelta(minutes=30), solved(client), key="abc-123")
    assert other.status_code == 422


def test_reservations_are_rate_limited_per_ip(client, setup, settings):
    settings.RESERVE_RATE_LIMIT = (2, 600)
    location, service, _start = setup
    codes = [reserve(client, location, service, start, solved(client)).status_code
             for start in spaced_free_starts(location, service, 3)]
    assert codes == [201, 201, 429]
    assert Booking.objects.count() == 2


def test_confirmation_mail_carries_the_manage_link_and_the_cancellation_a_way_back(client, setup):
    location, service, start = setup
    held = reserve(client, location, service, start, solved(client)).json()
    client.post(f"{API}/reservations/{held['code']}/details", json.dumps({
        "hold_token": held["hold_token"], "name": "Berta", "email": "berta@example.org"}),
        content_type="application/json")
    token = find_link(OutboundEmail.objects.get(purpose="appointments:confirm_request").body_text,
                      "/termine/buchung/").split("?t=")[1]
    client.post(f"{API}/bookings/{held['code']}/confirm", json.dumps({"token": token}), content_type="application/json")
    confirmed = OutboundEmail.objects.get(purpose="appointments:confirmed").body_text
    assert find_link(confirmed, "/termine/buchung/").endswith(f"/termine/buchung/{held['code']}/?t={token}")
    client.post(f"{API}/bookings/{held['code']}/cancel", json.dumps({"token": token}), content_type="application/json")
    assert find_link(OutboundEmail.objects.get(purpose="appointments:cancelled").body_text, "/termine/")


def test_a_service_named_twice_cannot_add_up_beyond_its_person_limit(client, setup):
    """`persons: 6` is refused (limit 4), and so is 4 + 2 of the same service."""
    from django.core.exceptions import ValidationError

    from digitalstadt.appointments.services import booking_hold

    location, service, _start = setup
    start = free_starts(need_at(location, [(service.pk, 4)]), limit=1)[0]  # room for four people

    def hold(*persons):
        return client.post(f"{API}/reservations", json.dumps({
            "location": location.slug, "services": [{"service": service.slug, "persons": n} for n in persons],
            "starts_at": start.isoformat(), "altcha": solved(client)}), content_type="application/json")

    assert hold(6).status_code == 409
    twice = hold(4, 2)
    assert twice.status_code == 422 and "nur einmal" in twice.json()["detail"]
    with pytest.raises(ValidationError, match="nur einmal"):
        booking_hold(location=location, services=[(service.pk, 4), (service.pk, 2)], starts_at=start)
    assert need_at(location, [(service.pk, 4), (service.pk, 2)]) is None
    assert not Booking.objects.exists()
    assert hold(4).status_code == 201  # the limit itself still allows four people


def test_a_stored_answer_is_never_replayed_to_another_caller_or_without_proof_of_work(client, setup):
    """The stored reservation answer holds the hold token: a second client sending the
    same Idempotency-Key gets neither it nor a pass on the proof-of-work."""
    from django.test import Client

    location, service, start = setup
    first = reserve(client, location, service, start, solved(client), key="shared-key")
    assert first.status_code == 201
    secret = first.json()["hold_token"]

    no_proof = reserve(Client(), location, service, start, "no-proof-of-work", key="shared-key")
    assert no_proof.status_code == 422 and secret not in no_proof.content.decode()
    elsewhere = Client(REMOTE_ADDR="127.0.0.2")
    other = reserve(elsewhere, location, service, start, solved(elsewhere), key="shared-key")
    assert other.status_code == 409 and secret not in other.content.decode()  # its own attempt: the slot is taken

    retry = reserve(client, location, service, start, solved(client), key="shared-key")
    assert retry.status_code == 201 and retry.json()["hold_token"] == secret  # the caller's own retry
    assert Booking.objects.count() == 1


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


@pytest.mark.django_db(transaction=True)
def test_a_reservation_costs_at_most_twelve_statements(client, setup):
    """The booking hot path (issue 9, part 4): rate limit, location with its offers,
    idempotency look-up, proof-of-work, expired holds, the ordered slot lock, the
    increment, three inserts, the audit entry and the stored answer. Transaction
    control (SQLite's explicit BEGIN IMMEDIATE/COMMIT) is not counted: PostgreSQL sends
    none as statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    location, service, start = setup
    altcha = solved(client)
    with CaptureQueriesContext(connection) as captured:
        response = reserve(client, location, service, start, altcha, key="rush-1")
    assert response.status_code == 201, response.content
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]
    assert len(statements) <= 12, "\n".join(statements)
    booking = Booking.objects.get(code=response.json()["code"])
    assert booking.status == BookingStatus.HELD and booking.booked_services.get().duration_minutes == 20
    assert sum(Slot.objects.filter(location=location).values_list("booked", flat=True)) == 2

