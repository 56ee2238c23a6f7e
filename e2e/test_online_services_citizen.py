"""Online services as citizens and case workers use them in the browser.

- Meldebescheinigung: an eID citizen applies, pays by bank transfer (GiroCode shown; the
  city cash office imports a CAMT.053 statement), and the worker issues the sealed
  certificate automatically; a citizen without eID is sent to confirm the identity.
- Sperrmüll: address -> district -> free pick-up day (one place taken), automatic order
  confirmation; a foreign address is refused; "Speichern und später weitermachen" mails
  a link that resumes the draft after login.
- Hundesteuer: a second dog costs 156 EUR a year, a case worker approves in the inbox,
  the citizen gets the tax assessment and a link to pay; a dangerous dog needs the
  insurance evidence, and a text file named .pdf is refused.

Background work runs in the real task worker (receipt, automatic decision, e-mail).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from django.test import Client
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from digitalstadt.accounts.models import AssuranceLevel, Organisation, StaffRole, StaffRoleKind, User
from digitalstadt.applications.models import Application, Case, CaseStatus, EvidenceUpload
from digitalstadt.payments.selectors import reference_for_people
from digitalstadt.register.models import PickupDate
from digitalstadt.testing.fixtures import find_link
from digitalstadt.testing.pdf import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sicher-genug-2026"
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
INSURANCE = "Nachweis der Haftpflichtversicherung für gefährliche Hunde"
EAD = "EAD – Eigenbetrieb für kommunale Aufgaben und Dienstleistungen"


# --- set-up -------------------------------------------------------------------------------


@pytest.fixture
def city(live_server, settings):
    """Offices, the demo catalogue and register (streets, districts, pick-up days), the seal."""
    from digitalstadt.catalog.demo import seed as seed_catalog
    from digitalstadt.core import signing
    from digitalstadt.core.tests.signing_helpers import ensure_seal_and_reset_caches
    from digitalstadt.register.demo import seed as seed_register

    settings.SITE_URL = live_server.url  # links in e-mails
    cache.clear()  # rate limits and TOTP memory live in the shared database cache
    offices = {slug: Organisation.objects.create(slug=slug, name=name, kind="office", street=street,
                                                 postal_code=postal_code, city="Darmstadt", phone=phone)
               for slug, name, street, postal_code, phone in [
                   ("buergeramt", "Bürger- und Ordnungsamt", "Luisenplatz 5", "64283", ""),
                   ("strassenverkehrsamt", "Straßenverkehrsamt", "Luisenplatz 5", "64283", ""),
                   ("ead", EAD, "Sensfelderweg 33", "64293", "06151 13-46000")]}
    seed_catalog()
    seed_register()
    ensure_seal_and_reset_caches()
    yield offices
    signing.load_signer.cache_clear()
    signing.trust_roots.cache_clear()
    cache.clear()


@pytest.fixture
def staff_journey(browser, live_server, clock):
    """A second desktop browser for the office, next to the citizen's."""
    from e2e.conftest import DESKTOP, Journey

    j = Journey(browser, live_server.url, DESKTOP, clock)
    yield j
    j.close()


def make_citizen(email: str, *, level=AssuranceLevel.EMAIL, eid_subject=None, first="Berta",
                 last="Bürger") -> User:
    user = User.objects.create_user(email, PASSWORD, first_name=first, last_name=last, assurance_level=level,
                                    eid_subject=eid_subject)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_case_worker(office: Organisation) -> User:
    """A case worker of the office (may also reconcile payments), with TOTP set up."""
    user = User.objects.create_user("sami.sachbearbeitung@darmstadt.example", PASSWORD, first_name="Sami",
                                    last_name="Sachbearbeiter")
    StaffRole.objects.create(user=user, role=StaffRoleKind.CASE_WORKER, office=office)
    TOTP.activate(user, STAFF_TOTP_SECRET)
    return user


# --- helpers ------------------------------------------------------------------------------


def main(page):
    return page.locator("main")


def narrow_enough(journey, width: int) -> None:
    scroll = journey.page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{journey.page.url} scrolls horizontally ({scroll}px at {width}px)"


def subline(page):
    return main(page).locator(".kern-hgroup .kern-subline")


def start_application(journey, slug: str, name: str, shot: str | None = None, check_catalogue=False) -> None:
    """From the catalogue page via "Online beantragen" and "Antrag starten" to the first step
    (the catalogue's own journey checks its pages; here once is enough)."""
    page = journey.page
    journey.visit(f"/leistungen/{slug}/", check=check_catalogue)
    main(page).get_by_role("link", name="Online beantragen").click()
    page.wait_for_url(f"**/antraege/neu/{slug}/")
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    assert "online online" not in page.title(), page.title()
    if shot:
        journey.screenshot(shot)
    main(page).get_by_role("button", name="Antrag starten").click()
    page.wait_for_url("**/antraege/entwurf/*/*/")
    journey.check_page()


def press(page, name: str) -> None:
    main(page).get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state("load")


def submit(journey) -> Case:
    page = journey.page
    page.get_by_label("Ich versichere, dass meine Angaben vollständig und richtig sind.").check()
    press(page, "Verbindlich absenden")
    page.wait_for_url(re.compile(r".*/antraege/vorgang/DA-\d{4}-\d{6}/$"))
    journey.check_page()
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(main(page)).to_contain_text(f"Ihr Antrag ist eingegangen. Aktenzeichen: {reference}")
    return Case.objects.get(reference=reference)


def fetch_pdf(journey, link) -> bytes:
    """Follow a document link with the browser's session (headless Chromium has no PDF viewer)."""
    href = link.get_attribute("href")
    response = journey.context.request.get(journey.url(href))
    assert response.ok, f"{href}: HTTP {response.status}"
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    return body


def assert_sealed(pdf: bytes) -> None:
    """pyHanko's own validator, trusting only the development root (as core's signing tests)."""

    def validate():
        from pyhanko.keys import load_cert_from_pemder
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        from digitalstadt.core import signing

        root = load_cert_from_pemder(str(signing.signing_dir() / signing.DEV_ROOT_FILE))
        signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root], allow_fetching=False))
        return status, status.coverage == SignatureCoverageLevel.ENTIRE_FILE

    # pyHanko runs asyncio internally: keep it away from Playwright's event loop.
    with ThreadPoolExecutor(1) as pool:
        status, entire = pool.submit(validate).result()
    assert status.bottom_line and status.intact and status.valid and status.trusted, status.summary()
    assert entire


def real_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Versicherungsschein</h1><p>Hundehalterhaftpflicht, Deckung 1 Mio. EUR</p>").write_pdf()


# --- Meldebescheinigung --------------------------------------------------------------------


@pytest.mark.postgres_journey
def test_meldebescheinigung_paid_by_transfer_is_issued_automatically(journey, staff_journey, city, deliver_mail,
                                                                    tmp_path):
    from digitalstadt.payments.conf import creditor
    from digitalstadt.testing.camt import Credit, camt053

    emil = make_citizen("emil.eid@example.org", level=AssuranceLevel.EID_HIGH, eid_subject="demo-eid-emil",
                        first="Emil", last="Eid")
    journey.login_as(emil)
    page = journey.page

    start_application(journey, "meldebescheinigung", "Meldebescheinigung",
                      shot="online-meldebescheinigung-1-start-1280", check_catalogue=True)
    # The data comes from the register: nothing to type.
    expect(page.get_by_role("heading", level=1)).to_have_text("Bescheinigung")
    register = main(page).locator("section", has=page.get_by_role("heading", name="Ihre Daten im Melderegister"))
    expect(register).to_contain_text("Emil Eid")
    expect(register).to_contain_text("Heinheimer Straße 20")
    page.get_by_label("Erweiterte Meldebescheinigung", exact=False).check()
    page.get_by_label(re.compile(r"^Zweck der Bescheinigung")).fill("Vorlage beim Arbeitgeber")
    journey.screenshot("online-meldebescheinigung-2-step-1280")
    press(page, "Weiter")
    page.wait_for_url("**/pruefen/")
    journey.check_page()
    expect(main(page)).to_contain_text("Erweiterte Meldebescheinigung")
    expect(main(page)).to_contain_text("Vorlage beim Arbeitgeber")
    expect(main(page).get_by_role("table")).to_contain_text("10,00 €")
    change_links = main(page).locator("p", has=page.get_by_role("link", name="„Bescheinigung“ ändern"))
    assert change_links.inner_text().strip() == "„Bescheinigung“ ändern"  # no dangling " ·"
    journey.screenshot("online-meldebescheinigung-3-summary-1280")

    # Without the confirmation: a German error, no case.
    press(page, "Verbindlich absenden")
    expect(main(page)).to_contain_text("Bitte bestätigen Sie, dass Ihre Angaben richtig sind.")
    journey.check_page(snapshot=True)
    assert not Case.objects.exists()

    case = submit(journey)
    assert case.status == CaseStatus.AWAITING_PAYMENT and case.fee_cents == 1000
    expect(subline(page)).to_contain_text("Zahlung ausstehend")
    expect(main(page)).to_contain_text("Bitte bezahlen Sie 10,00 €")
    journey.screenshot("online-meldebescheinigung-4-case-awaiting-payment-1280")
    deliver_mail()  # the receipt

    # The payment page: GiroCode and the reference to quote.
    main(page).get_by_role("link", name="Jetzt bezahlen").click()
    page.wait_for_url("**/zahlungen/*/")
    journey.check_page()
    expect(main(page).locator(".girocode svg")).to_be_visible()
    remittance = main(page).locator("dt", has_text="Verwendungszweck").locator("xpath=following-sibling::dd")
    reference = remittance.inner_text().strip()
    assert reference == reference_for_people(case.payment.reference)  # RF... in groups of four
    assert case.payment.reference.startswith("RF")
    journey.screenshot("online-meldebescheinigung-5-payment-1280")

    # The cash office imports the bank statement in the browser.
    staff_journey.login_as(make_case_worker(city["buergeramt"]))
    staff_journey.visit("/verwaltung/zahlungen/")
    statement = tmp_path / "kontoauszug.xml"
    statement.write_bytes(camt053(iban=creditor().iban, credits=[Credit(reference, case.fee_cents)]))
    staff_page = staff_journey.page
    staff_page.get_by_label("Kontoauszug (CAMT.053, XML)").set_input_files(str(statement))
    press(staff_page, "Importieren und abgleichen")
    expect(main(staff_page)).to_contain_text(
        "Kontoauszug importiert: 1 Gutschriften, davon 1 zugeordnet und 0 zu prüfen.")
    staff_journey.check_page()
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED

    deliver_mail()  # the automatic decision
    page.goto(journey.url(f"/antraege/vorgang/{case.reference}/"))
    journey.check_page()
    expect(subline(page)).to_contain_text("entschieden: bewilligt")
    expect(main(page).locator(".case-stages li.is-done")).to_have_count(4)
    expect(main(page)).not_to_contain_text("Jetzt bezahlen")
    journey.screenshot("online-meldebescheinigung-6-case-decided-1280")
    certificate = fetch_pdf(journey, main(page).get_by_role("link", name="Meldebescheinigung (PDF)"))
    assert_sealed(certificate)

    # The receipt is in the Postfach too.
    journey.visit("/postfach/")
    main(page).get_by_role("link", name=f"Antrag eingegangen: {case.reference}").click()
    page.wait_for_url("**/postfach/*/")
    journey.check_page()
    assert_sealed(fetch_pdf(journey, main(page).get_by_role("link", name=f"Eingangsbestätigung {case.reference}")))

    # The office sees the automatically decided case with its full history.
    office_sees_decided_case(staff_journey, case, "Meldebescheinigung")


def office_sees_decided_case(staff_journey, case, document_type: str) -> None:
    staff = staff_journey.page
    staff_journey.visit("/verwaltung/vorgaenge/?status=decided")
    main(staff).get_by_role("link", name=case.reference).click()
    staff.wait_for_url(f"**/verwaltung/vorgaenge/{case.reference}/")
    staff_journey.check_page()
    expect(main(staff)).to_contain_text("entschieden: bewilligt")
    expect(main(staff).locator(".case-timeline")).to_contain_text("Bescheid erstellt")
    expect(main(staff).get_by_role("link", name=document_type)).to_be_visible()
    expect(main(staff).get_by_role("button", name="Bescheid entwerfen")).to_have_count(0)


def test_meldebescheinigung_without_eid_asks_to_confirm_the_identity(phone_journey, city):
    journey = phone_journey
    page = journey.page
    berta = make_citizen("berta.buerger@example.org")
    journey.login_as(berta)

    journey.visit("/leistungen/meldebescheinigung/")
    main(page).get_by_role("link", name="Online beantragen").click()
    page.wait_for_url("**/antraege/neu/meldebescheinigung/")
    journey.check_page()
    narrow_enough(journey, 360)
    expect(main(page)).to_contain_text("Diese Leistung verlangt das Vertrauensniveau „eID substanziell“.")
    expect(main(page).get_by_role("button", name="Antrag starten")).to_have_count(0)
    journey.screenshot("online-meldebescheinigung-no-eid-360")
    main(page).get_by_role("link", name="Identität bestätigen").click()
    page.wait_for_url("**/mein-konto/**")
    journey.check_page()
    expect(page.get_by_role("heading", name="Identität")).to_be_visible()

    # Posting the start form anyway leads to the same place, and no draft exists.
    client = Client()
    client.force_login(berta)
    response = client.post("/antraege/neu/meldebescheinigung/")
    assert response.status_code == 302 and response.url.startswith("/mein-konto/")
    assert not Application.objects.exists()


# --- Sperrmüll ---------------------------------------------------------------------------


def fill_address(page, street: str, number: str, postal_code: str) -> None:
    page.get_by_label("Straße").fill(street)
    page.get_by_label("Hausnummer").fill(number)
    page.get_by_label("Postleitzahl").fill(postal_code)


@pytest.mark.parametrize("width", [1280, 360])
def test_sperrmuell_pickup_day_is_booked_and_confirmed(request, width, city, deliver_mail):
    journey = request.getfixturevalue("journey" if width == 1280 else "phone_journey")
    page = journey.page
    berta = make_citizen("berta.buerger@example.org")
    journey.login_as(berta)

    start_application(journey, "sperrmuell", "Sperrmüll-Abholung", shot=f"online-sperrmuell-1-start-{width}")
    narrow_enough(journey, width)
    application = Application.objects.get()

    if width == 1280:
        # An address outside Darmstadt: a clear German message, nothing saved.
        fill_address(page, "Heinheimer Straße", "20", "10115")
        press(page, "Weiter")
        expect(main(page).get_by_role("alert")).to_contain_text(
            "Diese Adresse liegt nicht in Darmstadt oder die Straße passt nicht zur Postleitzahl.")
        expect(page.get_by_label("Straße")).to_have_value("Heinheimer Straße")  # the input stays
        journey.check_page(snapshot=True)
        application.refresh_from_db()
        assert "adresse" not in application.data and application.completed_steps == []

    fill_address(page, "Heinheimer Straße", "20", "64289")
    press(page, "Weiter")
    page.wait_for_url("**/abholung/")
    journey.check_page()
    expect(main(page)).to_contain_text("Ihr Stadtteil: Darmstadt-Nord")
    days = main(page).locator("input[name=pickup_date]")
    expect(days.first).to_be_visible()
    assert days.count() >= 5
    first_label = main(page).locator("fieldset", has_text="Abholtag").locator("label").first.inner_text()
    assert "(noch 20 frei)" in first_label
    # Before ordering: what is collected and what is not, and until when to order.
    collected = main(page).get_by_role("region", name="Was abgeholt wird und was nicht")
    expect(collected.get_by_role("list").first).to_contain_text("Matratzen und Lattenroste")
    expect(collected.get_by_role("list").nth(1)).to_contain_text("Elektrogeräte")
    expect(collected.get_by_role("list").nth(1)).to_contain_text("Autoreifen")
    expect(main(page).locator("fieldset", has_text="Abholtag")).to_contain_text(
        "Bestellen und absagen können Sie bis 12:00 Uhr, 2 Werktage vor dem Abholtag.")
    journey.screenshot(f"online-sperrmuell-2-step-{width}")
    narrow_enough(journey, width)
    days.first.check()
    chosen = days.first.get_attribute("value")
    page.get_by_label("Was wird abgeholt?").fill("1 Sofa, 2 Stühle, 1 Lattenrost")
    page.get_by_label("Ungefähre Menge").select_option(label="bis 2 m³")
    press(page, "Weiter")
    page.wait_for_url("**/pruefen/")
    journey.check_page()
    expect(main(page)).to_contain_text("Darmstadt-Nord")
    expect(main(page)).to_contain_text("1 Sofa, 2 Stühle, 1 Lattenrost")
    expect(main(page)).to_contain_text("Für diesen Antrag fallen keine Gebühren an.")
    journey.screenshot(f"online-sperrmuell-3-summary-{width}")
    narrow_enough(journey, width)

    pickup = PickupDate.objects.get(district__name="Darmstadt-Nord", date=chosen)
    assert pickup.booked == 0
    case = submit(journey)
    pickup.refresh_from_db()
    assert pickup.booked == 1
    assert case.status == CaseStatus.RECEIVED and case.result["pickup_date"] == chosen
    expect(subline(page)).to_contain_text("eingegangen")
    narrow_enough(journey, width)

    if width != 1280:
        return  # the worker's documents are checked once, at desktop size
    deliver_mail()  # receipt and the automatic order confirmation
    page.reload()
    journey.check_page()
    expect(subline(page)).to_contain_text("entschieden: bewilligt")
    journey.screenshot(f"online-sperrmuell-4-case-{width}")
    narrow_enough(journey, width)
    confirmation = fetch_pdf(journey, main(page).get_by_role("link", name="Auftragsbestätigung Sperrmüll (PDF)"))
    assert_sealed(confirmation)
    text = pdf_text(confirmation)
    assert EAD in text and "06151 13-46000" in text and "Elektrogeräte" in text
    pickup.refresh_from_db()
    assert pickup.booked == 1  # the confirmation does not take a second place
    expect(main(page)).to_contain_text(EAD)  # the responsible body
    staff_journey = request.getfixturevalue("staff_journey")
    staff_journey.login_as(make_case_worker(city["ead"]))
    office_sees_decided_case(staff_journey, case, "Auftragsbestätigung Sperrmüll")

    # Not needed after all: cancelled online before the cut-off, the place is free again.
    main(page).get_by_role("link", name="Abholung absagen").click()
    page.wait_for_url(f"**/antraege/vorgang/{case.reference}/absagen/")
    journey.check_page()
    expect(page.get_by_role("heading", level=1)).to_have_text("Abholung absagen?")
    journey.screenshot(f"online-sperrmuell-5-cancel-{width}")
    press(page, "Ja, Abholung absagen")
    page.wait_for_url(f"**/antraege/vorgang/{case.reference}/")
    journey.check_page()
    expect(main(page).locator(".kern-alert[role=status]")).to_contain_text("Sie haben abgesagt.")
    expect(subline(page)).to_contain_text("abgeschlossen")
    expect(main(page).get_by_role("link", name="Abholung absagen")).to_have_count(0)
    pickup.refresh_from_db()
    assert pickup.booked == 0
    journey.visit("/postfach/")
    expect(main(page)).to_contain_text(f"Abgesagt: {case.reference}")


def test_sperrmuell_draft_resumes_from_the_emailed_link_after_login(journey, city, smtp_server, deliver_mail):
    page = journey.page
    berta = make_citizen("berta.buerger@example.org")
    journey.login_as(berta)
    start_application(journey, "sperrmuell", "Sperrmüll-Abholung")
    fill_address(page, "Heinheimer Str.", "20", "64289")
    press(page, "Speichern und später weitermachen")
    page.wait_for_url("**/antraege/")
    journey.check_page()
    expect(main(page)).to_contain_text("Ihre Angaben sind gespeichert.")
    expect(main(page).get_by_role("link", name="Sperrmüll-Abholung")).to_be_visible()
    application = Application.objects.get()
    assert application.data["adresse"]["street"] == "Heinheimer Straße"  # as the register spells it

    deliver_mail()
    [mail] = [m for m in smtp_server.messages if berta.email in m["to"]]
    assert mail["subject"] == "Ihr Antrag „Sperrmüll-Abholung“: hier geht es weiter"
    link = find_link(mail["body"], f"/antraege/entwurf/{application.uuid}/")
    assert link.startswith(journey.base_url)

    # Signed out (another day, another browser session): the link asks for the login first.
    journey.context.clear_cookies()
    page.goto(link)
    page.wait_for_url("**/konto/login/**")
    journey.check_page()
    page.get_by_label("E-Mail-Adresse").fill(berta.email)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    main(page).get_by_role("button", name="Anmeldung").click()
    page.wait_for_url(f"**/antraege/entwurf/{application.uuid}/abholung/")
    journey.check_page()
    expect(main(page)).to_contain_text("Ihr Stadtteil: Darmstadt-Nord")
    # The saved step is marked done and still holds the address.
    main(page).get_by_role("link", name=re.compile("Abholadresse")).click()
    expect(page.get_by_label("Straße")).to_have_value("Heinheimer Straße")
    expect(page.get_by_label("Hausnummer")).to_have_value("20")


# --- Hundesteuer -------------------------------------------------------------------------


def register_dog(journey, *, other_dogs: int, dangerous: bool, since, reduction="Nein, keine Ermäßigung",
                 born=None) -> None:
    """Keeper and dog; then the upload step if a proof is needed (a dangerous dog or a
    reduction), else straight to the summary."""
    page = journey.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Halterin oder Halter")
    fill_address(page, "Heinheimer Straße", "20", "64289")
    page.get_by_label("Wie viele Hunde halten Sie", exact=False).fill(str(other_dogs))
    press(page, "Weiter")
    page.wait_for_url("**/hund/")
    journey.check_page()
    page.get_by_label("Name des Hundes").fill("Bello")
    page.get_by_label("Rasse oder Mischling").fill("Mischling")
    page.get_by_label("Rüde").check()
    page.get_by_label("Der Hund lebt bei mir seit").fill(since.isoformat())
    if born:
        page.get_by_label("Geburtsdatum des Hundes").fill(born.isoformat())
    if dangerous:
        page.get_by_label("Der Hund gilt als gefährlich", exact=False).check()
    page.get_by_label(reduction, exact=False).check()
    press(page, "Weiter")
    page.wait_for_url("**/nachweise/" if dangerous or not reduction.startswith("Nein") else "**/pruefen/")
    journey.check_page()


def test_hundesteuer_second_dog_is_assessed_by_a_case_worker(journey, staff_journey, city, clock):
    """A dog that came today. In December (the suite's default instant) nothing is owed
    this year: the summary, the assessment and the payment say what the first year
    costs and that it falls due on 1 July; in other months the rest of the year is due."""
    page = journey.page
    berta = make_citizen("berta.buerger@example.org")
    journey.login_as(berta)
    since = clock.today()
    december = since.month == 12

    start_application(journey, "hundesteuer", "Hundesteuer-Anmeldung", shot="online-hundesteuer-1-start-1280")
    # No proof needed (not dangerous, no reduction): no upload step, straight to the summary.
    register_dog(journey, other_dogs=1, dangerous=False, since=since)
    expect(main(page).get_by_role("link", name=re.compile("Nachweise"))).to_have_count(0)
    summary = main(page).locator("dl", has_text="Jahressteuer")
    expect(summary).to_contain_text("Zweiter Hund (Steuer pro Jahr)")
    expect(summary.locator(".kern-description-list-item", has_text="Jahressteuer")).to_contain_text("156,00 €")
    if december:
        expect(summary).to_contain_text(f"Steuer für {since.year + 1} (12 Monate), fällig am")
        expect(summary).to_contain_text(f"1. Juli {since.year + 1}")
    # The box speaks of the tax, not of fees.
    expect(main(page).get_by_role("heading", name="Steuer", exact=True)).to_be_visible()
    expect(main(page)).to_contain_text("Die Hundesteuer setzt das Amt mit dem Steuerbescheid fest: "
                                       "voraussichtlich 156,00 € im Jahr.")
    expect(main(page)).not_to_contain_text("Gebühren")
    journey.screenshot("online-hundesteuer-2-summary-1280")
    case = submit(journey)
    assert case.status == CaseStatus.RECEIVED and case.result["tax"]["annual_cents"] == 15600

    # The case worker: inbox, filter, case, decision.
    staff_journey.login_as(make_case_worker(city["buergeramt"]))
    staff = staff_journey.page
    staff_journey.visit("/verwaltung/vorgaenge/")
    expect(main(staff).get_by_role("status")).to_have_text("1 Vorgang")
    staff.get_by_label("Leistung").select_option(label="Sperrmüll-Abholung")
    press(staff, "Filtern")
    expect(main(staff).get_by_role("status")).to_have_text("0 Vorgänge")
    staff.get_by_label("Leistung").select_option(label="Hundesteuer-Anmeldung")
    staff.get_by_label("Zuständig").select_option(label="niemand")
    press(staff, "Filtern")
    staff_journey.check_page()
    expect(main(staff).get_by_role("status")).to_have_text("1 Vorgang")
    row = main(staff).get_by_role("row", name=re.compile(case.reference))
    expect(row).to_contain_text("Berta Bürger")
    expect(row).to_contain_text("eingegangen")
    staff_journey.screenshot("online-staff-inbox-1280")

    main(staff).get_by_role("link", name=case.reference).click()
    staff.wait_for_url(f"**/verwaltung/vorgaenge/{case.reference}/")
    staff_journey.check_page()
    expect(main(staff)).to_contain_text("156,00 €")
    # The date field shows the case's deadline (ISO value, or the browser shows it empty).
    expect(staff.get_by_label(re.compile(r"^Frist"))).to_have_value(case.due_date.isoformat())
    press(staff, "Mir zuweisen")
    expect(main(staff)).to_contain_text("Der Vorgang ist Ihnen zugewiesen.")
    staff.get_by_label("bewilligen").check()
    press(staff, "Bescheid entwerfen")
    press(staff, "Bescheid jetzt senden")  # after the preview of the letter
    expect(main(staff)).to_contain_text("Der Bescheid wurde erstellt, gesiegelt und zugestellt.")
    staff_journey.check_page()
    staff_journey.screenshot("online-staff-case-decided-1280")
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.decision is not None

    # The citizen: the assessment and a link to pay the tax.
    page.reload()
    journey.check_page()
    expect(subline(page)).to_contain_text("entschieden: bewilligt")
    journey.screenshot("online-hundesteuer-3-case-decided-1280")
    assessment = fetch_pdf(journey, main(page).get_by_role("link", name="Hundesteuerbescheid (PDF)"))
    assert_sealed(assessment)
    text = pdf_text(assessment)
    tax_payment = case.result["tax_payment"]
    if december:
        assert tax_payment["amount_cents"] == 15600 and tax_payment["due_date"] == f"{since.year + 1}-07-01"
        assert f"Für {since.year} ist keine Steuer zu zahlen" in text, text
    else:
        assert tax_payment["amount_cents"] == case.result["tax"]["due_cents"] > 0
    assert reference_for_people(tax_payment["reference"]) in text
    main(page).get_by_role("link", name="Festgesetzte Steuer bezahlen").click()
    page.wait_for_url("**/zahlungen/*/")
    journey.check_page()
    cents = tax_payment["amount_cents"]
    details = main(page).locator("dl").first
    expect(details).to_contain_text(f"{cents // 100},{cents % 100:02d} €")
    due = dt.date.fromisoformat(tax_payment["due_date"])
    with translation.override("de"):
        expect(details.locator(".kern-description-list-item", has_text="Fällig am")).to_contain_text(
            formats.date_format(due, "DATE_FORMAT"))
    journey.screenshot("online-hundesteuer-4-payment-1280")
    expect(main(page)).to_contain_text(reference_for_people(tax_payment["reference"]))
    expect(main(page).locator(".girocode svg")).to_be_visible()


def test_hundesteuer_dangerous_dog_needs_the_insurance_as_a_real_file(journey, city, tmp_path):
    page = journey.page
    berta = make_citizen("berta.buerger@example.org")
    journey.login_as(berta)
    start_application(journey, "hundesteuer", "Hundesteuer-Anmeldung")
    register_dog(journey, other_dogs=0, dangerous=True, since=timezone.localdate() - timedelta(days=40))
    insurance_row = main(page).locator(".evidence-list > li", has_text=INSURANCE)
    expect(insurance_row).to_contain_text("erforderlich")
    journey.screenshot("online-hundesteuer-evidence-1280")

    # Not without the insurance.
    press(page, "Weiter zur Prüfung")
    expect(main(page)).to_contain_text(f"Bitte laden Sie noch diese Nachweise hoch: {INSURANCE}.")
    journey.check_page(snapshot=True)

    # A text file with a .pdf name is refused by its content.
    fake = tmp_path / "versicherung.pdf"
    fake.write_text("Das ist kein PDF, nur Text.\n", encoding="utf-8")
    page.get_by_label("Welcher Nachweis?").select_option(label=INSURANCE)
    page.get_by_label("Datei (PDF, JPEG oder PNG)").set_input_files(str(fake))
    press(page, "Hochladen")
    expect(main(page)).to_contain_text("Die Datei wurde nicht hochgeladen.")
    expect(main(page)).to_contain_text("Bitte laden Sie eine PDF-, JPEG- oder PNG-Datei hoch. "
                                       "Diese Datei hat ein anderes Format.")
    expect(page.get_by_label("Datei (PDF, JPEG oder PNG)")).to_have_attribute("aria-invalid", "true")
    journey.check_page(snapshot=True)
    assert not EvidenceUpload.objects.exists()

    # A real PDF is accepted.
    real = tmp_path / "versicherungsschein.pdf"
    real.write_bytes(real_pdf())
    page.get_by_label("Welcher Nachweis?").select_option(label=INSURANCE)
    page.get_by_label("Datei (PDF, JPEG oder PNG)").set_input_files(str(real))
    press(page, "Hochladen")
    expect(main(page)).to_contain_text("Die Datei wurde hochgeladen.")
    expect(insurance_row).to_contain_text("versicherungsschein.pdf")
    journey.check_page()
    press(page, "Weiter zur Prüfung")
    page.wait_for_url("**/pruefen/")
    journey.check_page()
    expect(main(page)).to_contain_text("Gefährlicher Hund (Steuer pro Jahr)")
    expect(main(page)).to_contain_text("600,00 €")
    expect(main(page)).to_contain_text(f"{INSURANCE}: versicherungsschein.pdf")
    case = submit(journey)
    assert case.uploads.count() == 1
    assert case.uploads.get().document.content_type == "application/pdf"


BEGLEITHUND_PROOF = "Zeugnis der bestandenen Begleithundeprüfung und Nachweis der Haftpflichtversicherung"


def test_hundesteuer_begleithund_reduction_needs_a_young_dog_and_its_proof(journey, phone_journey, city, tmp_path,
                                                                         clock):
    """50 % for a Begleithund, not for a dog older than 8 years: the error is announced on
    the radio group (linked with aria-describedby); with a younger dog the proof is asked
    for, and the summary shows the halved tax."""
    page = journey.page
    berta = make_citizen("berta.buerger@example.org")
    journey.login_as(berta)
    today = clock.today()
    start_application(journey, "hundesteuer", "Hundesteuer-Anmeldung")
    expect(page.get_by_label("Straße")).to_have_value("")  # no eID, no earlier application: nothing to prefill
    fill_address(page, "Heinheimer Straße", "20", "64289")
    page.get_by_label("Wie viele Hunde halten Sie", exact=False).fill("0")
    press(page, "Weiter")
    page.wait_for_url("**/hund/")
    # The checkbox's hint runs under its label, not one word per line in the box's column.
    hint = main(page).locator(".kern-form-check .kern-hint", has_text="Dann gilt der erhöhte Steuersatz")
    assert hint.bounding_box()["height"] < 60, hint.bounding_box()
    page.get_by_label("Name des Hundes").fill("Bello")
    page.get_by_label("Rasse oder Mischling").fill("Mischling")
    page.get_by_label("Rüde").check()
    page.get_by_label("Der Hund lebt bei mir seit").fill((today - timedelta(days=10)).isoformat())
    page.get_by_label("Geburtsdatum des Hundes").fill(today.replace(year=today.year - 9).isoformat())
    page.get_by_label("Begleithund", exact=False).check()
    press(page, "Weiter")
    journey.check_page(snapshot=True)
    message = ("Für Hunde, die älter als 8 Jahre sind, gibt es keine Ermäßigung als Begleithund. "
               "Bitte wählen Sie eine andere Möglichkeit.")
    option = page.get_by_label("Begleithund", exact=False)
    expect(option).to_have_attribute("aria-invalid", "true")
    expect(option).to_have_accessible_description(re.compile(re.escape(message)))
    journey.screenshot("online-hundesteuer-reduction-error-1280")
    # The dog's step on a phone: the reduction question fits, axe finds nothing.
    phone_journey.login_as(berta)
    phone_journey.visit(page.url.split(journey.base_url, 1)[1])
    narrow_enough(phone_journey, 360)
    phone_journey.screenshot("online-hundesteuer-dog-step-360")

    page.get_by_label("Geburtsdatum des Hundes").fill(today.replace(year=today.year - 3).isoformat())
    page.get_by_label("Begleithund", exact=False).check()
    press(page, "Weiter")
    page.wait_for_url("**/nachweise/")
    journey.check_page()
    rows = main(page).locator(".evidence-list > li")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(BEGLEITHUND_PROOF)
    expect(rows.first).to_contain_text("erforderlich")
    proof = tmp_path / "begleithundepruefung.pdf"
    proof.write_bytes(real_pdf())
    page.get_by_label("Datei (PDF, JPEG oder PNG)").set_input_files(str(proof))
    press(page, "Hochladen")
    expect(main(page)).to_contain_text("Die Datei wurde hochgeladen.")
    press(page, "Weiter zur Prüfung")
    page.wait_for_url("**/pruefen/")
    journey.check_page()
    expect(main(page)).to_contain_text("50 % (Begleithund, nach Prüfung des Nachweises)")
    expect(main(page)).to_contain_text("voraussichtlich 60,00 € im Jahr")
    case = submit(journey)
    assert case.result["tax"]["annual_cents"] == 6000 and case.result["tax"]["reduction"]["percent"] == 50
    assert case.uploads.get().evidence.name_de == BEGLEITHUND_PROOF
