"""Case work like Open Zaak: drafted decisions with preview, four-eyes release, the
"Antwort eingegangen" marker, the paused deadline, the address check and revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from digitalstadt.applications import services
from digitalstadt.applications.models import Case, CaseStatus, CaseworkRule, TextBlock
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.models import Message

from .conftest import Upload, make_case_worker, tiny_pdf, tiny_png
from .test_engine import FAHRZEUGSCHEIN, fill, pay, permit_steps

pytestmark = pytest.mark.django_db


def paid_permit_case(citizen, worker, **steps) -> Case:
    case = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(**steps),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=citizen)
    pay(case)
    case.refresh_from_db()
    services.case_change_status(case=case, status=CaseStatus.IN_REVIEW, actor=worker)
    case.refresh_from_db()
    return case


@pytest.fixture
def second_worker(city):
    return make_case_worker("zweite@stadt.example", *city.values())


def test_with_four_eyes_the_drafter_cannot_send_and_a_second_worker_can(citizen, case_worker, second_worker, seal):
    CaseworkRule.objects.create(plugin="bewohnerparkausweis", four_eyes=True)
    case = paid_permit_case(citizen, case_worker)
    # Straight to a decision is refused too: four eyes means a draft first.
    with pytest.raises(ValidationError, match="Vier-Augen-Prinzip"):
        services.case_decide(case=case, approve=True, reason="", actor=case_worker)
    services.case_draft_decision(case=case, approve=True, reason="", actor=case_worker)
    case.refresh_from_db()
    assert "Bewohnerparkausweis" in services.decision_preview(case=case)
    from digitalstadt.mailbox.models import OutboundEmail

    # The second worker is asked by e-mail, with a link to the draft; the drafter is not.
    ask = OutboundEmail.objects.get(subject__contains="Bescheid zur Freigabe")
    assert ask.to == second_worker.email and f"/verwaltung/vorgaenge/{case.reference}/bescheid/" in ask.body_text
    with pytest.raises(ValidationError, match="Sie haben den Bescheid entworfen, freigeben muss ihn eine zweite"):
        services.case_send_decision(case=case, actor=case_worker)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.decision_id is None and case.decision_draft
    assert not Message.objects.filter(recipient_user=citizen, subject__startswith="Bescheid").exists()

    services.case_send_decision(case=case, actor=second_worker)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.decision_id and case.decision_draft == {}
    assert Message.objects.filter(recipient_user=citizen, subject__startswith="Bescheid").exists()


def test_without_four_eyes_the_drafter_sends_after_the_preview(citizen, case_worker, seal):
    case = paid_permit_case(citizen, case_worker)
    TextBlock.objects.create(plugin="bewohnerparkausweis", kind=TextBlock.Kind.DECISION, title="Keine Zone",
                             text="Die Adresse liegt in keiner Bewohnerparkzone.")
    block = TextBlock.objects.get()
    reason = services.with_text_block(plugin=case.plugin, kind="decision", block_id=block.pk, text="Ergänzung.")
    assert reason == "Die Adresse liegt in keiner Bewohnerparkzone.\n\nErgänzung."
    with pytest.raises(ValidationError, match="Textbaustein"):
        services.with_text_block(plugin="hundesteuer", kind="decision", block_id=block.pk, text="")
    services.case_draft_decision(case=case, approve=False, reason=reason, actor=case_worker)
    case.refresh_from_db()
    preview = services.decision_preview(case=case)
    assert "Ablehnung" in preview and "keiner Bewohnerparkzone" in preview
    assert "@page" not in preview and "{" not in preview  # the text, not the style sheet
    assert case.status == CaseStatus.IN_REVIEW  # the draft changes nothing for the citizen
    services.case_send_decision(case=case, actor=case_worker)
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and "keiner Bewohnerparkzone" in case.decision_reason


def test_answer_marker_and_deadline_paused_while_waiting_for_evidence(citizen, case_worker, clock):
    case = paid_permit_case(citizen, case_worker)
    services.case_set_due_date(case=case, due_date=clock.today() + dt.timedelta(days=10), actor=case_worker)
    case.refresh_from_db()
    due = case.due_date
    request = services.case_request_evidence(case=case, text="Bitte die Rückseite.", due_date=None,
                                             actor=case_worker)
    case.refresh_from_db()
    assert case.waiting_since is not None
    clock.shift(dt.timedelta(days=6))
    # While waiting, the case is not overdue however long the citizen takes.
    assert case not in services_inbox(case_worker, overdue=True)
    services.evidence_request_answer(request=request, text="Anbei", files=[Upload(tiny_png(), "r.png")],
                                     user=citizen)
    case.refresh_from_db()
    assert case.due_date == due + dt.timedelta(days=6) and case.waiting_since is None
    assert case.answer_received
    assert list(services_inbox(case_worker, answered=True)) == [case]
    services.case_add_note(case=case, text="Rückseite passt.", actor=case_worker)
    case.refresh_from_db()
    assert not case.answer_received and list(services_inbox(case_worker, answered=True)) == []


def services_inbox(user, **filters):
    from digitalstadt.applications import selectors

    return selectors.inbox(user=user, status="open", **filters)


def test_the_case_worker_e_mail_links_to_the_case(citizen, case_worker, settings):
    from digitalstadt.mailbox.models import OutboundEmail

    case = paid_permit_case(citizen, case_worker)
    request = services.case_request_evidence(case=case, text="Bitte die Rückseite.", due_date=None,
                                             actor=case_worker)
    services.evidence_request_answer(request=request, text="Anbei", files=[], user=citizen)
    mail = OutboundEmail.objects.filter(to=case_worker.email, subject__contains="Nachweis eingegangen").get()
    assert f"{settings.SITE_URL}/verwaltung/vorgaenge/{case.reference}/" in mail.body_text


def test_an_applied_address_unlike_the_register_stops_the_approval(eid_citizen, case_worker, seal):
    case = paid_permit_case(eid_citizen, case_worker, street="Liebfrauenstraße", number="20")
    [(key, warning)] = services.approval_blockers(case=case)
    assert "Liebfrauenstraße 20" in warning and "Heinheimer Straße 20" in warning
    services.case_draft_decision(case=case, approve=True, reason="", actor=case_worker)
    case.refresh_from_db()
    assert "Warnungen" in services.release_check(case=case, actor=case_worker)
    with pytest.raises(ValidationError, match="erst bewilligt werden, wenn die Warnungen geklärt sind"):
        services.case_send_decision(case=case, actor=case_worker)
    with pytest.raises(ValidationError, match="erst bewilligt"):  # the service checks, not only the page
        services.case_decide(case=case, approve=True, reason="", actor=case_worker)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.decision_id is None
    with pytest.raises(ValidationError, match="wie die Abweichung geklärt wurde"):
        services.case_resolve_check(case=case, key=key, note=" ", actor=case_worker)
    services.case_resolve_check(case=case, key=key, note="Ummeldung liegt vor.", actor=case_worker)
    case.refresh_from_db()
    assert services.approval_blockers(case=case) == []
    services.case_send_decision(case=case, actor=case_worker)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED


def test_the_same_address_as_the_register_passes(eid_citizen, case_worker):
    case = paid_permit_case(eid_citizen, case_worker)
    assert services.approval_blockers(case=case) == []


def test_a_revoked_permit_answers_widerrufen_at_the_plate_check(client, citizen, case_worker, seal, city):
    from digitalstadt.accounts.models import StaffRoleKind
    from digitalstadt.accounts.tests.factories import StaffFactory
    from digitalstadt.parking.models import ResidentPermit

    case = paid_permit_case(citizen, case_worker)
    services.case_decide(case=case, approve=True, reason="", actor=case_worker)
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="Grund"):
        services.case_revoke_grant(case=case, reason="  ", actor=case_worker)
    assert ResidentPermit.objects.get().revoked_at is None
    services.case_revoke_grant(case=case, reason="Fahrzeug abgemeldet.", actor=case_worker)
    permit = ResidentPermit.objects.get()
    assert permit.revoked_at is not None and permit.revocation_reason == "Fahrzeug abgemeldet."
    assert Message.objects.filter(recipient_user=citizen, subject__startswith="Widerruf",
                                  body__contains="Fahrzeug abgemeldet.").exists()
    assert AuditEntry.objects.filter(action="parking.permit_revoked").exists()
    assert AuditEntry.objects.filter(action="applications.case_grant_revoked").exists()
    with pytest.raises(ValidationError, match="nichts zu widerrufen"):
        services.case_revoke_grant(case=case, reason="nochmal", actor=case_worker)

    officer = StaffFactory(email="kontrolle@stadt.example", role=StaffRoleKind.PARKING_ENFORCEMENT)
    client.force_login(officer)
    page = client.get("/verwaltung/parken/ausweise/", {"plate": "DA-AB 123"}).content.decode()
    assert "widerrufen" in page and "Gültiger Bewohnerparkausweis" not in page


def test_the_case_page_drafts_previews_and_sends_with_a_confirmation(client, citizen, case_worker, seal):
    case = paid_permit_case(citizen, case_worker)
    client.force_login(case_worker)
    url = f"/verwaltung/vorgaenge/{case.reference}/"
    page = client.get(url).content.decode()
    assert "Bescheid entwerfen" in page and "Status: " not in page
    # A status button asks first and changes nothing until confirmed.
    response = client.post(url + "status/", {"status": "received"})
    assert response.status_code == 200 and "Bitte bestätigen" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    response = client.post(url + "entscheiden/", {"outcome": "approve", "reason": ""})
    assert response.status_code == 302 and response["Location"].endswith("/bescheid/")
    preview = client.get(url + "bescheid/").content.decode()
    assert "Vorschau des Bescheids" in preview and "DA-AB 123" in preview and "Bescheid jetzt senden" in preview
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    client.post(url + "bescheid/senden/")
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert "Ausweis widerrufen" in client.get(url).content.decode()


def test_the_citizen_progress_shows_the_wait_for_a_document_not_decided(client, citizen, case_worker):
    case = paid_permit_case(citizen, case_worker)
    services.case_request_evidence(case=case, text="Bitte die Rückseite.", due_date=None, actor=case_worker)
    client.force_login(citizen)
    page = client.get(f"/antraege/vorgang/{case.reference}/").content.decode()
    assert 'aria-current="step"><span class="case-stages__mark" aria-hidden="true">●</span> Wartet auf Ihren Nachweis' in page


def test_the_preview_shows_what_the_approval_computes_and_stores_nothing(citizen, case_worker, seal):
    from digitalstadt.parking.models import ResidentPermit

    case = paid_permit_case(citizen, case_worker)
    services.case_draft_decision(case=case, approve=True, reason="", actor=case_worker)
    case.refresh_from_db()
    audits = AuditEntry.objects.count()
    preview = services.decision_preview(case=case)
    assert f"BPA-{case.reference}" in preview  # the permit number the approval will give
    assert not ResidentPermit.objects.exists() and AuditEntry.objects.count() == audits
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.result.get("permit_id") is None


def test_with_four_eyes_the_drafters_preview_has_no_send_button(client, citizen, case_worker, second_worker, seal):
    CaseworkRule.objects.create(plugin="bewohnerparkausweis", four_eyes=True)
    case = paid_permit_case(citizen, case_worker)
    services.case_draft_decision(case=case, approve=True, reason="", actor=case_worker)
    url = f"/verwaltung/vorgaenge/{case.reference}/bescheid/"
    client.force_login(case_worker)
    page = client.get(url).content.decode()
    assert "freigeben muss ihn eine zweite Person" in page and "Freigeben und senden" not in page
    response = client.post(url + "senden/")  # a forged POST changes nothing either
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    client.force_login(second_worker)
    assert "Freigeben und senden" in client.get(url).content.decode()
    client.post(url + "senden/")
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
