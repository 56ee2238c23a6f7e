"""An owner creates a courier service, invites a colleague by e-mail (real SMTP), the
colleague registers with that address and joins; the owner changes the colleague's role
and removes them; API tokens are created, used against the API, and revoked."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from digitalstadt.accounts.models import ApiToken, Invitation, Membership, Organisation, OrgRole, User
from digitalstadt.core.models import AuditEntry
from digitalstadt.testing.clock import fresh_totp
from digitalstadt.testing.fixtures import find_link
from e2e.conftest import DESKTOP, Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OWNER = "kurier@example.org"
COLLEAGUE = "fahrerin@example.org"
PASSWORD = "Kranichstein-Lauf-2026"
LAST_OWNER = "Eine Organisation braucht mindestens eine Inhaberin oder einen Inhaber."


def main(page):
    return page.locator("main")


def sign_in(journey: Journey, email: str, password: str = PASSWORD) -> None:
    page = journey.page
    journey.visit("/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    main(page).get_by_role("button", name="Anmeldung").click()
    page.wait_for_url("**/mein-konto/")


def whoami(base_url: str, secret: str) -> tuple[int, dict]:
    request = urllib.request.Request(base_url + "/api/v1/whoami", headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}


def catalogue(base_url: str, secret: str) -> tuple[int, object]:
    request = urllib.request.Request(base_url + "/api/v1/catalog/services",
                                     headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}


def audited(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_owner_invites_colleague_manages_roles_and_api_tokens(
    journey, phone_journey, browser, live_server, smtp_server, deliver_mail, settings
):
    settings.SITE_URL = live_server.url  # links in invitation e-mails
    owner = User.objects.create_user(email=OWNER, password=PASSWORD)
    EmailAddress.objects.create(user=owner, email=OWNER, primary=True, verified=True)
    page = journey.page

    # --- create the organisation -------------------------------------------------------
    sign_in(journey, OWNER)
    main(page).get_by_role("link", name="Organisation anlegen").click()
    page.wait_for_url("**/mein-konto/organisationen/neu/")
    journey.check_page()
    main(page).get_by_role("button", name="Organisation anlegen").click()
    expect(page.locator("#id_name_error")).to_have_text("Bitte geben Sie den Namen der Organisation an.")
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator(".kern-error", has_text="Bitte wählen Sie die Art der Organisation.")).to_be_visible()
    journey.check_page(snapshot=True)
    assert not Organisation.objects.exists()
    page.get_by_label("Name der Organisation").fill("Kurierdienst Bessungen")
    page.get_by_label("Kurierdienst").check()
    page.get_by_label("Postleitzahl").fill("64285")
    main(page).get_by_role("button", name="Organisation anlegen").click()
    page.wait_for_url("**/mein-konto/organisationen/kurierdienst-bessungen/")
    journey.check_page()
    org = Organisation.objects.get()
    assert org.kind == "courier" and org.postal_code == "64285"
    expect(page.get_by_role("heading", level=1)).to_have_text("Kurierdienst Bessungen")
    expect(page.get_by_text("Ihre Rolle: Inhaber/in")).to_be_visible()
    assert audited("organisation.created") == 1

    # --- invite a colleague ------------------------------------------------------------
    invite = page.locator("section", has=page.get_by_role("heading", name="Person einladen"))
    invite.get_by_label("E-Mail-Adresse").fill(COLLEAGUE)
    invite.get_by_label("Rolle").select_option("member")
    invite.get_by_role("button", name="Einladung senden").click()
    expect(page.get_by_text(f"Die Einladung an {COLLEAGUE} wurde verschickt.")).to_be_visible()
    journey.check_page()
    expect(invite.get_by_role("list")).to_contain_text(COLLEAGUE)
    assert audited("invitation.created") == 1
    deliver_mail()
    [mail] = [m for m in smtp_server.messages if COLLEAGUE in m["to"]]
    assert mail["subject"] == "Einladung zu Kurierdienst Bessungen"
    invitation_link = find_link(mail["body"], "/mein-konto/einladung/")
    assert invitation_link.startswith(live_server.url)

    # --- the colleague registers with the invited address and accepts ------------------
    colleague = Journey(browser, live_server.url, DESKTOP, journey.clock)
    try:
        cpage = colleague.page
        cpage.goto(invitation_link)
        # Before signing in, the page says who invites to what, and what the role may do.
        colleague.check_page()
        expect(main(cpage)).to_contain_text(
            f"{OWNER} lädt Sie ein, der Organisation „Kurierdienst Bessungen“ als Mitarbeiter/in beizutreten.")
        expect(main(cpage)).to_contain_text("verwaltet nichts")
        main(cpage).get_by_role("link", name="Konto anlegen").click()
        cpage.wait_for_url(re.compile(r"/konto/signup/\?.*einladung"))
        colleague.check_page()
        expect(cpage.get_by_label("E-Mail-Adresse")).to_have_value(COLLEAGUE)  # prefilled
        cpage.get_by_label("Passwort", exact=True).fill(PASSWORD)
        cpage.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
        main(cpage).get_by_role("button", name="Registrieren").click()
        cpage.wait_for_url("**/konto/confirm-email/")
        deliver_mail()
        confirm = find_link([m for m in smtp_server.messages if COLLEAGUE in m["to"]][-1]["body"],
                            "/konto/confirm-email/")
        cpage.goto(confirm)
        colleague.check_page()
        main(cpage).get_by_role("button", name="Bestätigen").click()
        # Back to the invitation the colleague came for.
        cpage.wait_for_url(invitation_link)
        colleague.check_page()
        expect(main(cpage)).to_contain_text("Kurierdienst Bessungen")
        main(cpage).get_by_role("button", name="Einladung annehmen").click()
        cpage.wait_for_url("**/mein-konto/organisationen/kurierdienst-bessungen/")
        colleague.check_page()
        expect(cpage.get_by_text("Willkommen bei Kurierdienst Bessungen!")).to_be_visible()
        expect(cpage.get_by_text("Ihre Rolle: Mitarbeiter/in")).to_be_visible()
        # A member sees the members, but cannot invite or handle API tokens.
        expect(cpage.get_by_role("heading", name="Person einladen")).to_have_count(0)
        expect(cpage.get_by_role("heading", name="API-Schlüssel")).to_have_count(0)
        assert audited("invitation.accepted") == 1
        # The used invitation link is dead.
        cpage.goto(invitation_link)
        colleague.check_page()
        expect(main(cpage)).to_contain_text("Diese Einladung ist ungültig, abgelaufen oder wurde bereits verwendet.")
    finally:
        colleague.close()
    membership = Membership.objects.get(user__email=COLLEAGUE)
    assert membership.role == OrgRole.MEMBER and Invitation.objects.with_scopes_disabled().get().accepted_at is not None

    # --- roles -------------------------------------------------------------------------
    page.reload()
    journey.check_page()
    page.get_by_label(f"Rolle von {COLLEAGUE}").select_option("admin")
    page.get_by_role("button", name=f"Rolle ändern – {COLLEAGUE}").click()
    expect(page.get_by_text("Die Rolle wurde geändert.")).to_be_visible()
    journey.check_page()
    membership.refresh_from_db()
    assert membership.role == OrgRole.ADMIN
    assert AuditEntry.objects.get(action="membership.role_changed").data == {"from": "member", "to": "admin"}

    # The last owner can neither step down nor be removed.
    page.get_by_label(f"Rolle von {OWNER}").select_option("member")
    page.get_by_role("button", name=f"Rolle ändern – {OWNER}").click()
    expect(page.get_by_role("alert")).to_have_text(LAST_OWNER)
    journey.check_page()
    page.get_by_role("button", name="Organisation verlassen").click()
    expect(page.get_by_role("alert")).to_have_text(LAST_OWNER)
    assert Membership.objects.get(user=owner).role == OrgRole.OWNER
    assert audited("membership.role_changed") == 1

    page.get_by_role("button", name=f"Entfernen – {COLLEAGUE}").click()
    expect(page.get_by_text("Die Person wurde aus der Organisation entfernt.")).to_be_visible()
    journey.check_page()
    expect(main(page).get_by_role("table").first).not_to_contain_text(COLLEAGUE)
    assert not Membership.objects.filter(user__email=COLLEAGUE).exists()
    assert audited("membership.removed") == 1

    # --- API tokens: only with a second factor --------------------------------------------
    tokens = page.locator("section", has=page.get_by_role("heading", name="API-Schlüssel"))
    expect(tokens).to_contain_text("Erst die Zwei-Faktor-Anmeldung, dann API-Schlüssel")
    expect(tokens.get_by_role("button", name="API-Schlüssel erzeugen")).to_have_count(0)
    tokens.get_by_role("link", name="Zwei-Faktor-Anmeldung einrichten").click()
    # A while after signing in, allauth asks for the password once more first.
    page.wait_for_url(re.compile(r"/konto/(reauthenticate/\?next=%2Fkonto%2F2fa%2F)?totp|/konto/2fa/totp/activate/"))
    if "/reauthenticate/" in page.url:
        journey.check_page()
        page.get_by_label("Passwort", exact=True).fill(PASSWORD)
        main(page).get_by_role("button").first.click()
        page.wait_for_url("**/konto/2fa/totp/activate/")
    journey.check_page()
    page.reload()  # check_page() loaded it once more, which made a new secret
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.fill("input[name=code]", fresh_totp(secret))
    page.get_by_role("button", name="Aktivieren").click()
    page.wait_for_url(re.compile(r".*/konto/2fa/recovery-codes/?$"))
    page.get_by_role("link", name="Mein Konto").click()
    page.wait_for_url("**/mein-konto/")
    main(page).get_by_role("link", name="Kurierdienst Bessungen").click()
    page.wait_for_url(f"**/mein-konto/organisationen/{org.slug}/")
    tokens = page.locator("section", has=page.get_by_role("heading", name="API-Schlüssel"))
    tokens.get_by_label("Bezeichnung").fill("Kurier-App Tablet 1")
    tokens.get_by_role("button", name="API-Schlüssel erzeugen").click()  # no permission chosen: refused
    expect(page.locator("#form-errors")).to_contain_text("Bitte wählen Sie mindestens eine Berechtigung.")
    assert not ApiToken.objects.with_scopes_disabled().exists()
    tokens = page.locator("section", has=page.get_by_role("heading", name="API-Schlüssel"))
    tokens.get_by_label("Leistungskatalog lesen (catalog:read)").check()
    tokens.get_by_role("button", name="API-Schlüssel erzeugen").click()
    secret_box = page.locator("#new-token")
    expect(secret_box).to_be_visible()
    journey.check_page(snapshot=True)  # the secret exists only in this response
    secret = secret_box.inner_text().strip()
    journey.screenshot("organisation-1280")
    assert secret.startswith("dst_")
    row = tokens.get_by_role("row", name="Kurier-App Tablet 1")
    expect(row).to_contain_text(secret[:12])
    # Shown once: gone when the page is opened again, and never stored.
    journey.visit(f"/mein-konto/organisationen/{org.slug}/")
    expect(page.locator("#new-token")).to_have_count(0)
    assert secret not in page.content()
    assert not any(secret in str(s.get_decoded()) for s in Session.objects.all())
    token = ApiToken.objects.with_scopes_disabled().get()
    stored = " ".join(str(v) for v in ApiToken.objects.with_scopes_disabled().values_list().get(pk=token.pk))
    assert secret not in stored and secret[12:] not in stored
    assert audited("api_token.created") == 1

    assert whoami(live_server.url, secret) == (200, {"kind": "organisation", "organisation": org.slug,
                                                     "email": None})
    assert whoami(live_server.url, secret[:-1] + ("A" if secret[-1] != "A" else "B"))[0] == 401

    assert catalogue(live_server.url, secret)[0] == 200  # the scope it was given
    expect(row).to_contain_text("catalog:read")
    row.get_by_role("link", name="Widerrufen – Kurier-App Tablet 1").click()
    journey.check_page()  # asks once more, nothing revoked yet
    assert whoami(live_server.url, secret)[0] == 200
    main_ = page.locator("main")
    main_.get_by_role("button", name="Ja, Schlüssel widerrufen").click()
    expect(page.get_by_text("Der API-Schlüssel wurde widerrufen.")).to_be_visible()
    journey.check_page()
    expect(tokens.get_by_role("row", name="Kurier-App Tablet 1")).to_contain_text("widerrufen")
    assert whoami(live_server.url, secret)[0] == 401
    assert audited("api_token.revoked") == 1

    # The organisation page on a phone: axe, no sideways scrolling, a screenshot.
    phone_journey.context.add_cookies(journey.context.cookies())
    phone_journey.visit(f"/mein-konto/organisationen/{org.slug}/")
    width = phone_journey.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"organisation page scrolls sideways on a phone ({width}px)"
    phone_journey.screenshot("organisation-360")


def test_member_cannot_reach_another_organisation_or_manage(journey, live_server):
    from digitalstadt.accounts.services import organisation_create

    owner = User.objects.create_user(email=OWNER, password=PASSWORD)
    member = User.objects.create_user(email=COLLEAGUE, password=PASSWORD)
    for user in (owner, member):
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    shop = organisation_create(actor=owner, name="Laden am Markt", kind="shop")
    Membership.objects.create(user=member, organisation=shop, role=OrgRole.SALES)
    other = organisation_create(actor=owner, name="Firma Nord", kind="company")

    sign_in(journey, COLLEAGUE)
    response = journey.visit(f"/mein-konto/organisationen/{shop.slug}/")
    assert response.status == 200
    expect(journey.page.get_by_text("Ihre Rolle: Verkauf")).to_be_visible()
    expect(journey.page.get_by_role("button", name="Rolle ändern")).to_have_count(0)
    response = journey.page.goto(journey.url(f"/mein-konto/organisationen/{other.slug}/"))
    assert response.status == 404
    # A crafted POST from the member's session changes nothing.
    owner_membership = Membership.objects.get(user=owner, organisation=shop)
    result = journey.page.request.post(
        journey.url(f"/mein-konto/organisationen/{shop.slug}/mitglieder/{owner_membership.pk}/rolle/"),
        form={"role": "member"}, headers={"X-CSRFToken": _csrf(journey), "Referer": journey.url("/")},
    )
    assert result.status == 403
    assert Membership.objects.get(pk=owner_membership.pk).role == OrgRole.OWNER


def _csrf(journey: Journey) -> str:
    return next(c["value"] for c in journey.context.cookies() if c["name"] == "csrftoken")
