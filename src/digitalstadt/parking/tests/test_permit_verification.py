"""The permit's QR code leads to the public verification page: the public sees zone
and validity, parking enforcement also the plate (audit-logged), nobody else does."""

import datetime as dt

import pytest
from django.utils import timezone

from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User
from digitalstadt.core.models import AuditEntry
from digitalstadt.core.services import document_store
from digitalstadt.parking.models import ResidentPermit
from digitalstadt.parking.selectors import permits_for_plate
from digitalstadt.register.models import ParkingZone

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit():
    holder = User.objects.create_user("halter@example.org", "Sicher-genug-2026")
    document = document_store(content=b"%PDF-1.7 test", filename="ausweis.pdf", content_type="application/pdf",
                              title="Bewohnerparkausweis", owner_user=holder)
    document.verification_id = "ABCDEFGHIJKLMNOPQRSTUVWX"
    document.document_type = "Bewohnerparkausweis"
    document.signed_at = timezone.now()
    document.save()
    zone = ParkingZone.objects.create(code="WA1", name_de="Martinsviertel-Ost")
    today = timezone.localdate()
    return ResidentPermit.objects.create(number="BPA-1", holder=holder, zone=zone, plate="DA-AB 123",
                                         valid_from=today, valid_until=today + dt.timedelta(days=364),
                                         document=document)


def test_public_page_shows_zone_validity_and_a_masked_plate(client, permit):
    page = client.get("/pruefen/ABCDEFGHIJKLMNOPQRSTUVWX/").content.decode()
    assert "Martinsviertel-Ost (WA1)" in page and "Heute gültig" in page
    assert "DA-AB 123" not in page
    # Enough to see that the code belongs to another car, not to read the plate.
    assert "Kennzeichen (teilweise verdeckt)" in page and "DA-AB 1**" in page


@pytest.mark.parametrize("plate, masked", [
    ("DA-AB 123", "DA-AB 1**"), ("DA-X 9", "DA-X 9"), ("DA-EL 4711E", "DA-EL 4***E"),
    ("F-Z 1000H", "F-Z 1***H"), ("ABC", "A**"),
])
def test_mask_plate(plate, masked):
    from digitalstadt.parking.models import mask_plate

    assert mask_plate(plate) == masked


def test_enforcement_sees_the_plate_and_the_read_is_logged(client, permit):
    from allauth.mfa.totp.internal.auth import TOTP

    officer = User.objects.create_user("pit@stadt.example", "Sicher-genug-2026")
    StaffRole.objects.create(user=officer, role=StaffRoleKind.PARKING_ENFORCEMENT)
    TOTP.activate(officer, "JBSWY3DPEHPK3PXPTESTTOTP234567AB")
    client.force_login(officer)
    page = client.get("/pruefen/ABCDEFGHIJKLMNOPQRSTUVWX/").content.decode()
    assert "DA-AB 123" in page
    assert AuditEntry.objects.filter(action="parking.permit_checked", subject_id=str(permit.pk)).exists()


def test_an_officer_session_without_the_second_factor_sees_no_plate(client, permit):
    """Signed in with the password only (no TOTP enrolled yet, or not passed): the public
    page shows what everybody sees, and no read is logged."""
    from allauth.mfa.totp.internal.auth import TOTP

    officer = User.objects.create_user("pit@stadt.example", "Sicher-genug-2026")
    StaffRole.objects.create(user=officer, role=StaffRoleKind.PARKING_ENFORCEMENT)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=officer, email=officer.email, verified=True, primary=True)
    response = client.post("/konto/login/", {"login": officer.email, "password": "Sicher-genug-2026"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    page = client.get("/pruefen/ABCDEFGHIJKLMNOPQRSTUVWX/").content.decode()
    assert "Martinsviertel-Ost (WA1)" in page and "DA-AB 123" not in page
    assert not AuditEntry.objects.filter(action="parking.permit_checked").exists()
    # With TOTP enrolled but this session still password-only: no plate either.
    TOTP.activate(officer, "JBSWY3DPEHPK3PXPTESTTOTP234567AB")
    assert "DA-AB 123" not in client.get("/pruefen/ABCDEFGHIJKLMNOPQRSTUVWX/").content.decode()


def test_plate_lookup_ignores_spelling_and_respects_validity(permit):
    today = timezone.localdate()
    assert list(permits_for_plate(plate="da ab123", day=today)) == [permit]
    assert not permits_for_plate(plate="DA-AB 124", day=today).exists()
    assert not permits_for_plate(plate="DA-AB 123", day=today + dt.timedelta(days=365)).exists()
    ResidentPermit.objects.filter(pk=permit.pk).update(revoked_at=timezone.now())
    assert not permits_for_plate(plate="DA-AB 123", day=today).exists()


def test_enforcement_checks_a_plate_on_the_staff_page(client, permit):
    from allauth.mfa.totp.internal.auth import TOTP

    citizen = User.objects.create_user("nosy@example.org", "Sicher-genug-2026")
    client.force_login(citizen)
    assert client.get("/verwaltung/parken/ausweise/?plate=DA-AB+123").status_code == 403
    officer = User.objects.create_user("pit2@stadt.example", "Sicher-genug-2026")
    StaffRole.objects.create(user=officer, role=StaffRoleKind.PARKING_ENFORCEMENT)
    TOTP.activate(officer, "JBSWY3DPEHPK3PXPTESTTOTP234567AB")
    client.force_login(officer)
    page = client.get("/verwaltung/parken/ausweise/?plate=da-ab123").content.decode()
    assert "Gültiger Bewohnerparkausweis" in page and "WA1" in page
    assert AuditEntry.objects.filter(action="parking.plate_checked", data__found=[permit.pk]).exists()
    assert "Kein heute gültiger" in client.get("/verwaltung/parken/ausweise/?plate=DA-XX+9").content.decode()
    bad = client.get("/verwaltung/parken/ausweise/?plate=D")
    assert bad.status_code == 400 and "deutsches Kennzeichen an" in bad.content.decode()
