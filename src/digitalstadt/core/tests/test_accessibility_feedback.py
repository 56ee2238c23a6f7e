"""Accessibility feedback (BITV 2.0 feedback mechanism): stored, and platform admins get an e-mail."""

import pytest

from digitalstadt.accounts.models import StaffRoleKind
from digitalstadt.core.models import AccessibilityFeedback, AuditEntry
from digitalstadt.mailbox.models import OutboundEmail

from .conftest import make_user


@pytest.mark.django_db(transaction=True)
def test_feedback_is_stored_and_mailed_to_platform_admins(client, smtp_server, deliver_mail):
    make_user("paula@darmstadt.example", role=StaffRoleKind.PLATFORM_ADMIN, totp=True)
    make_user("peter@darmstadt.example", role=StaffRoleKind.PLATFORM_ADMIN, totp=True)
    make_user("sami@darmstadt.example", role=StaffRoleKind.CASE_WORKER, totp=True)

    response = client.post("/barrierefreiheit/", {
        "page_url": "/themen/buergeramt/", "message": "Die Karte ist mit der Tastatur nicht bedienbar.",
        "email": "melder@darmstadt.example",
    }, follow=True)

    assert response.status_code == 200
    assert "Vielen Dank! Ihre Rückmeldung ist bei uns eingegangen." in response.content.decode()
    feedback = AccessibilityFeedback.objects.get()
    assert (feedback.page_url, feedback.email) == ("/themen/buergeramt/", "melder@darmstadt.example")
    assert AuditEntry.objects.filter(action="accessibility_feedback.received", subject_id=str(feedback.pk)).exists()
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == [
        "paula@darmstadt.example", "peter@darmstadt.example"]

    deliver_mail()

    assert sorted(m["to"][0] for m in smtp_server.messages) == ["paula@darmstadt.example", "peter@darmstadt.example"]
    body = smtp_server.messages[0]["body"]
    assert "Die Karte ist mit der Tastatur nicht bedienbar." in body
    assert "melder@darmstadt.example" in body
    assert "/verwaltung/barrierefreiheit/" in body


@pytest.mark.django_db
@pytest.mark.parametrize("message", ["", "   "])
def test_an_empty_message_is_refused_in_german_and_nothing_is_stored(client, message):
    make_user("paula@darmstadt.example", role=StaffRoleKind.PLATFORM_ADMIN, totp=True)

    response = client.post("/barrierefreiheit/", {"message": message, "email": "melder@darmstadt.example"})

    assert response.status_code == 400
    assert "Bitte beschreiben Sie die Barriere." in response.content.decode()
    assert 'value="melder@darmstadt.example"' in response.content.decode()  # input is kept
    assert not AccessibilityFeedback.objects.exists()
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_an_invalid_email_is_refused_in_german(client):
    response = client.post("/barrierefreiheit/", {"message": "Text", "email": "keine-adresse"})

    assert response.status_code == 400
    assert "gültige E-Mail-Adresse" in response.content.decode()
    assert not AccessibilityFeedback.objects.exists()
