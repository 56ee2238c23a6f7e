"""Platform staff verify shops: queue, review page, approve (live), reject with a note
(back to draft, owner informed by Postfach and e-mail), suspend; only the marketplace
role (or platform admins) may; audit entries for each step."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digitalstadt.accounts.models import OrgRole, StaffRole
from digitalstadt.accounts.tests.factories import CitizenFactory, StaffFactory
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.models import Message, OutboundEmail
from digitalstadt.marketplace.models import ShopStatus

from .shop_factories import make_shop, member, verifier

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(db):
    owner = CitizenFactory(email="mara@example.org", first_name="Mara")
    shop = make_shop(owner=owner, status=ShopStatus.SUBMITTED, business_registration="DA-2026-000777")
    member(shop, "verkauf@example.org", OrgRole.SALES)
    return shop


def review(client, shop, **data):
    return client.post(reverse("market-staff:review", args=[shop.slug]), data)


def test_the_staff_home_counts_submitted_shops_and_the_queue_lists_them(client, submitted):
    make_shop(slug="live-laden", name="Live-Laden", status=ShopStatus.LIVE)
    client.force_login(verifier())
    page = client.get("/verwaltung/").content.decode()
    assert "Marktplatz: Geschäfte prüfen" in page and "zur Prüfung eingereicht" in page
    queue = client.get(reverse("market-staff:list")).content.decode()
    assert "Rösterei am Woog" in queue and "Live-Laden" not in queue and "DA-2026-000777" in queue
    page = client.get(reverse("market-staff:review", args=[submitted.slug])).content.decode()
    assert "DE123456789" in page and "Vorgang DA-2026-000777" in page and "Impressum" in page
    assert AuditEntry.objects.filter(action="marketplace.shop_review_viewed", subject_id=str(submitted.pk)).exists()


def test_approve_needs_confirmation_then_makes_the_shop_live_and_informs_the_owner(client, submitted):
    wiebke = verifier()
    client.force_login(wiebke)
    unconfirmed = review(client, submitted, action="approve")
    assert unconfirmed.status_code == 400 and "Bitte bestätigen Sie" in unconfirmed.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ShopStatus.SUBMITTED
    assert review(client, submitted, action="approve", **{"approve-confirm": "on"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ShopStatus.LIVE and submitted.verified_by == wiebke and submitted.verified_at
    message = Message.objects.get(recipient_organisation=submitted.organisation)
    assert "freigeschaltet" in message.subject
    direct = OutboundEmail.objects.filter(purpose="marketplace:shop_review")
    # Owners and admins get the e-mail with the gist; sales staff only the Postfach notice.
    assert [m.to for m in direct] == ["mara@example.org"] and "freigeschaltet" in direct[0].subject
    assert AuditEntry.objects.filter(action="marketplace.shop_verified", actor=wiebke).count() == 1
    # Now the shop is public.
    assert client.get(reverse("market-directory:shop", args=[submitted.slug])).status_code == 200
    # Approving twice is refused, nothing changes.
    again = review(client, submitted, action="approve", **{"approve-confirm": "on"})
    assert again.status_code == 400 and AuditEntry.objects.filter(action="marketplace.shop_verified").count() == 1


def test_reject_with_a_note_sends_the_shop_back_to_draft(client, submitted):
    client.force_login(verifier())
    empty = review(client, submitted, action="reject", **{"note-note": "", "note-confirm": "on"})
    assert empty.status_code == 400
    response = review(client, submitted, action="reject",
                      **{"note-note": "Die Widerrufsbelehrung ist unvollständig.", "note-confirm": "on"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ShopStatus.DRAFT and submitted.submitted_at is None
    assert submitted.review_note == "Die Widerrufsbelehrung ist unvollständig."
    message = Message.objects.get(recipient_organisation=submitted.organisation)
    assert "Widerrufsbelehrung ist unvollständig" in message.body
    mail = OutboundEmail.objects.get(purpose="marketplace:shop_review")
    assert mail.to == "mara@example.org" and "Widerrufsbelehrung ist unvollständig" in mail.body_text
    assert AuditEntry.objects.filter(action="marketplace.shop_rejected").count() == 1
    # The owner sees the note on the shop page and can submit again.
    client.force_login(submitted.organisation.memberships.get(role=OrgRole.OWNER).user)
    page = client.get(reverse("market-shop:detail", args=[submitted.slug])).content.decode()
    assert "Hinweis der Prüfung" in page and "Widerrufsbelehrung ist unvollständig" in page
    client.post(reverse("market-shop:submit", args=[submitted.slug]))
    submitted.refresh_from_db()
    assert submitted.status == ShopStatus.SUBMITTED


def test_suspend_a_live_shop(client):
    shop = make_shop(owner=CitizenFactory(email="mara@example.org"), status=ShopStatus.LIVE)
    client.force_login(verifier())
    assert review(client, shop, action="suspend", **{"note-note": "Beschwerden über Fake-Angebote",
                                                   "note-confirm": "on"}).status_code == 302
    shop.refresh_from_db()
    assert shop.status == ShopStatus.SUSPENDED
    assert client.get(reverse("market-directory:shop", args=[shop.slug])).status_code == 404
    assert AuditEntry.objects.filter(action="marketplace.shop_suspended").count() == 1
    assert "gesperrt" in OutboundEmail.objects.get(purpose="marketplace:shop_review").subject


def test_only_the_marketplace_role_or_platform_admins_verify(client, submitted):
    clerk = StaffFactory(email="sami@stadt.example", role="case_worker")
    client.force_login(clerk)
    assert client.get(reverse("market-staff:list")).status_code == 403
    assert review(client, submitted, action="approve", **{"approve-confirm": "on"}).status_code == 403
    citizen = CitizenFactory(email="berta@example.org")
    client.force_login(citizen)
    assert client.get(reverse("market-staff:list")).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ShopStatus.SUBMITTED
    admin = StaffFactory(email="paula@stadt.example", role="platform_admin")
    client.force_login(admin)
    assert review(client, submitted, action="approve", **{"approve-confirm": "on"}).status_code == 302


def test_staff_without_a_second_factor_are_sent_to_set_it_up(client, submitted):
    user = CitizenFactory(email="neu@stadt.example")
    StaffRole.objects.create(user=user, role="marketplace")
    client.force_login(user)
    response = client.get(reverse("market-staff:list"))
    assert response.status_code == 302 and "totp" in response["Location"]


def test_a_verifier_does_not_approve_their_own_shop(client):
    wiebke = verifier()
    shop = make_shop(owner=wiebke, status=ShopStatus.SUBMITTED)
    client.force_login(wiebke)
    response = review(client, shop, action="approve", **{"approve-confirm": "on"})
    assert response.status_code == 400 and "jemand anderes" in response.content.decode()
    shop.refresh_from_db()
    assert shop.status == ShopStatus.SUBMITTED
