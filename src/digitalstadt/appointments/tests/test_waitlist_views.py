from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digitalstadt.accounts.models import User
from digitalstadt.appointments.models import WaitlistEntry, WaitlistStatus

from .factories import make_location, make_service, offer

# Date-sensitive: run at every named instant of the test clock.
pytestmark = [pytest.mark.django_db, pytest.mark.instants()]
URL = reverse("appointments:waitlist")


@pytest.fixture
def setup(client):
    location = make_location()
    service = make_service()
    offer(location, service)
    user = User.objects.create_user("mira@example.org", "Sicher-genug-2026")
    client.force_login(user)
    return location, service, user


def join(client, location, service, until):
    return client.post(URL, {"standort": location.slug, "leistung": service.slug, "bis": until})


def test_join_list_and_leave(client, setup):
    location, service, user = setup
    response = join(client, location, service, (timezone.localdate() + timedelta(days=20)).isoformat())
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get(user=user)
    assert entry.services == [[service.pk, 1]] and entry.status == WaitlistStatus.WAITING
    page = client.get(URL).content.decode()
    assert location.name_de in page and "Eintrag löschen" in page
    client.post(URL, {"action": "verlassen", "entry": entry.uuid})
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.CANCELLED


def test_bad_input_is_refused_and_nothing_is_stored(client, setup):
    location, service, _user = setup
    assert join(client, location, service, "").status_code == 400
    assert join(client, location, service, "morgen").status_code == 400
    past = join(client, location, service, (timezone.localdate() - timedelta(days=1)).isoformat())
    assert past.status_code == 400 and "Datum in der Zukunft" in past.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_someone_else_cannot_remove_my_entry_and_anonymous_must_log_in(client, setup):
    location, service, user = setup
    join(client, location, service, (timezone.localdate() + timedelta(days=5)).isoformat())
    entry = WaitlistEntry.objects.get(user=user)
    other = User.objects.create_user("other@example.org", "Sicher-genug-2026")
    client.force_login(other)
    assert client.post(URL, {"action": "verlassen", "entry": entry.uuid}).status_code == 404
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING
    client.logout()
    assert client.get(URL).status_code == 302
