"""GET /api/v1/delivery/tours: the token's courier service's tours of a day, in order,
without the recipients' names and phone numbers."""

from datetime import date

import pytest
from django.core.cache import cache

from digitalstadt.accounts import services as accounts
from digitalstadt.accounts.models import Membership, OrgRole
from digitalstadt.accounts.tests.factories import StaffFactory
from digitalstadt.delivery import planning

from .test_planning import DAY, day_with_jobs  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db
URL = "/api/v1/delivery/tours"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def token_for(org, scopes=("delivery:tours:read",)):
    owner = StaffFactory()  # with TOTP: only a second factor issues tokens
    Membership.objects.create(user=owner, organisation=org, role=OrgRole.OWNER)
    return accounts.api_token_create(actor=owner, organisation=org, name="Flotte", scopes=list(scopes))[1]


def test_the_tours_of_the_day_in_order_without_names_or_phones(client, day_with_jobs):  # noqa: F811
    courier = day_with_jobs
    planning.plan_day(courier_id=courier.pk, day=DAY, seconds=1)
    secret = token_for(courier)
    response = client.get(URL + "?day=2026-12-01", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    tours = response.json()
    stops = [s for t in tours for s in t["stops"]]
    assert len(stops) == 12 and {s["kind"] for s in stops} == {"pickup", "delivery"}
    for tour in tours:
        assert [s["sequence"] for s in tour["stops"]] == sorted(s["sequence"] for s in tour["stops"])
    assert "Kundin" not in response.content.decode() and "recipient" not in response.content.decode()
    assert client.get(URL + "?day=2026-12-02", HTTP_AUTHORIZATION=f"Bearer {secret}").json() == []
    assert client.get(URL + "?day=morgen", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 400
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token_for(courier, scopes=())}").status_code in (401, 403)
    assert date.fromisoformat(tours[0]["shift_start"][:10]) == DAY
