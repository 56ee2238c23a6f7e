"""Certificates of attendance: only for checked-in participants, after the date, once;
a sealed PDF with the right text, delivered to the Postfach with an e-mail notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from digitalstadt.business import attendance_services
from digitalstadt.business.certificate_services import certificates_issue
from digitalstadt.business.models import Registration
from digitalstadt.core.signing import Verdict, validate_pdf
from digitalstadt.mailbox.models import Message
from digitalstadt.testing.pdf import pdf_text

from .attend_factories import make_company, make_date, make_partner, make_registration, make_series

pytestmark = pytest.mark.django_db


def _stored(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def ran_date(clock):
    partner, manager = make_partner(name="House of IT")
    series = make_series(organiser=partner, title="Online-Einarbeitung in drei Schritten",
                         topic="online_onboarding")
    event_date = make_date(series=series, starts_at=clock.now() + dt.timedelta(minutes=10), hours=1.5)
    company = make_company(name="Schreinerei Holz")
    present = make_registration(event_date=event_date, company=company)
    absent = make_registration(event_date=event_date)
    attendance_services.attendance_check_in(user=manager, date_id=event_date.pk, registration_id=present.pk)
    return manager, event_date, present, absent


@pytest.mark.django_db(transaction=True)
def test_certificates_only_after_the_date_for_checked_in_and_idempotent(ran_date, clock, smtp_server,
                                                                          deliver_mail):
    manager, event_date, present, absent = ran_date
    with pytest.raises(ValidationError, match="erst nach dem Ende"):
        certificates_issue(user=manager, date_id=event_date.pk)
    clock.move_to(event_date.ends_at + dt.timedelta(minutes=5))
    result = certificates_issue(user=manager, date_id=event_date.pk)
    assert (result.issued, result.already) == (1, 0)
    present.refresh_from_db()
    absent.refresh_from_db()
    assert present.certificate_document is not None and absent.certificate_document is None
    # Again: nothing new.
    again = certificates_issue(user=manager, date_id=event_date.pk)
    assert (again.issued, again.already) == (0, 1)
    assert Registration.objects.get(pk=present.pk).certificate_document_id == present.certificate_document_id

    document = present.certificate_document
    assert document.owner_user == present.participant and document.document_type == "Teilnahmebescheinigung"
    pdf = _stored(document)
    text = pdf_text(pdf)
    for expected in ("Teilnahmebescheinigung", present.name, "Schreinerei Holz",
                     "Online-Einarbeitung in drei Schritten", "Thema: Online-Einarbeitung", "1. Dezember 2026",
                     "Dauer: 1 Std. 30 Min.", "Veranstalter: House of IT", document.verification_id[:4]):
        assert expected in text, expected
    assert absent.name not in text
    result = validate_pdf(pdf)
    assert result.verdict is Verdict.VALID and result.covers_entire_file

    # The Postfach has it (once), and the e-mail only says there is a message.
    messages = Message.objects.filter(recipient_user=present.participant)
    assert messages.count() == 1 and list(messages[0].documents.all()) == [document]
    assert not Message.objects.filter(recipient_user=absent.participant).exists()
    deliver_mail()
    mails = [m for m in smtp_server.messages if present.email in m["to"]]
    assert len(mails) == 1 and "Teilnahmebescheinigung" not in mails[0]["body"]


def test_verification_page_shows_the_event_not_the_person(ran_date, clock, client):
    manager, event_date, present, _absent = ran_date
    clock.move_to(event_date.ends_at + dt.timedelta(hours=1))
    certificates_issue(user=manager, date_id=event_date.pk)
    document = Registration.objects.get(pk=present.pk).certificate_document
    page = client.get(f"/pruefen/{document.verification_id}/").content.decode()
    assert "Online-Einarbeitung in drei Schritten" in page and "House of IT" in page
    assert present.name not in page


def test_nobody_checked_in_and_other_partner(ran_date, clock):
    manager, event_date, present, _absent = ran_date
    _other, other_manager = make_partner(name="IHK")
    clock.move_to(event_date.ends_at + dt.timedelta(hours=1))
    with pytest.raises(PermissionDenied):
        certificates_issue(user=other_manager, date_id=event_date.pk)
    with pytest.raises(PermissionDenied):
        certificates_issue(user=present.participant, date_id=event_date.pk)
    empty = make_date(series=event_date.series, starts_at=event_date.starts_at - dt.timedelta(days=2))
    make_registration(event_date=empty)
    with pytest.raises(ValidationError, match="nur für eingecheckte"):
        certificates_issue(user=manager, date_id=empty.pk)
