"""The courier service's statement page (month, per day or shop, CSV) and the proof of
delivery page (audited; images only for the service's managers)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from digitalstadt.accounts.models import Membership, OrgRole
from digitalstadt.accounts.tests.factories import UserFactory
from digitalstadt.core.models import AuditEntry
from digitalstadt.delivery.models import Job, JobStatus

from .courier_factories import make_tour

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\nsignature"


@pytest.fixture
def delivered():
    t = make_tour()
    courier = t["courier"][0]
    Job.unscoped_objects.filter(pk=t["job"].pk).update(status=JobStatus.DELIVERED, delivered_at=timezone.now(),
                                                       received_by="Lina Lieferung", signature_png=PNG, fee_cents=490)
    manager = UserFactory()
    Membership.objects.create(user=manager, organisation=courier, role=OrgRole.ADMIN)
    return t, courier, manager


def test_the_statement_of_the_month_per_day_and_shop_and_as_csv(client, delivered):
    t, courier, manager = delivered
    client.force_login(manager)
    url = reverse("delivery-dispatch:statement", kwargs={"courier": courier.slug})
    page = client.get(url).content.decode()
    assert "4,90" in page and timezone.localdate().isoformat() in page
    assert t["shop"].name in client.get(url + "?nach=shop").content.decode()
    csv = client.get(url + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Tag;zugestellt") and ";1;0;0;4,90" in text
    assert client.get(url + "?monat=13").status_code == 400
    assert "keine Lieferungen" in client.get(url + "?jahr=2025&monat=1").content.decode()


def test_the_proof_is_audited_and_only_for_the_services_managers(client, delivered):
    t, courier, manager = delivered
    url = reverse("delivery-dispatch:proof", kwargs={"courier": courier.slug, "job": t["job"].pk})
    image = reverse("delivery-dispatch:proof-image", kwargs={"courier": courier.slug, "job": t["job"].pk,
                                                           "kind": "unterschrift"})
    client.force_login(t["driver"])  # a driver does not dispatch
    assert client.get(url).status_code == 404 and client.get(image).status_code == 404
    client.force_login(manager)
    page = client.get(url).content.decode()
    assert "Lina Lieferung" in page and "Unterschrift von Lina Lieferung" in page
    assert AuditEntry.objects.filter(action="delivery.proof_viewed", actor=manager).count() == 1
    response = client.get(image)
    assert response.status_code == 200 and bytes(response.content) == PNG and "no-store" in response["Cache-Control"]
    photo = reverse("delivery-dispatch:proof-image", kwargs={"courier": courier.slug, "job": t["job"].pk,
                                                           "kind": "foto"})
    assert client.get(photo).status_code == 404  # no photo taken
