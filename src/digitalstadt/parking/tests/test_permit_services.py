"""Resident permits change only through parking's services, each change audited."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from digitalstadt.accounts.models import User
from digitalstadt.core.models import AuditEntry
from digitalstadt.parking.models import ResidentPermit
from digitalstadt.parking.services import resident_permit_issue, resident_permit_renew, resident_permit_revoke
from digitalstadt.register.models import ParkingZone

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder():
    return User.objects.create_user("halterin@example.org", "x" * 12)


@pytest.fixture
def clerk():
    return User.objects.create_user("sachbearbeitung@darmstadt.example", "x" * 12)


@pytest.fixture
def zone():
    return ParkingZone.objects.create(code="WA1", name_de="Martinsviertel-Ost")


def issue(holder, zone, clerk, *, start, end, plate="DA-AB 123", number="BPA-1"):
    return resident_permit_issue(holder=holder, zone_id=zone.pk, plate=plate, valid_from=start, valid_until=end,
                                 number=number, case_reference="DA-2026-000001", actor=clerk)


def test_issuing_a_permit_writes_an_audit_row_naming_the_holder(holder, zone, clerk, clock):
    today = clock.today()
    permit = issue(holder, zone, clerk, start=today, end=today + dt.timedelta(days=364))
    entry = AuditEntry.objects.get(action="parking.permit_issued")
    assert entry.actor == clerk and entry.subject_id == str(permit.pk)
    assert entry.data_subject_ref == f"user:{holder.pk}" and entry.data["case"] == "DA-2026-000001"


def test_an_overlapping_permit_for_the_same_plate_and_zone_is_refused(holder, zone, clerk, clock):
    today = clock.today()
    issue(holder, zone, clerk, start=today, end=today + dt.timedelta(days=180))
    with pytest.raises(ValidationError, match="schon einen gültigen Ausweis"):
        issue(holder, zone, clerk, start=today + dt.timedelta(days=90), end=today + dt.timedelta(days=270),
              plate="da ab 123", number="BPA-2")
    assert ResidentPermit.objects.count() == 1
    assert AuditEntry.objects.filter(action="parking.permit_issued").count() == 1


def test_renewal_extends_the_end_and_is_audited(holder, zone, clerk, clock):
    today = clock.today()
    permit = issue(holder, zone, clerk, start=today, end=today + dt.timedelta(days=180))
    later = today + dt.timedelta(days=364)
    renewed = resident_permit_renew(permit=permit, valid_until=later, actor=clerk)
    assert renewed.valid_until == later
    entry = AuditEntry.objects.get(action="parking.permit_renewed")
    assert entry.data["valid_until"] == later.isoformat()
    with pytest.raises(ValidationError):
        resident_permit_renew(permit=permit, valid_until=today, actor=clerk)  # not later than the end


def test_a_revoked_permit_is_no_longer_valid_and_cannot_be_renewed(holder, zone, clerk, clock):
    from digitalstadt.parking.selectors import permits_for_plate

    today = clock.today()
    permit = issue(holder, zone, clerk, start=today, end=today + dt.timedelta(days=180))
    resident_permit_revoke(permit=permit, reason="Umzug", actor=clerk)
    resident_permit_revoke(permit=permit, reason="Umzug", actor=clerk)  # twice changes nothing
    assert AuditEntry.objects.filter(action="parking.permit_revoked").count() == 1
    assert not permits_for_plate(plate="DA-AB 123", day=today).exists()
    with pytest.raises(ValidationError, match="widerrufen"):
        resident_permit_renew(permit=permit, valid_until=today + dt.timedelta(days=365), actor=clerk)
