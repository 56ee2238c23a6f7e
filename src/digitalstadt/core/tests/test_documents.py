"""Private documents: stored outside the web root with their SHA-256, served only
through the permission-checked view, with legal delivery times recorded."""

import hashlib

import pytest
from django.conf import settings
from django.urls import reverse

from digitalstadt.accounts.models import Membership, Organisation, OrganisationKind, OrgRole, StaffRole, User
from digitalstadt.core.models import AuditEntry, Document
from digitalstadt.core.services import document_store
from digitalstadt.mailbox.services import message_send

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def owner():
    return User.objects.create_user("owner@example.org", "Sicher-genug-2026")


@pytest.fixture
def document(owner):
    return document_store(content=PDF, filename="bescheid.pdf", content_type="application/pdf",
                          title="Bescheid", owner_user=owner, actor=None)


def test_stored_outside_static_with_generated_name_and_hash(document):
    path = document.file.path
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert "bescheid" not in path
    assert str(settings.STATIC_ROOT) not in path and "/static/" not in path
    assert open(path, "rb").read() == PDF


def test_owner_downloads_and_first_opening_is_recorded_once(client, owner, document):
    message_send(subject="Ihr Bescheid", body="Anbei.", sender_name="Stadt", recipient_user=owner,
                 documents=[document])
    document.refresh_from_db()
    assert document.made_available_at is not None and document.first_opened_at is None
    client.force_login(owner)
    url = reverse("core:document-download", kwargs={"uuid": document.uuid})
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    document.refresh_from_db()
    first = document.first_opened_at
    assert first is not None
    client.get(url)
    document.refresh_from_db()
    assert document.first_opened_at == first
    assert AuditEntry.objects.filter(action="document.first_opened", subject_id=str(document.pk)).count() == 1


def test_other_citizen_gets_404_and_anonymous_is_sent_to_login(client, document):
    url = reverse("core:document-download", kwargs={"uuid": document.uuid})
    assert client.get(url).status_code == 302
    other = User.objects.create_user("other@example.org", "Sicher-genug-2026")
    client.force_login(other)
    assert client.get(url).status_code == 404
    document.refresh_from_db()
    assert document.first_opened_at is None


def test_organisation_members_may_read_organisation_documents(client):
    org = Organisation.objects.create(name="Laden", slug="laden", kind=OrganisationKind.SHOP)
    member = User.objects.create_user("member@example.org", "Sicher-genug-2026")
    outsider = User.objects.create_user("outsider@example.org", "Sicher-genug-2026")
    Membership.objects.create(user=member, organisation=org, role=OrgRole.MEMBER)
    doc = document_store(content=PDF, filename="a.pdf", content_type="application/pdf", title="A",
                         owner_organisation=org)
    url = reverse("core:document-download", kwargs={"uuid": doc.uuid})
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_staff_without_a_granting_rule_cannot_read_citizen_documents(client, document):
    staff = User.objects.create_user("staff@example.org", "Sicher-genug-2026", is_staff=True)
    StaffRole.objects.create(user=staff, role="case_worker")
    client.force_login(staff)
    assert client.get(reverse("core:document-download", kwargs={"uuid": document.uuid})).status_code == 404
    assert Document.objects.get(pk=document.pk).first_opened_at is None
