"""Sign-up with e-mail and password: bad input is refused in German and changes
nothing; the confirmation link only confirms on POST and only once."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from digitalstadt.accounts.adapter import password_is_guessable
from digitalstadt.accounts.models import AssuranceLevel, User
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.models import OutboundEmail
from digitalstadt.testing.fixtures import find_link

pytestmark = pytest.mark.django_db

SIGNUP = "/konto/signup/"
GOOD_PASSWORD = "Kranichstein-Lauf-2026"


def signup(client, email="neu@example.org", password1=GOOD_PASSWORD, password2=None, prefix=""):
    return client.post(prefix + SIGNUP, {"email": email, "password1": password1,
                                         "password2": password1 if password2 is None else password2})


def assert_nothing_changed():
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert not AuditEntry.objects.exists()


def confirmation_link() -> str:
    mail = OutboundEmail.objects.get(purpose="allauth:account/email/email_confirmation_signup")
    return find_link(mail.body_text, "/konto/confirm-email/").removeprefix("http://testserver")


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "kein-at-zeichen"}, "Bitte gültige E-Mail-Adresse eingeben."),
    ({"email": ""}, "Dieses Feld ist zwingend erforderlich."),
    ({"password1": "passwort123"}, "Dieses Passwort ist zu leicht zu erraten"),
    ({"password1": "Darmstadt2026!"}, "Dieses Passwort ist zu leicht zu erraten"),
    ({"password1": "password123"}, "Dieses Passwort ist zu üblich."),
    ({"password1": "kurz-1"}, "Dieses Passwort ist zu kurz. Es muss mindestens 10 Zeichen enthalten."),
    ({"password1": "4711081547110815"}, "Dieses Passwort ist komplett numerisch."),
    ({"password2": GOOD_PASSWORD + "x"}, "zweimal dasselbe Passwort eingeben"),
])
def test_bad_sign_up_input_is_refused_in_german(client, data, message):
    response = signup(client, **data)
    assert response.status_code == 400  # FormErrorStatusMiddleware: a form with errors is a 400
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert_nothing_changed()


def test_guessable_password_rule():
    for weak in ["passwort123", "Passwort!", "123456789012", "!!Darmstadt2026", "Hallo-Hallo-1", "qwertz2026"]:
        assert password_is_guessable(weak), weak
    for strong in [GOOD_PASSWORD, "Darmstadt-Demo-2026", "grüne Lilie am Woog 7"]:
        assert not password_is_guessable(strong), strong


def test_sign_up_confirm_by_post_only_once(client):
    response = signup(client, email="Neu@Example.org")
    assert response.status_code == 302 and response["Location"] == "/konto/confirm-email/"
    user = User.objects.get()
    assert user.email == "neu@example.org" and user.language == "de"
    assert user.assurance_level == AssuranceLevel.NONE
    assert AuditEntry.objects.filter(action="account.signup", actor=user).count() == 1
    mail = OutboundEmail.objects.get()
    assert mail.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert mail.body_text.startswith("Guten Tag,")
    assert "Digitalstadt Darmstadt" in mail.body_text and "von !" not in mail.body_text
    link = confirmation_link()

    # Not signed in before confirming (verification is mandatory).
    assert client.get("/mein-konto/").status_code == 302
    response = client.post("/konto/login/", {"login": "neu@example.org", "password": GOOD_PASSWORD})
    assert response["Location"] == "/konto/confirm-email/"
    assert client.get("/mein-konto/").status_code == 302

    # A tampered key shows the German error and confirms nothing.
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA/") else "BBB") + "/"
    response = client.get(tampered)
    assert "Dieser Bestätigungslink ist ungültig, abgelaufen oder wurde bereits verwendet." in response.content.decode()
    assert client.post(tampered).status_code == 404
    assert not EmailAddress.objects.get().verified

    # GET shows a confirm button and does NOT confirm (mail scanners follow links).
    response = client.get(link)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'method="post"' in html and "Bestätigen" in html
    assert not EmailAddress.objects.get().verified

    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/mein-konto/"
    assert EmailAddress.objects.get().verified
    user.refresh_from_db()
    assert user.assurance_level == AssuranceLevel.EMAIL
    assert client.get("/mein-konto/").status_code == 200

    # The link is used up.
    client.logout()
    response = client.get(link)
    assert "Dieser Bestätigungslink ist ungültig, abgelaufen oder wurde bereits verwendet." in response.content.decode()
    assert client.post(link).status_code == 404
    assert AuditEntry.objects.filter(action="account.assurance_raised").count() == 1


def test_second_sign_up_with_the_same_address_creates_nothing(client):
    signup(client, email="neu@example.org")
    client.post(confirmation_link())
    client.logout()
    cache.clear()  # allauth allows one mail per address every 3 minutes
    response = signup(client, email="NEU@example.org", password1="Anderes-Passwort-77")
    # No account enumeration: the same answer, but a mail to the owner instead of a new account.
    assert response.status_code == 302
    assert User.objects.count() == 1 and EmailAddress.objects.count() == 1
    mail = OutboundEmail.objects.latest("id")
    assert mail.purpose == "allauth:account/email/account_already_exists"
    assert "Für diese Adresse gibt es aber schon ein Konto." in mail.body_text


def test_sign_up_page_in_english(client):
    response = client.get("/en" + SIGNUP)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    for label in ['for="id_email">Email<', 'for="id_password1">Password<', 'for="id_password2">Password (again)<',
                  "Register"]:
        assert label in html, label
    response = signup(client, email="not-an-address", prefix="/en")
    assert "Enter a valid email address." in response.content.decode()
    assert_nothing_changed()
    response = signup(client, email="new@example.org", prefix="/en")
    assert response["Location"] == "/en/konto/confirm-email/"
    assert User.objects.get().language == "en"


def test_profile_change_goes_through_the_service_and_is_audited(client):
    user = User.objects.create_user(email="anna@example.org", password=GOOD_PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    client.force_login(user)
    response = client.post("/mein-konto/", {"first_name": "Anna", "last_name": "Lang", "language": "xx"})
    assert response.status_code == 400
    assert "xx ist keine gültige Auswahl." in response.content.decode()
    user.refresh_from_db()
    assert user.first_name == "" and not AuditEntry.objects.filter(action="account.profile_changed").exists()
    response = client.post("/mein-konto/", {"first_name": "Anna", "last_name": "Lang", "language": "en"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.language) == ("Anna", "Lang", "en")
    entry = AuditEntry.objects.get(action="account.profile_changed")
    assert entry.actor == user and entry.data == {"fields": ["first_name", "last_name", "language"]}


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post("/konto/password/reset/", {"email": "niemand@example.org"})
    assert response["Location"] == "/konto/password/reset/done/"
    page = client.get(response["Location"]).content.decode()
    assert "Wenn zu der Adresse ein Konto gehört, haben wir Ihnen eine E-Mail mit einem Link geschickt." in page
    mail = OutboundEmail.objects.get()
    assert mail.purpose == "allauth:account/email/unknown_account"
    assert "Zu dieser Adresse gibt es bei uns kein Konto." in mail.body_text
    assert find_link(mail.body_text, "/konto/signup/")
    assert not User.objects.exists()
