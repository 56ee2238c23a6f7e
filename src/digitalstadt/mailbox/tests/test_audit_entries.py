"""Opening a Postfach message is audited once per reader (the legal delivery of a
decision can depend on it)."""

from __future__ import annotations

import pytest

from digitalstadt.accounts.models import Membership, Organisation, OrgRole
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.services import message_send

from .test_mailbox import make_user

pytestmark = pytest.mark.django_db


def read_entries(message) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="mailbox.message_read", subject_type="mailbox.message",
                                          subject_id=str(message.pk)).order_by("id"))


def test_the_first_opening_of_a_message_is_audited_once(client):
    anna = make_user("anna@example.org")
    message = message_send(subject="Bescheid", body="Anbei.", sender_name="Amt", recipient_user=anna)
    client.force_login(anna)

    client.get(f"/postfach/{message.uuid}/")
    client.get(f"/postfach/{message.uuid}/")

    [entry] = read_entries(message)
    assert entry.actor == anna and entry.data_subject_ref == f"user:{anna.pk}"


def test_each_member_reading_an_organisation_message_is_audited(client):
    owner, clerk = make_user("laden@example.org"), make_user("verkauf@example.org")
    shop = Organisation.objects.create(name="Laden am Luisenplatz", slug="laden", kind="shop")
    Membership.objects.create(user=owner, organisation=shop, role=OrgRole.OWNER)
    Membership.objects.create(user=clerk, organisation=shop, role=OrgRole.SALES)
    message = message_send(subject="Gewerbeschein", body="Bitte prüfen.", sender_name="Amt",
                           recipient_organisation=shop)

    for person in (owner, clerk):
        client.force_login(person)
        assert client.get(f"/postfach/{message.uuid}/").status_code == 200

    assert [e.actor for e in read_entries(message)] == [owner, clerk]
