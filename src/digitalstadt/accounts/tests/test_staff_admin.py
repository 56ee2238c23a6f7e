"""Staff accounts (issue 11): platform admins invite staff, grant scoped roles, reset a
lost second factor and deactivate accounts; staff cannot switch off their own last
second factor. Services first (permissions, nothing changes on bad input, audit), then
the pages that call them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from digitalstadt.accounts import staff_services
from digitalstadt.accounts.models import StaffInvitation, StaffRole, StaffRoleKind, User
from digitalstadt.accounts.tests.factories import (
    PASSWORD,
    STAFF_TOTP_SECRET,
    CitizenFactory,
    OfficeFactory,
    StaffFactory,
)
from digitalstadt.appointments.tests.factories import make_location
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.models import OutboundEmail
from digitalstadt.testing.clock import fresh_totp
from digitalstadt.testing.fixtures import find_link

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mathildenhoehe-Turm-7"


@pytest.fixture
def office():
    return OfficeFactory(name="Bürger- und Ordnungsamt", slug="buergeramt")


@pytest.fixture
def admin():
    return StaffFactory(email="admin@darmstadt.example", role=StaffRoleKind.PLATFORM_ADMIN)


@pytest.fixture
def clerk(office):
    return StaffFactory(email="schalter@darmstadt.example", role=StaffRoleKind.COUNTER_STAFF, role__office=office)


def audited(action: str):
    return AuditEntry.objects.filter(action=action)


def invite(admin, office, email="neu@darmstadt.example", **kwargs) -> tuple[StaffInvitation, str]:
    invitation = staff_services.staff_invite(actor=admin, email=email, first_name="Nora", last_name="Neu",
                                             role=kwargs.pop("role", StaffRoleKind.COUNTER_STAFF),
                                             office=kwargs.pop("office", office), **kwargs)
    mail = OutboundEmail.objects.filter(to=email, purpose="accounts:staff_invitation").latest("id")
    link = find_link(mail.body_text, "/mein-konto/verwaltung-einladung/")
    return invitation, link.rstrip("/").rsplit("/", 1)[1]


# --- the last second factor -----------------------------------------------------------------


def test_staff_cannot_remove_their_last_authenticator_app(clerk):
    totp = Authenticator.objects.get(user=clerk, type=Authenticator.Type.TOTP)
    assert staff_services.second_factor_removable(user=clerk, authenticator=totp) is False


def test_citizens_may_remove_their_authenticator_app():
    from allauth.mfa.totp.internal.auth import TOTP

    citizen = CitizenFactory()
    totp = TOTP.activate(citizen, "JBSWY3DPEHPK3PXPCITIZEN234567AB").instance
    assert staff_services.second_factor_removable(user=citizen, authenticator=totp) is True


def login_with_totp(client, user) -> None:
    """Password, then the code: a session allauth counts as recently authenticated."""
    client.post("/konto/login/", {"login": user.email, "password": PASSWORD})
    response = client.post("/konto/2fa/authenticate/", {"code": fresh_totp(STAFF_TOTP_SECRET)})
    assert response.status_code == 302 and SESSION_KEY in client.session


def test_the_deactivation_page_refuses_staff_in_german_and_keeps_the_factor(client, clerk):
    login_with_totp(client, clerk)
    page = client.get("/konto/2fa/totp/deactivate/")
    assert page.status_code == 403
    assert "können ihre Zwei-Faktor-Anmeldung nicht selbst abschalten" in page.content.decode()
    assert 'action="/konto/2fa/totp/deactivate/"' not in page.content.decode()  # no button to press

    response = client.post("/konto/2fa/totp/deactivate/")

    assert response.status_code == 403
    assert "Plattform-Administration" in response.content.decode()
    assert Authenticator.objects.filter(user=clerk, type=Authenticator.Type.TOTP).exists()


def test_the_mfa_page_offers_staff_no_deactivate_button(client, clerk):
    client.force_login(clerk)
    html = client.get("/konto/2fa/").content.decode()
    assert 'data-testid="totp-locked"' in html
    assert "/konto/2fa/totp/deactivate/" not in html


def test_a_citizen_can_still_switch_totp_off(client):
    from allauth.mfa.totp.internal.auth import TOTP

    citizen = CitizenFactory()
    TOTP.activate(citizen, "JBSWY3DPEHPK3PXPCITIZEN234567AB")
    client.force_login(citizen)
    assert "/konto/2fa/totp/deactivate/" in client.get("/konto/2fa/").content.decode()
    page = client.get("/konto/2fa/totp/deactivate/", follow=True).content.decode()
    # allauth asks for the password again first, then offers the button (no refusal).
    assert "nicht selbst abschalten" not in page


# --- admin reset of the second factor ------------------------------------------------------


def test_admin_resets_a_second_factor_audited_and_the_person_must_enrol_again(client, admin, clerk):
    removed = staff_services.staff_mfa_reset(actor=admin, user=clerk)

    assert removed == 2  # the app and the recovery codes
    assert not Authenticator.objects.filter(user=clerk).exists()
    entry = audited("staff.mfa_reset").get()
    assert entry.actor == admin and entry.data_subject_ref == f"user:{clerk.pk}"
    assert entry.data == {"types": ["recovery_codes", "totp"]}
    # The next visit of a staff page goes to the TOTP set-up, not to the staff area.
    client.force_login(clerk)
    response = client.get("/verwaltung/")
    assert response.status_code == 302 and response["Location"] == "/konto/2fa/totp/activate/"


def test_nobody_resets_their_own_second_factor(admin):
    with pytest.raises(PermissionDenied):
        staff_services.staff_mfa_reset(actor=admin, user=admin)
    assert Authenticator.objects.filter(user=admin).count() == 2
    assert not audited("staff.mfa_reset").exists()


def test_a_non_admin_cannot_reset_a_second_factor(clerk, office):
    other = StaffFactory(email="kollegin@darmstadt.example", role=StaffRoleKind.OFFICE_ADMIN, role__office=office)
    with pytest.raises(PermissionDenied):
        staff_services.staff_mfa_reset(actor=other, user=clerk)
    assert Authenticator.objects.filter(user=clerk).count() == 2


# --- invitations -----------------------------------------------------------------------------


def test_invite_creates_the_account_with_its_role_and_sends_a_link(admin, office):
    invitation, token = invite(admin, office)

    user = invitation.user
    assert user.email == "neu@darmstadt.example" and user.get_full_name() == "Nora Neu"
    assert not user.has_usable_password()
    assert list(StaffRole.objects.filter(user=user).values_list("role", "office")) == [
        (StaffRoleKind.COUNTER_STAFF, office.pk)]
    assert abs(invitation.expires_at - invitation.created_at - timedelta(hours=72)) < timedelta(seconds=1)
    assert StaffInvitation.objects.get().token_hash != token  # only the hash is stored
    mail = OutboundEmail.objects.get(purpose="accounts:staff_invitation")
    assert "Schalter / Bürgerbüro (Bürger- und Ordnungsamt)" in mail.body_text
    assert {e.action for e in AuditEntry.objects.filter(actor=admin)} == {"staff.invited", "staff.role_granted"}


def test_the_invitation_link_works_once(admin, office):
    _invitation, token = invite(admin, office)

    user = staff_services.staff_invitation_accept(token=token, password=NEW_PASSWORD)

    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified  # the link proved the address
    assert audited("staff.invitation_accepted").get().actor == user
    with pytest.raises(ValidationError, match="bereits verwendet"):
        staff_services.staff_invitation_accept(token=token, password="Ein-anderes-Passwort-9")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert staff_services.staff_invitation_by_token(token=token) is None


def test_the_invitation_link_expires_after_72_hours(admin, office, clock):
    invitation, token = invite(admin, office)

    clock.shift(timedelta(hours=72, seconds=1))

    assert staff_services.staff_invitation_by_token(token=token) is None
    with pytest.raises(ValidationError, match="abgelaufen"):
        staff_services.staff_invitation_accept(token=token, password=NEW_PASSWORD)
    assert not User.objects.get(pk=invitation.user_id).has_usable_password()


def test_a_link_still_works_just_before_it_expires(admin, office, clock):
    _invitation, token = invite(admin, office)
    clock.shift(timedelta(hours=71, minutes=59))
    assert staff_services.staff_invitation_by_token(token=token) is not None


def test_a_weak_password_is_refused_and_the_link_stays_usable(admin, office):
    invitation, token = invite(admin, office)
    with pytest.raises(ValidationError):
        staff_services.staff_invitation_accept(token=token, password="passwort123")
    assert not User.objects.get(pk=invitation.user_id).has_usable_password()
    assert staff_services.staff_invitation_by_token(token=token) is not None


def test_resending_replaces_the_old_link(admin, office):
    _invitation, old = invite(admin, office)
    user = User.objects.get(email="neu@darmstadt.example")
    staff_services.staff_invitation_resend(actor=admin, user=user)
    assert staff_services.staff_invitation_by_token(token=old) is None
    assert StaffInvitation.objects.filter(user=user, revoked_at__isnull=True).count() == 1


def test_an_existing_address_is_refused_in_german_and_nothing_changes(admin, office, clerk):
    before = (User.objects.count(), StaffRole.objects.count(), OutboundEmail.objects.count())
    with pytest.raises(ValidationError, match="gibt es bereits ein Konto"):
        staff_services.staff_invite(actor=admin, email="SCHALTER@darmstadt.example", first_name="X", last_name="Y",
                                    role=StaffRoleKind.CASE_WORKER, office=office)
    assert (User.objects.count(), StaffRole.objects.count(), OutboundEmail.objects.count()) == before
    assert not audited("staff.invited").exists()


def test_a_non_admin_cannot_invite(clerk, office):
    with pytest.raises(PermissionDenied):
        staff_services.staff_invite(actor=clerk, email="neu@darmstadt.example", first_name="N", last_name="N",
                                    role=StaffRoleKind.PLATFORM_ADMIN)
    assert not User.objects.filter(email="neu@darmstadt.example").exists()


# --- roles and their scope ------------------------------------------------------------------


def test_a_counter_role_is_granted_for_one_location_of_its_office(admin, clerk):
    location = make_location(slug="luisenplatz")
    staff_role = staff_services.staff_role_grant(actor=admin, user=clerk, role=StaffRoleKind.COUNTER_STAFF,
                                                 office=location.office, location_id=location.pk)
    assert (staff_role.office, staff_role.location) == (location.office, location)
    entry = audited("staff.role_granted").get()
    assert entry.data == {"role": "counter_staff", "office": location.office.slug, "location": location.pk}


@pytest.mark.parametrize("role, with_office, with_location, message", [
    (StaffRoleKind.CASE_WORKER, False, False, "gilt für ein Amt"),
    (StaffRoleKind.PLATFORM_ADMIN, True, False, "gilt stadtweit"),
    (StaffRoleKind.OFFICE_ADMIN, True, True, "nicht auf einen Standort beschränken"),
    ("hausmeister", True, False, "gibt es nicht"),
])
def test_an_invalid_scope_is_refused_in_german_and_nothing_changes(admin, clerk, role, with_office,
                                                                    with_location, message):
    location = make_location(slug="luisenplatz")
    before = StaffRole.objects.count()
    with pytest.raises(ValidationError, match=message):
        staff_services.staff_role_grant(actor=admin, user=clerk, role=role,
                                        office=location.office if with_office else None,
                                        location_id=location.pk if with_location else None)
    assert StaffRole.objects.count() == before
    assert not audited("staff.role_granted").exists()


def test_a_location_of_another_office_is_refused(admin, clerk, office):
    location = make_location(slug="luisenplatz")  # belongs to the office "amt", not "buergeramt"
    with pytest.raises(ValidationError, match="gehört nicht zum gewählten Amt"):
        staff_services.staff_role_grant(actor=admin, user=clerk, role=StaffRoleKind.COUNTER_STAFF, office=office,
                                        location_id=location.pk)


def test_the_same_role_twice_is_refused(admin, clerk, office):
    with pytest.raises(ValidationError, match="bereits"):
        staff_services.staff_role_grant(actor=admin, user=clerk, role=StaffRoleKind.COUNTER_STAFF, office=office)
    assert StaffRole.objects.filter(user=clerk).count() == 1


def test_a_non_admin_cannot_grant_or_revoke_roles(clerk, office):
    other = StaffFactory(email="amtsleitung@darmstadt.example", role=StaffRoleKind.OFFICE_ADMIN, role__office=office)
    with pytest.raises(PermissionDenied):
        staff_services.staff_role_grant(actor=other, user=other, role=StaffRoleKind.PLATFORM_ADMIN)
    with pytest.raises(PermissionDenied):
        staff_services.staff_role_revoke(actor=other, staff_role=clerk.staff_roles.get())
    assert StaffRole.objects.filter(user=clerk).exists()
    assert not StaffRole.objects.filter(user=other, role=StaffRoleKind.PLATFORM_ADMIN).exists()


def test_revoking_is_audited_but_the_last_platform_admin_stays(admin, clerk):
    staff_services.staff_role_revoke(actor=admin, staff_role=clerk.staff_roles.get())
    assert not clerk.staff_roles.exists()
    assert audited("staff.role_revoked").get().data["role"] == "counter_staff"

    with pytest.raises(ValidationError, match="mindestens eine Person"):
        staff_services.staff_role_revoke(actor=admin, staff_role=admin.staff_roles.get())
    assert admin.staff_roles.exists()


# --- deactivation -----------------------------------------------------------------------------


def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(client, admin, clerk):
    client.force_login(clerk)
    staff_services.staff_account_deactivate(actor=admin, user=clerk)

    clerk.refresh_from_db()
    assert not clerk.is_active
    assert audited("staff.deactivated").get().actor == admin
    response = client.get("/verwaltung/")  # the session no longer counts
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")
    fresh = Client()
    fresh.post("/konto/login/", {"login": clerk.email, "password": PASSWORD})
    assert SESSION_KEY not in fresh.session


def test_admins_cannot_deactivate_themselves(admin):
    with pytest.raises(ValidationError, match="eigenes Konto"):
        staff_services.staff_account_deactivate(actor=admin, user=admin)
    admin.refresh_from_db()
    assert admin.is_active


# --- the pages ----------------------------------------------------------------------------------


def test_non_admin_staff_get_403_on_every_staff_admin_page(client, clerk, admin):
    client.force_login(clerk)
    for path in ("/verwaltung/mitarbeitende/", "/verwaltung/mitarbeitende/einladen/",
                 f"/verwaltung/mitarbeitende/{admin.pk}/", f"/verwaltung/mitarbeitende/{admin.pk}/deaktivieren/",
                 f"/verwaltung/mitarbeitende/{admin.pk}/zwei-faktor-zuruecksetzen/"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/verwaltung/mitarbeitende/{admin.pk}/deaktivieren/").status_code == 403
    admin.refresh_from_db()
    assert admin.is_active


def test_the_staff_home_links_platform_admins_to_the_staff_page_not_the_django_admin(client, admin):
    client.force_login(admin)
    html = client.get("/verwaltung/").content.decode()
    assert 'href="/verwaltung/mitarbeitende/"' in html
    assert 'href="/admin/"' not in html  # the Django admin would answer 403 to a non-superuser


def test_the_list_shows_roles_and_mfa_status(client, admin, clerk, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    invite(admin, office, email="ohne.passwort@darmstadt.example")
    client.force_login(admin)
    with CaptureQueriesContext(connection) as few:
        html = client.get("/verwaltung/mitarbeitende/").content.decode()
    assert "schalter@darmstadt.example" in html and "Schalter / Bürgerbüro – Bürger- und Ordnungsamt" in html
    assert "nicht eingerichtet" in html and "eingeladen (Link gilt bis" in html
    # Five more people on the list cost no query more (no query per row).
    for number in range(5):
        invite(admin, office, email=f"weitere{number}@darmstadt.example")
    with CaptureQueriesContext(connection) as more:
        html = client.get("/verwaltung/mitarbeitende/").content.decode()
    assert "weitere4@darmstadt.example" in html
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]


def test_the_invite_page_refuses_an_existing_address_with_400(client, admin, clerk, office):
    client.force_login(admin)
    response = client.post("/verwaltung/mitarbeitende/einladen/", {
        "first_name": "Carla", "last_name": "Doppelt", "email": clerk.email, "role": "counter_staff",
        "office": office.pk})
    assert response.status_code == 400
    assert "gibt es bereits ein Konto" in response.content.decode()
    assert User.objects.filter(email=clerk.email).count() == 1


def test_the_invite_page_creates_the_account(client, admin, office):
    client.force_login(admin)
    response = client.post("/verwaltung/mitarbeitende/einladen/", {
        "first_name": "Nora", "last_name": "Neu", "email": "nora.neu@darmstadt.example", "role": "counter_staff",
        "office": office.pk, "location": ""})
    user = User.objects.get(email="nora.neu@darmstadt.example")
    assert response.status_code == 302 and response["Location"] == f"/verwaltung/mitarbeitende/{user.pk}/"


def test_the_invitation_page_sets_the_password_once(client, admin, office):
    _invitation, token = invite(admin, office)
    url = f"/mein-konto/verwaltung-einladung/{token}/"
    assert client.get(url).status_code == 200
    mismatch = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 400 and "stimmen nicht überein" in mismatch.content.decode()

    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")
    again = client.get(url)
    assert again.status_code == 404 and "bereits verwendet" in again.content.decode()


def test_the_mfa_adapter_refuses_too(clerk):
    """Defence in depth: allauth's own form asks the adapter, whichever page posts it."""
    from digitalstadt.accounts.adapter import MFAAdapter

    totp = Authenticator.objects.get(user=clerk, type=Authenticator.Type.TOTP)
    assert MFAAdapter().can_delete_authenticator(totp) is False
