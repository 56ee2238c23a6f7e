"""Organisations: services (permissions, last-owner rule, audit) and the views that
call them (scoping by membership, nothing changes on a refused request)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from digitalstadt.accounts import services
from digitalstadt.accounts.models import ApiToken, Invitation, Membership, Organisation, OrgRole, User
from digitalstadt.accounts.tests.factories import UserFactory
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.models import OutboundEmail
from digitalstadt.testing.fixtures import find_link

pytestmark = pytest.mark.django_db

PASSWORD = "Kranichstein-Lauf-2026"


def make_user(email: str, *, totp: bool = True) -> User:
    """A person with a password and (unless told otherwise) TOTP set up: owners and
    admins issue API tokens only with a second factor."""
    from allauth.mfa.totp.internal.auth import TOTP

    user = UserFactory(email=email, password=PASSWORD)
    if totp:
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


def audit_actions(subject) -> list[str]:
    return list(
        AuditEntry.objects.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))
        .order_by("id").values_list("action", flat=True)
    )


def token_from_mail(mail: OutboundEmail) -> str:
    link = find_link(mail.body_text, "/mein-konto/einladung/")
    return link.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def owner():
    return make_user("inhaberin@example.org")


@pytest.fixture
def colleague():
    return make_user("kollege@example.org")


@pytest.fixture
def org(owner):
    return services.organisation_create(actor=owner, name="Bäckerei Hessen", kind="shop", city="Darmstadt")


def invite_and_accept(org, owner, person, role=OrgRole.MEMBER) -> Membership:
    services.invitation_create(actor=owner, organisation=org, email=person.email, role=role)
    mail = OutboundEmail.objects.filter(to=person.email, purpose="accounts:invitation").latest("id")
    return services.invitation_accept(actor=person, token=token_from_mail(mail))


# --- services ---------------------------------------------------------------------------


def test_create_makes_the_creator_owner_and_is_audited(owner):
    org = services.organisation_create(actor=owner, name="  Kurier Süd ", kind="courier")
    assert org.name == "Kurier Süd" and org.slug == "kurier-sud"
    assert Membership.objects.get(organisation=org).role == OrgRole.OWNER
    assert audit_actions(org) == ["organisation.created"]
    assert AuditEntry.objects.get(action="organisation.created").actor == owner
    # The same name again gets its own slug.
    assert services.organisation_create(actor=owner, name="Kurier Süd", kind="courier").slug == "kurier-sud-2"


def test_citizens_cannot_create_offices(owner):
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=owner, name="Bürgeramt", kind="office")
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.filter(action="organisation.created").exists()


def test_invite_accept_role_change_remove_are_audited(org, owner, colleague):
    invitation = services.invitation_create(actor=owner, organisation=org, email="Kollege@Example.org",
                                            role=OrgRole.MEMBER)
    assert invitation.email == "kollege@example.org"
    mail = OutboundEmail.objects.get(purpose="accounts:invitation")
    assert mail.to == "kollege@example.org" and "Bäckerei Hessen" in mail.subject
    token = token_from_mail(mail)
    # Only the hash of the token is stored.
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not Invitation.objects.with_scopes_disabled().filter(token_hash=token).exists()

    membership = services.invitation_accept(actor=colleague, token=token)
    assert membership.role == OrgRole.MEMBER
    assert audit_actions(invitation) == ["invitation.created", "invitation.accepted"]

    services.membership_change_role(actor=owner, membership=membership, role=OrgRole.ADMIN)
    membership.refresh_from_db()
    assert membership.role == OrgRole.ADMIN
    entry = AuditEntry.objects.get(action="membership.role_changed")
    assert entry.actor == owner and entry.data == {"from": "member", "to": "admin"}
    assert entry.data_subject_ref == f"user:{colleague.pk}"

    membership_pk = membership.pk
    services.membership_remove(actor=owner, membership=membership)
    assert not Membership.objects.filter(pk=membership_pk).exists()
    removed = AuditEntry.objects.get(action="membership.removed")
    assert removed.actor == owner and removed.subject_id == str(membership_pk)


def test_invitation_is_single_use_and_expires(org, owner, colleague):
    services.invitation_create(actor=owner, organisation=org, email=colleague.email, role=OrgRole.MEMBER)
    token = token_from_mail(OutboundEmail.objects.get(purpose="accounts:invitation"))
    services.invitation_accept(actor=colleague, token=token)
    Membership.objects.filter(user=colleague).delete()
    with pytest.raises(ValidationError, match="ungültig, abgelaufen oder wurde bereits verwendet"):
        services.invitation_accept(actor=colleague, token=token)
    assert not Membership.objects.filter(user=colleague).exists()

    services.invitation_create(actor=owner, organisation=org, email=colleague.email, role=OrgRole.MEMBER)
    token = token_from_mail(OutboundEmail.objects.filter(purpose="accounts:invitation").latest("id"))
    Invitation.objects.with_scopes_disabled().filter(accepted_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=colleague, token=token)
    with pytest.raises(ValidationError):
        services.invitation_accept(actor=colleague, token="erfunden")
    assert not Membership.objects.filter(user=colleague).exists()


def test_invitation_only_for_the_invited_address(org, owner, colleague):
    stranger = make_user("fremd@example.org")
    services.invitation_create(actor=owner, organisation=org, email=colleague.email, role=OrgRole.MEMBER)
    token = token_from_mail(OutboundEmail.objects.get(purpose="accounts:invitation"))
    with pytest.raises(PermissionDenied, match="kollege@example.org"):
        services.invitation_accept(actor=stranger, token=token)
    assert not Membership.objects.filter(user=stranger).exists()
    # Still open for the right person.
    services.invitation_accept(actor=colleague, token=token)


def test_members_cannot_invite_or_manage(org, owner, colleague):
    membership = invite_and_accept(org, owner, colleague)
    owner_membership = Membership.objects.get(user=owner, organisation=org)
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=colleague, organisation=org, email="x@example.org", role=OrgRole.MEMBER)
    with pytest.raises(PermissionDenied):
        services.membership_change_role(actor=colleague, membership=membership, role=OrgRole.OWNER)
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=colleague, membership=owner_membership)
    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=colleague, organisation=org, name="Kasse")
    assert AuditEntry.objects.count() == before
    assert not Invitation.objects.with_scopes_disabled().filter(email="x@example.org").exists()
    assert Membership.objects.get(pk=membership.pk).role == OrgRole.MEMBER
    assert not ApiToken.objects.with_scopes_disabled().exists()


def test_admins_cannot_touch_the_owner_role(org, owner, colleague):
    admin_membership = invite_and_accept(org, owner, colleague, role=OrgRole.ADMIN)
    owner_membership = Membership.objects.get(user=owner)
    with pytest.raises(PermissionDenied):
        services.membership_change_role(actor=colleague, membership=admin_membership, role=OrgRole.OWNER)
    with pytest.raises(PermissionDenied):
        services.membership_change_role(actor=colleague, membership=owner_membership, role=OrgRole.MEMBER)
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=colleague, organisation=org, email="neu@example.org", role=OrgRole.OWNER)
    assert Membership.objects.get(user=owner).role == OrgRole.OWNER


def test_the_last_owner_can_be_neither_demoted_nor_removed(org, owner, colleague):
    owner_membership = Membership.objects.get(user=owner)
    with pytest.raises(ValidationError, match="mindestens eine Inhaberin oder einen Inhaber"):
        services.membership_change_role(actor=owner, membership=owner_membership, role=OrgRole.ADMIN)
    with pytest.raises(ValidationError, match="mindestens eine Inhaberin oder einen Inhaber"):
        services.membership_remove(actor=owner, membership=owner_membership)
    assert Membership.objects.get(pk=owner_membership.pk).role == OrgRole.OWNER
    # With a second owner the first may step down.
    second = invite_and_accept(org, owner, colleague, role=OrgRole.OWNER)
    services.membership_change_role(actor=second.user, membership=owner_membership, role=OrgRole.MEMBER)
    with pytest.raises(ValidationError):
        services.membership_remove(actor=colleague, membership=second)


def test_api_token_stores_only_the_hash(org, owner):
    token, secret = services.api_token_create(actor=owner, organisation=org, name="Kasse Filiale Mitte")
    assert secret.startswith("dst_") and len(secret) > 40
    row = ApiToken.objects.with_scopes_disabled().get(pk=token.pk)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(v) for v in ApiToken.objects.with_scopes_disabled().values_list().get(pk=token.pk))
    assert secret not in stored and secret[12:] not in stored
    assert services.api_token_authenticate(secret=secret).organisation == org
    services.api_token_revoke(actor=owner, token=token)
    assert services.api_token_authenticate(secret=secret) is None
    assert audit_actions(token) == ["api_token.created", "api_token.revoked"]


# --- views ------------------------------------------------------------------------------


def test_other_organisations_are_404_for_non_members(client, org, colleague):
    other = services.organisation_create(actor=colleague, name="Kurier Nord", kind="courier")
    client.force_login(colleague)
    assert client.get(f"/mein-konto/organisationen/{org.slug}/").status_code == 404
    assert client.get("/mein-konto/organisationen/gibt-es-nicht/").status_code == 404
    owner_membership = Membership.objects.get(organisation=org)
    for url in [f"/mein-konto/organisationen/{org.slug}/mitglieder/{owner_membership.pk}/rolle/",
                f"/mein-konto/organisationen/{org.slug}/mitglieder/{owner_membership.pk}/entfernen/",
                f"/mein-konto/organisationen/{org.slug}/api-schluessel/",
                # A membership of another organisation through one's own organisation's URL.
                f"/mein-konto/organisationen/{other.slug}/mitglieder/{owner_membership.pk}/entfernen/"]:
        assert client.post(url, {"role": "member", "name": "x"}).status_code == 404, url
    assert Membership.objects.get(pk=owner_membership.pk).role == OrgRole.OWNER
    assert not ApiToken.objects.with_scopes_disabled().exists()


def test_non_manager_member_changes_nothing_through_the_views(client, org, owner, colleague):
    membership = invite_and_accept(org, owner, colleague)
    owner_membership = Membership.objects.get(user=owner)
    token, _secret = services.api_token_create(actor=owner, organisation=org, name="Kasse")
    client.force_login(colleague)  # the sign-in itself is audited (account.login)
    before = AuditEntry.objects.count()
    page = client.get(f"/mein-konto/organisationen/{org.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Person einladen" not in html and "API-Schlüssel erzeugen" not in html and "dst_" not in html
    base = f"/mein-konto/organisationen/{org.slug}"
    attempts = [
        (f"{base}/", {"email": "neu@example.org", "role": "member"}),
        (f"{base}/mitglieder/{owner_membership.pk}/rolle/", {"role": "member"}),
        (f"{base}/mitglieder/{membership.pk}/rolle/", {"role": "owner"}),
        (f"{base}/mitglieder/{owner_membership.pk}/entfernen/", {}),
        (f"{base}/api-schluessel/", {"name": "Meins"}),
        (f"{base}/api-schluessel/{token.uuid}/widerrufen/", {}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 403, url
    assert AuditEntry.objects.count() == before
    assert Membership.objects.get(pk=owner_membership.pk).role == OrgRole.OWNER
    assert Membership.objects.get(pk=membership.pk).role == OrgRole.MEMBER
    assert ApiToken.objects.with_scopes_disabled().get(pk=token.pk).revoked_at is None
    assert ApiToken.objects.with_scopes_disabled().count() == 1
    assert not Invitation.objects.with_scopes_disabled().filter(email="neu@example.org").exists()


def test_last_owner_message_in_the_view(client, org, owner):
    client.force_login(owner)
    owner_membership = Membership.objects.get(user=owner)
    base = f"/mein-konto/organisationen/{org.slug}"
    response = client.post(f"{base}/mitglieder/{owner_membership.pk}/rolle/", {"role": "member"}, follow=True)
    assert "Eine Organisation braucht mindestens eine Inhaberin oder einen Inhaber." in response.content.decode()
    response = client.post(f"{base}/mitglieder/{owner_membership.pk}/entfernen/", follow=True)
    assert "Eine Organisation braucht mindestens eine Inhaberin oder einen Inhaber." in response.content.decode()
    assert Membership.objects.get(pk=owner_membership.pk).role == OrgRole.OWNER


def test_invalid_and_expired_invitation_links(client, org, owner, colleague):
    client.force_login(colleague)
    response = client.get("/mein-konto/einladung/erfunden/")
    assert response.status_code == 410
    assert "Diese Einladung ist ungültig, abgelaufen oder wurde bereits verwendet." in response.content.decode()
    services.invitation_create(actor=owner, organisation=org, email=colleague.email, role=OrgRole.MEMBER)
    token = token_from_mail(OutboundEmail.objects.get(purpose="accounts:invitation"))
    Invitation.objects.with_scopes_disabled().update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(f"/mein-konto/einladung/{token}/").status_code == 410
    response = client.post(f"/mein-konto/einladung/{token}/")
    assert response.status_code == 410
    assert "ungültig, abgelaufen oder wurde bereits verwendet" in response.content.decode()
    assert not Membership.objects.filter(user=colleague).exists()
    assert not AuditEntry.objects.filter(action="invitation.accepted").exists()


def test_invitation_form_errors_are_german_and_change_nothing(client, org, owner):
    client.force_login(owner)
    response = client.post(f"/mein-konto/organisationen/{org.slug}/", {"email": "kein-at-zeichen", "role": "member"})
    assert response.status_code == 400
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an." in response.content.decode()
    response = client.post(f"/mein-konto/organisationen/{org.slug}/", {"email": "inhaberin@example.org",
                                                                        "role": "member"})
    assert response.status_code == 400
    assert "Diese Person ist bereits Mitglied der Organisation." in response.content.decode()
    assert not Invitation.objects.with_scopes_disabled().exists() and not OutboundEmail.objects.exists()


def test_organisation_form_rejects_bad_input(client, owner):
    client.force_login(owner)
    response = client.post("/mein-konto/organisationen/neu/", {"name": "", "kind": "office", "postal_code": "123"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte geben Sie den Namen der Organisation an." in html
    assert "Bitte geben Sie eine fünfstellige Postleitzahl an." in html
    assert not Organisation.objects.exists()


def test_whoami_with_token_then_revoked(client, org, owner):
    _token, secret = services.api_token_create(actor=owner, organisation=org, name="Kasse")
    response = client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json() == {"kind": "organisation", "organisation": org.slug, "email": None}
    services.api_token_revoke(actor=owner, token=ApiToken.objects.with_scopes_disabled().get())
    assert client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert client.get("/api/v1/whoami", headers={"Authorization": "Bearer dst_falsch"}).status_code == 401


def test_api_token_page_shows_the_secret_once_and_keeps_it_nowhere(client, org, owner, colleague):
    from django.contrib.sessions.models import Session

    client.force_login(owner)
    url = f"/mein-konto/organisationen/{org.slug}/api-schluessel/"
    response = client.post(url, {"name": ""})
    assert response.status_code == 400
    assert "Bitte geben Sie eine Bezeichnung an." in response.content.decode()
    assert not ApiToken.objects.with_scopes_disabled().exists()

    response = client.post(url, {"name": "Kasse Filiale Mitte", "scopes": ["catalog:read"], "valid_days": "90"})
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    secret = re.search(r'id="new-token">(dst_[^<]+)<', response.content.decode()).group(1)
    assert ApiToken.objects.with_scopes_disabled().get().token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(s.get_decoded()) for s in Session.objects.all())
    page = client.get(f"/mein-konto/organisationen/{org.slug}/").content.decode()
    assert "Kasse Filiale Mitte" in page and secret not in page and secret[:12] in page
    # The language switch lands on a GET of the form URL: back to the organisation page.
    assert client.get(url)["Location"] == f"/mein-konto/organisationen/{org.slug}/"

    # A member without management rights gets 403 even for an invalid form.
    invite_and_accept(org, owner, colleague)
    client.force_login(colleague)
    response = client.post(url, {"name": ""})
    assert response.status_code == 403
    assert "Kasse Filiale Mitte" not in response.content.decode()
    assert ApiToken.objects.with_scopes_disabled().count() == 1


def test_invitation_link_opened_with_another_account(client, org, owner, colleague):
    stranger = make_user("fremd@example.org")
    services.invitation_create(actor=owner, organisation=org, email=colleague.email, role=OrgRole.MEMBER)
    token = token_from_mail(OutboundEmail.objects.get(purpose="accounts:invitation"))
    client.force_login(stranger)
    for response in (client.get(f"/mein-konto/einladung/{token}/"), client.post(f"/mein-konto/einladung/{token}/")):
        assert response.status_code == 403
        html = response.content.decode()
        assert "Diese Einladung gilt für kollege@example.org. Bitte melden Sie sich mit dieser Adresse an." in html
        assert "Einladung annehmen</span></button>" not in html
    assert not Membership.objects.filter(user=stranger).exists()
    client.force_login(colleague)
    response = client.get(f"/mein-konto/einladung/{token}/")
    assert response.status_code == 200 and "Bäckerei Hessen" in response.content.decode()


@pytest.mark.django_db
def test_platform_admin_creates_a_staff_account_with_a_location_scoped_role_in_the_admin(client):
    from allauth.mfa.totp.internal.auth import TOTP

    from digitalstadt.accounts.models import StaffRole, StaffRoleKind
    from digitalstadt.appointments.tests.factories import make_location

    location = make_location()
    admin = User.objects.create_superuser("root@example.org", "Sicher-genug-2026")
    TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(admin)
    response = client.post("/admin/accounts/user/add/", {
        "email": "neu.schalter@example.org", "password1": "Sicher-genug-2026", "password2": "Sicher-genug-2026",
        "usable_password": "true", "is_staff": "on",
        "staff_roles-TOTAL_FORMS": "1", "staff_roles-INITIAL_FORMS": "0",
        "staff_roles-0-role": StaffRoleKind.COUNTER_STAFF, "staff_roles-0-office": location.office.pk,
        "staff_roles-0-location": location.pk,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    role = StaffRole.objects.get(user__email="neu.schalter@example.org")
    assert role.location == location and role.role == StaffRoleKind.COUNTER_STAFF


@pytest.mark.django_db
def test_a_location_of_another_office_is_refused_for_a_staff_role():
    from django.core.exceptions import ValidationError

    from digitalstadt.accounts.models import StaffRole, StaffRoleKind
    from digitalstadt.appointments.tests.factories import make_location

    location = make_location()
    other = Organisation.objects.create(name="Anderes Amt", slug="anderes-amt", kind="office")
    user = User.objects.create_user("x@example.org", "Sicher-genug-2026")
    role = StaffRole(user=user, role=StaffRoleKind.COUNTER_STAFF, office=other, location=location)
    with pytest.raises(ValidationError):
        role.full_clean()
