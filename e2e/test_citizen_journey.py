"""A citizen registers, confirms the address from a real e-mail, signs out and in,
resets the password by e-mail, and reads Postfach messages announced by e-mail.

Mail goes the production way: outbox row -> database task worker -> SMTP (aiosmtpd).
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from digitalstadt.accounts.models import AssuranceLevel, User
from digitalstadt.mailbox.models import MessageRead
from digitalstadt.mailbox.services import message_send
from digitalstadt.testing.fixtures import find_link

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "mira.schneider@example.org"
PASSWORD = "Kranichstein-Lauf-2026"
NEW_PASSWORD = "Herrngarten-im-Mai-7"


def mails_to(smtp_server, address: str) -> list[dict]:
    return [m for m in smtp_server.messages if address in m["to"]]


def main(page):
    return page.locator("main")


def header(page):
    return page.locator("header.site-header")


def sign_in(journey, email: str, password: str) -> None:
    page = journey.page
    header(page).get_by_role("link", name="Anmelden").click()
    page.wait_for_url("**/konto/login/**")
    journey.check_page()
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    main(page).get_by_role("button", name="Anmeldung").click()


def sign_out(journey) -> None:
    page = journey.page
    header(page).get_by_role("button", name="Abmelden").click()
    page.wait_for_url(journey.url("/"))
    journey.check_page()
    expect(header(page).get_by_role("link", name="Anmelden")).to_be_visible()


def test_citizen_registers_confirms_resets_password_and_reads_the_postfach(
    journey, live_server, smtp_server, deliver_mail, settings
):
    settings.SITE_URL = live_server.url  # links in Postfach notifications
    page = journey.page

    # Home, in German.
    journey.visit("/")
    assert page.locator("html").get_attribute("lang") == "de"
    header(page).get_by_role("link", name="Registrieren").click()
    page.wait_for_url("**/konto/signup/")
    journey.check_page()
    journey.screenshot("signup-1280")

    # Mismatched passwords: a German error at the field, nothing stored.
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort (Wiederholung)").fill(PASSWORD + "!")
    main(page).get_by_role("button", name="Registrieren").click()
    expect(page.locator("#id_password2_error")).to_have_text("Sie müssen zweimal dasselbe Passwort eingeben.")
    # The error summary takes focus and links to the field.
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator("#form-errors").get_by_role("link")).to_have_attribute("href", "#id_password2")
    expect(page.get_by_label("Passwort (Wiederholung)")).to_have_attribute("aria-invalid", "true")
    journey.check_page(snapshot=True)
    assert not User.objects.exists()

    # Register for real.
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    main(page).get_by_role("button", name="Registrieren").click()
    page.wait_for_url("**/konto/confirm-email/")
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_contain_text("E-Mail-Adresse")

    deliver_mail()
    [mail] = mails_to(smtp_server, EMAIL)
    assert mail["subject"] == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    link = find_link(mail["body"], "/konto/confirm-email/")
    assert link.startswith(live_server.url)

    # Opening the link shows a button; the GET alone confirms nothing.
    page.goto(link)
    journey.check_page()
    assert not EmailAddress.objects.get(email=EMAIL).verified
    expect(header(page).get_by_role("link", name="Anmelden")).to_be_visible()
    main(page).get_by_role("button", name="Bestätigen").click()
    page.wait_for_url("**/mein-konto/")
    journey.check_page()
    assert EmailAddress.objects.get(email=EMAIL).verified
    assert User.objects.get(email=EMAIL).assurance_level == AssuranceLevel.EMAIL
    expect(page.get_by_role("heading", level=1, name="Mein Konto")).to_be_visible()
    expect(page.get_by_role("heading", name="Postfach")).to_be_visible()
    expect(main(page)).to_contain_text(f"Angemeldet als {EMAIL}")
    journey.screenshot("account-1280")

    # Sign out, sign in again: a wrong password first; the error takes focus.
    sign_out(journey)
    sign_in(journey, EMAIL, PASSWORD + "x")
    page.wait_for_url("**/konto/login/**")
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator("#form-errors")).to_contain_text("leider falsch")
    journey.check_page(snapshot=True)
    sign_in(journey, EMAIL, PASSWORD)
    page.wait_for_url("**/mein-konto/")
    journey.check_page()
    journey.screenshot("login-done-1280")
    sign_out(journey)

    # Forgotten password: the e-mail link leads to a form for the new password.
    header(page).get_by_role("link", name="Anmelden").click()
    page.wait_for_url("**/konto/login/")
    journey.screenshot("login-1280")
    page.get_by_role("link", name="Passwort vergessen?").click()
    page.wait_for_url("**/konto/password/reset/")
    journey.check_page()
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    main(page).get_by_role("button", name="Passwort zurücksetzen").click()
    page.wait_for_url("**/konto/password/reset/done/")
    journey.check_page()
    deliver_mail()
    reset_mail = mails_to(smtp_server, EMAIL)[-1]
    reset_link = find_link(reset_mail["body"], "/konto/password/reset/key/")
    page.goto(reset_link)
    journey.check_page()
    page.locator("#id_password1").fill("passwort123")
    page.locator("#id_password2").fill("passwort123")
    main(page).get_by_role("button", name="Passwort ändern").click()
    expect(page.locator("#form-errors")).to_contain_text("Dieses Passwort ist zu leicht zu erraten")
    journey.check_page(snapshot=True)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    main(page).get_by_role("button", name="Passwort ändern").click()
    page.wait_for_url("**/konto/password/reset/key/done/")
    journey.check_page()
    # The link is used up.
    page.goto(reset_link)
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Passwort ändern")

    # The old password no longer works, the new one does.
    sign_in(journey, EMAIL, PASSWORD)
    expect(main(page).locator(".kern-alert--danger, .kern-error").first).to_be_visible()
    journey.check_page(snapshot=True)
    page.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
    main(page).get_by_role("button", name="Anmeldung").click()
    page.wait_for_url("**/mein-konto/")
    journey.check_page()

    # A Postfach message: counted in the header and on the account page, announced by mail.
    user = User.objects.get(email=EMAIL)
    badge = header(page).get_by_role("link", name=re.compile("^Postfach"))
    expect(badge).to_have_text("Postfach")
    message = message_send(subject="Ihr Anwohnerparkausweis", body="Der Ausweis ist genehmigt.",
                           sender_name="Straßenverkehrsbehörde", recipient_user=user)
    page.reload()
    journey.check_page()
    expect(badge).to_have_text("Postfach 1 ungelesen")
    expect(page.locator("#postfach-heading")).to_contain_text("1 ungelesen")
    expect(main(page).get_by_role("link", name="Ihr Anwohnerparkausweis")).to_be_visible()
    message_send(subject="Terminerinnerung", body="Morgen 9 Uhr.", sender_name="Bürgerbüro", recipient_user=user)
    page.reload()
    expect(badge).to_have_text("Postfach 2 ungelesen")

    deliver_mail()
    notifications = [m for m in mails_to(smtp_server, EMAIL) if m["subject"] == "Neue Nachricht in Ihrem Postfach"]
    assert len(notifications) == 2
    link = find_link(notifications[0]["body"], f"/postfach/{message.uuid}/")
    assert link.startswith(live_server.url)
    page.goto(link)
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Anwohnerparkausweis")
    expect(main(page)).to_contain_text("Der Ausweis ist genehmigt.")
    expect(badge).to_have_text("Postfach 1 ungelesen")
    assert MessageRead.objects.filter(message=message, user=user).exists()
    page.get_by_role("link", name="Zurück zum Postfach").click()
    journey.check_page()
    expect(main(page).get_by_role("link", name="Ungelesen (1)")).to_be_visible()


def test_pages_on_a_phone(phone_journey, live_server):
    journey = phone_journey
    page = journey.page
    user = User.objects.create_user(email=EMAIL, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=True)
    message_send(subject="Willkommen", body="Schön, dass Sie da sind.", sender_name="Stadt", recipient_user=user)
    for path, name in [("/konto/signup/", "signup-360"), ("/konto/login/", "login-360")]:
        journey.visit(path)
        journey.screenshot(name)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    # Keyboard only: Enter in the password field submits the form.
    page.get_by_label("Passwort", exact=True).press("Enter")
    page.wait_for_url("**/mein-konto/")
    journey.check_page()
    journey.screenshot("account-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_axe_check_can_fail(journey):
    """Negative control: the accessibility check really finds problems."""
    journey.visit("/")
    journey.page.set_content('<html><body><img src="/x.png"></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        journey.check_page(snapshot=True)


def test_sign_up_page_in_english(journey):
    page = journey.page
    journey.visit("/en/konto/signup/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")
    for label in ["Email", "Password", "Password (again)"]:
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    page.get_by_label("Email", exact=True).fill("not-an-address")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)", exact=True).fill(PASSWORD)
    main(page).get_by_role("button", name="Register").click()
    expect(page.locator("#id_email_error")).to_have_text("Enter a valid email address.")
    expect(page.locator("#form-errors")).to_be_focused()
    journey.check_page(snapshot=True)
    assert not User.objects.exists()
