"""Partner roles: requested by a partner's owner or admin with a reason, decided one by
one by the business development office (approve, reject with a reason, revoke),
audited, and told to the partner through its Postfach. Clock: the suite's."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from digitalstadt.accounts.models import Membership, OrgRole
from digitalstadt.business import partner_services
from digitalstadt.business.models import PartnerRole
from digitalstadt.business.partner_selectors import may_organise
from digitalstadt.business.types import PartnerRoleKind, PartnerRoleStatus
from digitalstadt.core.models import AuditEntry
from digitalstadt.core.scoping import unscoped
from digitalstadt.mailbox.models import Message

from .partner_factories import make_office_user, make_partner, make_user

pytestmark = pytest.mark.django_db
REASON = "Wir bieten seit Jahren Seminare für kleine Firmen an."


def _role(org):
    with unscoped():
        return PartnerRole.objects.get(organisation=org, kind=PartnerRoleKind.EVENT_ORGANISER)


def test_an_owner_requests_a_role_and_the_office_approves_it():
    owner = make_user("inhaber@partner.example")
    org = make_partner(owner=owner, role=None)
    office = make_office_user()
    role = partner_services.partner_role_request(actor=owner, organisation=org, kind="event_organiser",
                                                 reason=REASON)
    assert role.status == PartnerRoleStatus.REQUESTED
    assert not may_organise(user=owner, organisation=org)
    partner_services.partner_role_approve(actor=office, role=role, note="Willkommen")
    assert _role(org).status == PartnerRoleStatus.APPROVED
    assert may_organise(user=owner, organisation=org)
    message = Message.objects.get(recipient_organisation=org)
    assert "freigegeben" in message.subject and "Willkommen" in message.body
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert "business.partner_role_requested" in actions and "business.partner_role_decided" in actions


def test_a_member_who_is_not_owner_or_admin_cannot_request():
    owner = make_user("inhaber@partner.example")
    org = make_partner(owner=owner, role=None)
    member = make_user("mitglied@partner.example")
    Membership.objects.create(user=member, organisation=org, role=OrgRole.MEMBER)
    with pytest.raises(PermissionDenied):
        partner_services.partner_role_request(actor=member, organisation=org, kind="event_organiser", reason=REASON)
    with unscoped():
        assert not PartnerRole.objects.exists()


def test_a_company_cannot_ask_for_a_partner_role():
    from digitalstadt.accounts.models import Organisation

    owner = make_user("firma@example.org")
    company = Organisation.objects.create(slug="firma", name="Firma", kind="company")
    Membership.objects.create(user=owner, organisation=company, role=OrgRole.OWNER)
    with pytest.raises(ValidationError):
        partner_services.partner_role_request(actor=owner, organisation=company, kind="event_organiser",
                                              reason=REASON)


def test_a_request_needs_a_reason_and_cannot_be_made_twice():
    owner = make_user("inhaber@partner.example")
    org = make_partner(owner=owner, role=None)
    with pytest.raises(ValidationError):
        partner_services.partner_role_request(actor=owner, organisation=org, kind="event_organiser", reason="  ")
    partner_services.partner_role_request(actor=owner, organisation=org, kind="event_organiser", reason=REASON)
    with pytest.raises(ValidationError):
        partner_services.partner_role_request(actor=owner, organisation=org, kind="event_organiser", reason=REASON)


def test_only_the_business_development_office_decides():
    owner = make_user("inhaber@partner.example")
    org = make_partner(owner=owner, role="requested")
    with pytest.raises(PermissionDenied):
        partner_services.partner_role_approve(actor=owner, role=_role(org))
    assert _role(org).status == PartnerRoleStatus.REQUESTED


def test_a_rejection_needs_a_reason_and_a_rejected_role_may_be_asked_for_again():
    owner = make_user("inhaber@partner.example")
    org = make_partner(owner=owner, role="requested")
    office = make_office_user()
    with pytest.raises(ValidationError):
        partner_services.partner_role_reject(actor=office, role=_role(org), note="")
    partner_services.partner_role_reject(actor=office, role=_role(org), note="Bitte Referenzen nennen")
    assert _role(org).status == PartnerRoleStatus.REJECTED
    with pytest.raises(ValidationError):  # decided already
        partner_services.partner_role_approve(actor=office, role=_role(org))
    partner_services.partner_role_request(actor=owner, organisation=org, kind="event_organiser", reason=REASON)
    assert _role(org).status == PartnerRoleStatus.REQUESTED and _role(org).decision_note == ""


def test_revoking_takes_the_organiser_rights_away():
    owner = make_user("inhaber@partner.example")
    org = make_partner(owner=owner, role="approved")
    office = make_office_user()
    assert may_organise(user=owner, organisation=org)
    with pytest.raises(ValidationError):
        partner_services.partner_role_revoke(actor=office, role=_role(org), note="")
    partner_services.partner_role_revoke(actor=office, role=_role(org), note="Keine Termine seit einem Jahr")
    assert not may_organise(user=owner, organisation=org)
    assert AuditEntry.objects.filter(action="business.partner_role_revoked").exists()
    assert Message.objects.filter(recipient_organisation=org, subject__contains="entzogen").exists()


def test_the_office_pages_need_the_role(client):
    make_office_user()
    other = make_user("buerger@example.org")
    client.force_login(other)
    assert client.get(reverse("staff-business:roles")).status_code in (302, 403)


def test_the_partner_page_is_not_found_for_strangers(client):
    owner = make_user("inhaber@partner.example")
    org = make_partner(owner=owner, role=None)
    client.force_login(make_user("fremd@example.org"))
    assert client.get(reverse("partner:home", kwargs={"org": org.slug})).status_code == 404
    client.force_login(owner)
    response = client.post(reverse("partner:home", kwargs={"org": org.slug}),
                           {"kind": "event_organiser", "reason": REASON})
    assert response.status_code == 302
    assert _role(org).status == PartnerRoleStatus.REQUESTED


def test_a_partner_registers_itself_through_the_organisation_form():
    from digitalstadt.accounts.services import organisation_create

    user = make_user("neu@partner.example")
    org = organisation_create(actor=user, name="Neuer Partner e. V.", kind="partner")
    assert org.kind == "partner"
    assert not may_organise(user=user, organisation=org)


def test_the_office_pages_need_the_second_factor(client):
    office = make_office_user()
    client.force_login(office)
    response = client.get(reverse("staff-business:roles"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
