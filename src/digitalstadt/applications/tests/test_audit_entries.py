"""Draft writes are audited: each saved step (field names, never the values) and the
completed evidence step."""

from __future__ import annotations

import pytest

from digitalstadt.applications import services
from digitalstadt.core.models import AuditEntry

from .conftest import tiny_pdf
from .test_engine import FAHRZEUGSCHEIN, fill, permit_steps

pytestmark = pytest.mark.django_db


def entries(action: str, application) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, subject_type="applications.application",
                                          subject_id=str(application.pk)).order_by("id"))


def test_each_saved_step_is_audited_with_its_field_names_only(citizen):
    application = fill(citizen, "bewohnerparkausweis", permit_steps(plate="DA-XY 987"))

    saved = entries("applications.step_saved", application)

    assert [e.data["step"] for e in saved] == ["adresse", "fahrzeug"]
    assert saved[0].data["fields"] == sorted(application.data["adresse"])
    assert all(e.actor == citizen and e.data_subject_ref == f"user:{citizen.pk}" for e in saved)
    assert "DA-XY 987" not in str([e.data for e in saved]) and "Heinheimer" not in str([e.data for e in saved])


def test_completing_the_evidence_step_is_audited_once(citizen):
    application = fill(citizen, "bewohnerparkausweis", permit_steps(),
                       uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "schein.pdf")])

    services.application_complete_evidence(application=application, user=citizen)
    services.application_complete_evidence(application=application, user=citizen)  # nothing changes the second time

    [entry] = entries("applications.evidence_completed", application)
    assert entry.actor == citizen and entry.data_subject_ref == f"user:{citizen.pk}"
    assert entry.data == {"uploads": 1}
