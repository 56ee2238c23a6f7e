"""Online services from application to decision, as citizens and case workers use them.

Citizens apply in the browser (steps, evidence upload, summary, submission), pay by bank
transfer (a CAMT.053 statement is imported), answer evidence requests on the case page;
case workers log in with password and a real TOTP code, work the inbox and the case page
and decide. Receipts and e-mails go through the real task worker; decisions are sealed
PDFs that pyHanko validates against the development trust root.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from digitalstadt.testing.clock import fresh_totp
from digitalstadt.testing.fixtures import run_worker_batch
from digitalstadt.testing.pdf import pdf_text

from .conftest import DESKTOP, SCREENSHOTS, Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Martinsviertel-Ost-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPCASEWORKE234567A"
PERMIT_EVIDENCE = "Fahrzeugschein (Zulassungsbescheinigung Teil I)"
ID_EVIDENCE = "Personalausweis oder Reisepass"
OFFICES = [
    ("buergeramt", "Bürger- und Ordnungsamt", "Luisenplatz 5", "64283"),
    ("wirtschaftsfoerderung", "Wirtschaftsförderung Darmstadt", "Luisenplatz 5A", "64283"),
    ("strassenverkehrsamt", "Straßenverkehrs- und Tiefbauamt (Parkraum)", "Bessunger Straße 125", "64295"),
]


# --- test data ----------------------------------------------------------------------------


def small_pdf(text: str = "Zulassungsbescheinigung Teil I") -> bytes:
    """A real one-page PDF (valid cross-reference table), a few hundred bytes."""
    stream = f"BT /F1 18 Tf 40 100 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def small_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), "white")
    ImageDraw.Draw(image).text((20, 90), "Nutzungsvereinbarung Firmenwagen", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def world(settings):
    """Offices, the catalogue and register demo data, the development seal, an empty
    cache (rate limits and used TOTP codes must not leak between tests)."""
    from django.core.cache import cache

    from digitalstadt.accounts.models import Organisation, OrganisationKind
    from digitalstadt.catalog import demo as catalog_demo
    from digitalstadt.core import signing
    from digitalstadt.register import demo as register_demo

    cache.clear()
    offices = {}
    for slug, name, street, postal_code in OFFICES:
        offices[slug], _ = Organisation.objects.get_or_create(slug=slug, defaults={
            "name": name, "kind": OrganisationKind.OFFICE, "street": street, "postal_code": postal_code,
            "city": "Darmstadt"})
    catalog_demo.seed()
    register_demo.seed()
    signing.load_signer.cache_clear()
    signing.trust_roots.cache_clear()
    signing.ensure_dev_seal()
    yield offices
    cache.clear()
    signing.load_signer.cache_clear()
    signing.trust_roots.cache_clear()


def make_citizen(email: str, first: str, last: str):
    from allauth.account.models import EmailAddress

    from digitalstadt.accounts.models import AssuranceLevel, User

    user = User.objects.create_user(email=email, password=PASSWORD, first_name=first, last_name=last,
                                    assurance_level=AssuranceLevel.EMAIL, assurance_source="e-mail")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_case_worker(email: str, first: str, last: str, offices: list):
    from allauth.account.models import EmailAddress
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User

    user = User.objects.create_user(email=email, password=PASSWORD, first_name=first, last_name=last)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    for office in offices:
        StaffRole.objects.create(user=user, role=StaffRoleKind.CASE_WORKER, office=office)
    TOTP.activate(user, TOTP_SECRET)
    RecoveryCodes.activate(user)
    return user


@pytest.fixture
def second_journey(browser, live_server, clock):
    """A second desktop browser (the case worker next to the citizen)."""
    j = Journey(browser, live_server.url, DESKTOP, clock)
    yield j
    j.close()


# --- browser helpers ---------------------------------------------------------------------


def main(page):
    return page.locator("main")



def staff_log_in(journey, user, *, next_path: str = "/verwaltung/vorgaenge/") -> None:
    """Password, then a real TOTP code (no bypass), as a case worker does it."""
    page = journey.page
    journey.visit(f"/konto/login/?next={next_path}", check=False)
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).get_by_role("button").first.click()
    page.wait_for_url(re.compile(r".*/konto/2fa/authenticate/.*"))
    page.fill("input[name=code]", fresh_totp(TOTP_SECRET))
    page.locator("form").filter(has=page.locator("input[name=code]")).get_by_role("button").first.click()
    page.wait_for_url(journey.url(next_path))


def click_and_load(page, locator) -> None:
    locator.click()
    page.wait_for_load_state("load")


def alert_text(page) -> str:
    return " ".join(main(page).locator(".kern-alert").all_inner_texts())


def duplicate_ids(page) -> list[str]:
    return page.evaluate("""() => {
        const seen = {};
        document.querySelectorAll('[id]').forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
        return Object.keys(seen).filter(id => seen[id] > 1);
    }""")


def fits_phone(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def fetch(journey, href: str):
    """GET with the browser's cookies (how the browser downloads a file)."""
    return journey.context.request.get(href if href.startswith("http") else journey.url(href))


def post_with_csrf(journey, path: str, data: dict | None = None):
    """A form POST with the session's CSRF token (so a 404 is the permission check, not CSRF)."""
    from django.conf import settings

    if not any(c["name"] == settings.CSRF_COOKIE_NAME for c in journey.context.cookies()):
        journey.page.goto(journey.url("/mein-konto/"))  # a page with a form sets the cookie
    token = next(c["value"] for c in journey.context.cookies() if c["name"] == settings.CSRF_COOKIE_NAME)
    return journey.context.request.post(journey.url(path), form={"csrfmiddlewaretoken": token, **(data or {})},
                                        headers={"Referer": journey.page.url}, fail_on_status_code=False)


def render_pdf_png(pdf: bytes, name: str) -> None:
    """Page 1 of a PDF as a PNG next to the journey screenshots (for a human look)."""
    if not shutil.which("pdftoppm"):
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", "-",
                    str(SCREENSHOTS / name)], input=pdf, check=True)


def assert_sealed_by_dev_root(pdf: bytes) -> None:
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from digitalstadt.core import signing

    root = load_cert_from_pemder(str(signing.signing_dir() / signing.DEV_ROOT_FILE))
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    # pyHanko calls asyncio.run(): not in Playwright's event-loop thread.
    status = signing._outside_event_loop(
        validate_pdf_signature, signature, ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def pay_by_bank_transfer(case) -> None:
    """The city's bank statement (CAMT.053) with the citizen's transfer is imported."""
    from digitalstadt.payments.conf import creditor
    from digitalstadt.payments.services import statement_import_camt053
    from digitalstadt.testing.camt import Credit, camt053

    case.refresh_from_db()
    payment = case.payment
    content = camt053(iban=creditor().iban, credits=[Credit(payment.reference, payment.amount_cents)])
    statement_import_camt053(content=content, filename=f"auszug-{case.reference}.xml")
    case.refresh_from_db()


def start_application(journey, slug: str, service_name: str, *, check: bool = True) -> None:
    page = journey.page
    journey.visit(f"/leistungen/{slug}/", check=check)
    expect(page.get_by_role("heading", level=1)).to_contain_text(service_name)
    click_and_load(page, main(page).get_by_role("link", name="Online beantragen"))
    assert page.url == journey.url(f"/antraege/neu/{slug}/")
    if check:
        journey.check_page()
    click_and_load(page, main(page).get_by_role("button", name="Antrag starten"))
    assert re.search(r"/antraege/entwurf/[0-9a-f-]{36}/[a-z]+/$", page.url), page.url
    journey.check_page()


def upload_evidence(journey, evidence_name: str, filename: str, content: bytes, mime: str) -> None:
    page = journey.page
    main(page).get_by_label("Welcher Nachweis?").select_option(label=evidence_name)
    main(page).get_by_label("Datei (PDF, JPEG oder PNG)").set_input_files(
        files=[{"name": filename, "mimeType": mime, "buffer": content}])
    click_and_load(page, main(page).get_by_role("button", name="Hochladen"))
    expect(page.get_by_text("Die Datei wurde hochgeladen.")).to_be_visible()


def submit_summary(journey) -> str:
    page = journey.page
    main(page).get_by_label("Ich versichere, dass meine Angaben vollständig und richtig sind.").check()
    click_and_load(page, main(page).get_by_role("button", name="Verbindlich absenden"))
    match = re.search(r"/antraege/vorgang/([A-Z]+-\d{4}-\d{6})/$", page.url)
    assert match, page.url
    journey.check_page()
    return match.group(1)


def decide(journey, outcome: str, reason: str = "") -> None:
    page = journey.page
    main(page).get_by_label(outcome, exact=True).check()
    if reason:
        main(page).get_by_label(re.compile("^Begründung")).fill(reason)
    click_and_load(page, main(page).get_by_role("button", name="Bescheid entwerfen"))
    if page.url.endswith("/bescheid/"):  # drafted: the preview of the letter, then send
        expect(main(page).get_by_role("heading", name="Vorschau des Bescheids")).to_be_visible()
        click_and_load(page, main(page).get_by_role("button", name="Bescheid jetzt senden"))


# --- cases made through the services (for journeys that start at the office) ----------------


def submitted_permit_case(citizen, *, plate: str = "DA-XY 77", paid: bool = True):
    """A submitted (and by default paid) permit application. The receipt task stays in
    the queue: these journeys do not need it and PDF rendering is slow."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from digitalstadt.applications import services
    from digitalstadt.catalog.models import Evidence, Service

    service = Service.objects.get(slug="bewohnerparkausweis")
    application = services.application_start(service=service, user=citizen)
    services.application_save_step(application=application, step_key="adresse", user=citizen, cleaned={
        "street": "Liebfrauenstraße", "house_number": "14", "postal_code": "64289"})
    services.application_save_step(application=application, step_key="fahrzeug", user=citizen, cleaned={
        "plate": plate, "vehicle": "", "use": "own", "duration": "year", "valid_from": timezone.localdate()})
    services.application_upload_evidence(
        application=application, evidence=Evidence.objects.get(service=service, name_de=PERMIT_EVIDENCE),
        uploaded=SimpleUploadedFile("fahrzeugschein.pdf", small_pdf(), "application/pdf"), user=citizen)
    case = services.application_submit(application=application, user=citizen)
    if paid:
        pay_by_bank_transfer(case)
    return case


# --- 1. Bewohnerparkausweis ---------------------------------------------------------------


def test_resident_permit_from_application_to_sealed_permit(journey, second_journey, phone_journey, world):
    from digitalstadt.applications.models import Application, Case, CaseStatus, EvidenceRequest
    from digitalstadt.core.models import AuditEntry
    from digitalstadt.parking.models import ResidentPermit

    citizen = make_citizen("lena.hofmann@example.org", "Lena", "Hofmann")
    worker = make_case_worker("parkraum.sb@darmstadt.example", "Petra", "Parkraum",
                              [world["strassenverkehrsamt"]])
    page = journey.page
    journey.login_as(citizen)

    # Start from the service description.
    start_application(journey, "bewohnerparkausweis", "Bewohnerparkausweis")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wohnadresse")

    # An address outside every zone: a clear German error, nothing saved.
    main(page).get_by_label("Straße", exact=True).fill("Luisenplatz")
    main(page).get_by_label("Hausnummer").fill("5")
    main(page).get_by_label("Postleitzahl").fill("64283")
    click_and_load(page, main(page).get_by_role("button", name="Weiter", exact=True))
    expect(main(page).locator(".kern-alert--danger")).to_contain_text(
        "Für diese Adresse gibt es keine Bewohnerparkzone.")
    journey.check_page(snapshot=True)
    application = Application.objects.get(applicant=citizen)
    assert "adresse" not in application.data and "adresse" not in application.completed_steps

    # The address in zone WA1.
    main(page).get_by_label("Straße", exact=True).fill("Heinheimer Straße")
    main(page).get_by_label("Hausnummer").fill("20")
    main(page).get_by_label("Postleitzahl").fill("64289")
    click_and_load(page, main(page).get_by_role("button", name="Weiter", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fahrzeug")
    journey.check_page()

    # The plate as people type it.
    main(page).get_by_label("Kennzeichen").fill("da ab 123")
    main(page).get_by_label(re.compile("^Hersteller und Modell")).fill("VW Up")
    click_and_load(page, main(page).get_by_role("button", name="Weiter", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nachweise")
    application.refresh_from_db()
    assert application.data["fahrzeug"]["plate"] == "DA-AB 123"

    # Without the vehicle registration the summary is out of reach.
    click_and_load(page, main(page).get_by_role("button", name="Weiter zur Prüfung"))
    expect(main(page).locator(".kern-alert--danger, .kern-alert--error").first).to_contain_text(PERMIT_EVIDENCE)
    upload_evidence(journey, PERMIT_EVIDENCE, "fahrzeugschein.pdf", small_pdf(), "application/pdf")
    expect(main(page).get_by_text("fahrzeugschein.pdf")).to_be_visible()
    journey.check_page()
    journey.screenshot("application-evidence-1280")

    # Summary: the zone from the register, the normalised plate, the fee.
    click_and_load(page, main(page).get_by_role("button", name="Weiter zur Prüfung"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Prüfen und absenden")
    journey.check_page()
    summary = main(page).inner_text().replace("\u00a0", " ")
    assert "Martinsviertel-Ost (WA1)" in summary
    assert "DA-AB 123" in summary
    assert "120,00 €" in summary
    assert "fahrzeugschein.pdf" in summary
    reference = submit_summary(journey)
    case = Case.objects.get(reference=reference)
    assert case.status == CaseStatus.AWAITING_PAYMENT and case.fee_cents == 12000
    assert case.result["zone"]["code"] == "WA1"
    expect(main(page)).to_contain_text("Bitte bezahlen Sie 120,00")

    # The receipt comes from the task worker; the fee arrives by bank transfer.
    run_worker_batch()
    case.refresh_from_db()
    assert case.receipt is not None
    pay_by_bank_transfer(case)
    assert case.status == CaseStatus.RECEIVED

    # The case worker finds it in the inbox with the filters.
    staff = second_journey
    spage = staff.page
    staff_log_in(staff, worker)
    spage.get_by_label("Status").select_option(label="alle offenen")
    spage.get_by_label("Leistung").select_option(label="Bewohnerparkausweis")
    click_and_load(spage, main(spage).get_by_role("button", name="Filtern"))
    staff.check_page()
    assert "service=bewohnerparkausweis" in spage.url and "status=open" in spage.url
    row = main(spage).locator("tbody tr").filter(has_text=reference)
    expect(row).to_contain_text("Lena Hofmann")
    expect(row).to_contain_text("eingegangen")
    staff.screenshot("staff-inbox-1280")

    # The case page; the staff read is audit-logged.
    click_and_load(spage, row.get_by_role("link", name=reference))
    assert spage.url == staff.url(f"/verwaltung/vorgaenge/{reference}/")
    staff.check_page()
    assert AuditEntry.objects.filter(action="applications.case_viewed_by_staff", actor=worker,
                                     subject_id=str(case.pk)).exists()
    expect(main(spage)).to_contain_text("WA1")
    # Several forms on one page: every id unique, so each label names its own field.
    assert duplicate_ids(spage) == []
    click_and_load(spage, main(spage).get_by_role("button", name="Mir zuweisen"))
    expect(spage.get_by_text("Der Vorgang ist Ihnen zugewiesen.")).to_be_visible()

    # The uploaded evidence downloads byte for byte (and that read is logged too).
    link = main(spage).get_by_role("link", name="fahrzeugschein.pdf")
    response = fetch(staff, link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body() == small_pdf()
    assert AuditEntry.objects.filter(action="document.read_by_staff", actor=worker).exists()

    # The worker asks for more evidence.
    request_text = "Bitte laden Sie die Nutzungsvereinbarung für den Firmenwagen hoch."
    main(spage).get_by_label("Was fehlt? (geht an die antragstellende Person)").fill(request_text)
    click_and_load(spage, main(spage).get_by_role("button", name="Nachweis anfordern"))
    expect(main(spage)).to_contain_text("Bitte bestätigen")  # the confirmation step
    click_and_load(spage, main(spage).get_by_role("button", name="Anforderung senden"))
    expect(spage.get_by_text("Die Anforderung ist im Postfach der antragstellenden Person.")).to_be_visible()
    staff.screenshot("staff-case-1280")
    case.refresh_from_db()
    assert case.status == CaseStatus.EVIDENCE_REQUESTED

    # The same pages on a phone (same signed-in session).
    phone = phone_journey
    phone.context.add_cookies(staff.context.cookies())
    phone.visit("/verwaltung/vorgaenge/")
    expect(main(phone.page).get_by_role("link", name=reference)).to_be_visible()
    assert fits_phone(phone.page) <= 360, "staff inbox scrolls sideways on a phone"
    phone.screenshot("staff-inbox-360")
    phone.visit(f"/verwaltung/vorgaenge/{reference}/")
    assert fits_phone(phone.page) <= 360, "staff case page scrolls sideways on a phone"
    phone.screenshot("staff-case-360")

    # The citizen sees the request on the case page and in the Postfach.
    journey.visit(f"/antraege/vorgang/{reference}/")
    expect(main(page).get_by_role("heading", name="Das Amt benötigt noch etwas von Ihnen")).to_be_visible()
    expect(main(page)).to_contain_text(request_text)
    journey.visit("/postfach/", check=False)
    expect(main(page).get_by_role("link", name=f"Nachweis benötigt: {reference}")).to_be_visible()
    click_and_load(page, main(page).get_by_role("link", name=f"Nachweis benötigt: {reference}"))
    journey.check_page()
    expect(main(page)).to_contain_text(request_text)

    # ... and answers with a photo.
    journey.visit(f"/antraege/vorgang/{reference}/", check=False)
    main(page).get_by_label(re.compile("^Ihre Nachricht an das Amt")).fill("Anbei die Vereinbarung.")
    main(page).get_by_label("Dateien (PDF, JPEG oder PNG)").set_input_files(
        files=[{"name": "vereinbarung.png", "mimeType": "image/png", "buffer": small_png()}])
    click_and_load(page, main(page).get_by_role("button", name="Antwort senden"))
    expect(page.get_by_text("Ihre Antwort ist beim Amt eingegangen.")).to_be_visible()
    expect(main(page).get_by_role("heading", name="Das Amt benötigt noch etwas von Ihnen")).to_have_count(0)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert EvidenceRequest.objects.get(case=case).answered_at is not None

    # The case worker sees the answer and approves.
    spage.reload()
    expect(main(spage).get_by_role("link", name="vereinbarung.png")).to_be_visible()
    expect(main(spage)).to_contain_text("Anbei die Vereinbarung.")
    decide(staff, "bewilligen")
    expect(spage.get_by_text("Der Bescheid wurde erstellt, gesiegelt und zugestellt.")).to_be_visible()
    staff.check_page()
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.decision is not None

    # The permit exists and its sealed PDF is the decision.
    permit = ResidentPermit.objects.get(case_reference=reference)
    assert (permit.plate, permit.zone.code, permit.holder_id) == ("DA-AB 123", "WA1", citizen.pk)
    assert permit.document_id == case.decision_id
    assert case.result["permit_number"] == permit.number

    journey.visit(f"/antraege/vorgang/{reference}/")
    decision_link = main(page).get_by_role("link", name="Bewohnerparkausweis (PDF)")
    expect(decision_link).to_be_visible()
    response = fetch(journey, decision_link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert_sealed_by_dev_root(pdf)
    flat = pdf_text(pdf)
    assert "DA-AB 123" in flat and "WA1" in flat and "Martinsviertel-Ost" in flat, flat[:2000]
    assert permit.number in flat
    render_pdf_png(pdf, "permit-decision-pdf")
    journey.visit("/postfach/", check=False)
    expect(main(page).get_by_role("link", name=f"Bescheid zu {reference}")).to_be_visible()


# --- 2. Gewerbeanmeldung --------------------------------------------------------------------


def test_business_registration_with_receipt_and_json_export(journey, second_journey, world):
    from jsonschema import Draft202012Validator

    from digitalstadt.applications.exports.gewerbe import JSON_SCHEMA
    from digitalstadt.applications.models import Application, Case, CaseStatus

    citizen = make_citizen("jonas.weber@example.org", "Jonas", "Weber")
    worker = make_case_worker("gewerbe.sb@darmstadt.example", "Gerd", "Gewerbe", [world["wirtschaftsfoerderung"]])
    page = journey.page
    journey.login_as(citizen)
    start_application(journey, "gewerbeanmeldung", "Gewerbeanmeldung", check=False)  # pages as in journey 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Angaben zur Person")

    form = main(page)
    form.get_by_label("Familienname").fill("Weber")
    form.get_by_label("Vornamen").fill("Jonas")
    form.get_by_label("männlich").check()
    form.get_by_label("Geburtsdatum").fill("1988-07-14")
    form.get_by_label("Geburtsort und -land").fill("Darmstadt, Deutschland")
    form.get_by_label("Anschrift der Wohnung (Straße, Hausnummer, PLZ, Ort)").fill(
        "Liebfrauenstraße 14, 64289 Darmstadt")
    click_and_load(page, form.get_by_role("button", name="Weiter", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Angaben zum Betrieb")
    journey.check_page()

    # A GmbH without its registered name: the error at the field, nothing saved.
    form.get_by_label("Rechtsform", exact=True).select_option(label="Gesellschaft mit beschränkter Haftung (GmbH)")
    form.get_by_label("Betriebsstätte: Straße").fill("Rheinstraße")
    form.get_by_label("Betriebsstätte: Hausnummer").fill("12a")
    form.get_by_label("Betriebsstätte: Postleitzahl").fill("64283")
    form.get_by_label("Angemeldete Tätigkeit (genaue Beschreibung)").fill(
        "Entwicklung und Vertrieb von Software für Lastenrad-Kuriere")
    start = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    form.get_by_label("Beginn der Tätigkeit").fill(start)
    form.get_by_label("Sonstiges").check()
    click_and_load(page, form.get_by_role("button", name="Weiter", exact=True))
    company = form.get_by_label(re.compile("^Name des Betriebs"))
    expect(form.locator("#id_company_name_error")).to_have_text(
        "Bei dieser Rechtsform geben Sie bitte den Namen laut Register an.")
    expect(company).to_have_attribute("aria-invalid", "true")
    journey.check_page(snapshot=True)
    assert "betrieb" not in Application.objects.get(applicant=citizen).data
    company.fill("Weber Radlogistik GmbH")
    form.get_by_label(re.compile("^Registergericht")).fill("Amtsgericht Darmstadt")
    form.get_by_label(re.compile("^Registernummer")).fill("HRB 98765")
    click_and_load(page, form.get_by_role("button", name="Weiter", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nachweise")

    upload_evidence(journey, ID_EVIDENCE, "ausweis.pdf", small_pdf("Personalausweis"), "application/pdf")
    click_and_load(page, main(page).get_by_role("button", name="Weiter zur Prüfung"))
    journey.check_page()
    summary = main(page).inner_text().replace("\u00a0", " ")
    assert "Weber Radlogistik GmbH" in summary and "26,00 €" in summary
    reference = submit_summary(journey)
    case = Case.objects.get(reference=reference)
    assert case.office == world["wirtschaftsfoerderung"] and case.applicant_name == "Jonas Weber"
    pay_by_bank_transfer(case)  # (the receipt is journey 1's business: its task stays queued)
    assert case.status == CaseStatus.RECEIVED

    # No export before the decision.
    staff = second_journey
    spage = staff.page
    staff_log_in(staff, worker, next_path=f"/verwaltung/vorgaenge/{reference}/")
    expect(main(spage).get_by_role("link", name="Gewerbeanzeige als JSON herunterladen")).to_have_count(0)
    assert fetch(staff, f"/verwaltung/vorgaenge/{reference}/export.json").status == 404

    decide(staff, "bewilligen")
    expect(spage.get_by_text("Der Bescheid wurde erstellt, gesiegelt und zugestellt.")).to_be_visible()
    staff.check_page()
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert case.decision.document_type == "Empfangsbescheinigung Gewerbeanmeldung"

    # The export downloads as JSON and is valid against the published schema.
    export_link = main(spage).get_by_role("link", name="Gewerbeanzeige als JSON herunterladen")
    with spage.expect_download() as download_info:
        export_link.click()
    download = download_info.value
    assert download.suggested_filename == f"{reference}-gewerbeanzeige.json"
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    validator = Draft202012Validator(JSON_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, errors
    assert json.dumps(document, ensure_ascii=False).count("Weber Radlogistik GmbH") >= 1

    # The citizen gets the sealed Empfangsbescheinigung.
    journey.visit(f"/antraege/vorgang/{reference}/")
    link = main(page).get_by_role("link", name="Empfangsbescheinigung Gewerbeanmeldung (PDF)")
    response = fetch(journey, link.get_attribute("href"))
    assert response.status == 200
    pdf = response.body()
    assert_sealed_by_dev_root(pdf)
    flat = pdf_text(pdf)
    assert "Weber Radlogistik GmbH" in flat and reference in flat, flat[:2000]


# --- 3. Rejection ---------------------------------------------------------------------------


def test_rejection_needs_a_reason_and_delivers_a_sealed_rejection(journey, world):
    from digitalstadt.applications.models import CaseStatus
    from digitalstadt.core.models import AuditEntry

    citizen = make_citizen("mara.klein@example.org", "Mara", "Klein")
    worker = make_case_worker("parkraum2.sb@darmstadt.example", "Paul", "Parker", [world["strassenverkehrsamt"]])
    case = submitted_permit_case(citizen)
    assert case.status == CaseStatus.RECEIVED
    page = journey.page
    staff_log_in(journey, worker, next_path=f"/verwaltung/vorgaenge/{case.reference}/")
    decisions_before = AuditEntry.objects.filter(action="applications.case_decided").count()

    decide(journey, "ablehnen")
    expect(main(page).locator("#id_decision_reason_error")).to_have_text("Eine Ablehnung braucht eine Begründung.")
    expect(main(page).get_by_label(re.compile("^Begründung"))).to_have_attribute("aria-invalid", "true")
    journey.check_page(snapshot=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED and case.decision is None
    assert AuditEntry.objects.filter(action="applications.case_decided").count() == decisions_before

    reason = "Sie sind unter dieser Anschrift nicht mit Hauptwohnung gemeldet."
    decide(journey, "ablehnen", reason)
    expect(page.get_by_text("Der Bescheid wurde erstellt, gesiegelt und zugestellt.")).to_be_visible()
    journey.check_page()
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and case.decision_reason == reason
    assert case.decision.document_type == "Ablehnungsbescheid"
    from digitalstadt.parking.models import ResidentPermit

    assert not ResidentPermit.objects.filter(case_reference=case.reference).exists()

    # The citizen's copy: sealed, with the reason.
    journey.context.clear_cookies()
    journey.login_as(citizen)
    journey.visit(f"/antraege/vorgang/{case.reference}/")
    expect(main(page)).to_contain_text("entschieden: abgelehnt")
    link = main(page).get_by_role("link", name="Ablehnungsbescheid (PDF)")
    pdf = fetch(journey, link.get_attribute("href")).body()
    assert_sealed_by_dev_root(pdf)
    assert reason in pdf_text(pdf)
    render_pdf_png(pdf, "rejection-decision-pdf")


# --- 4. Privacy -----------------------------------------------------------------------------


def test_other_citizens_and_other_offices_see_nothing(journey, second_journey, world):
    from digitalstadt.applications import services
    from digitalstadt.catalog.models import Service

    owner = make_citizen("frieda.wolf@example.org", "Frieda", "Wolf")
    stranger = make_citizen("tom.neugier@example.org", "Tom", "Neugier")
    own_worker = make_case_worker("parkraum3.sb@darmstadt.example", "Pia", "Parkraum",
                                  [world["strassenverkehrsamt"]])
    other_worker = make_case_worker("buergeramt.sb@darmstadt.example", "Bodo", "Bürgeramt", [world["buergeramt"]])
    case = submitted_permit_case(owner, paid=False)  # the payment page is still open
    draft = services.application_start(service=Service.objects.get(slug="gewerbeanmeldung"), user=owner)
    evidence_document = case.uploads.get().document

    # The owner reaches every page (proves the URLs are right).
    journey.login_as(owner)
    owner_urls = [
        f"/antraege/vorgang/{case.reference}/",
        f"/antraege/entwurf/{draft.uuid}/person/",
        f"/antraege/entwurf/{draft.uuid}/pruefen/",
        f"/dokumente/{evidence_document.uuid}/",
        f"/zahlungen/{case.payment.uuid}/",
    ]
    for url in owner_urls:
        assert fetch(journey, url).status == 200, url
    pay_by_bank_transfer(case)
    services.case_decide(case=case, approve=True, reason="", actor=own_worker)
    case.refresh_from_db()
    assert fetch(journey, f"/dokumente/{case.decision.uuid}/").status == 200

    # Another citizen: 404 everywhere, no hint that anything exists.
    journey.context.clear_cookies()
    journey.login_as(stranger)
    for url in [*owner_urls, f"/antraege/entwurf/{draft.uuid}/", f"/antraege/entwurf/{draft.uuid}/nachweise/",
                f"/dokumente/{case.decision.uuid}/"]:
        response = journey.visit(url, check=False)
        assert response.status == 404, url
    journey.check_page()
    expect(journey.page.get_by_role("heading", level=1)).to_be_visible()
    # A POST to the draft changes nothing either.
    assert post_with_csrf(journey, f"/antraege/entwurf/{draft.uuid}/loeschen/").status == 404
    draft.refresh_from_db()

    # A case worker of another office: 404 on the case page, not in the inbox.
    staff = second_journey
    staff_log_in(staff, other_worker)
    staff.check_page()
    staff.page.get_by_label("Status").select_option(label="alle")
    click_and_load(staff.page, main(staff.page).get_by_role("button", name="Filtern"))
    expect(main(staff.page)).not_to_contain_text(case.reference)
    expect(main(staff.page).get_by_role("status")).to_have_text("0 Vorgänge")
    for url in [f"/verwaltung/vorgaenge/{case.reference}/", f"/dokumente/{evidence_document.uuid}/",
                f"/dokumente/{case.decision.uuid}/"]:
        assert staff.visit(url, check=False).status == 404, url
    assert post_with_csrf(staff, f"/verwaltung/vorgaenge/{case.reference}/uebernehmen/").status == 404
    case.refresh_from_db()
    assert case.assigned_to_id == own_worker.pk


# --- 5. Case work: answer marker, preview before sending, revocation -------------------------


def test_answered_case_preview_send_and_revoke_with_plate_check(journey, phone_journey, world):
    """From the staff home: the inbox filter "Antwort eingegangen", the case, a decision
    drafted, previewed and sent after confirming, then the permit revoked with a reason,
    and the plate check answers "widerrufen"."""
    from digitalstadt.accounts.models import StaffRole, StaffRoleKind
    from digitalstadt.applications import services
    from digitalstadt.applications.models import Case, CaseStatus
    from digitalstadt.core.models import AuditEntry
    from digitalstadt.mailbox.models import Message
    from digitalstadt.parking.models import ResidentPermit

    citizen = make_citizen("jana.klein@example.org", "Jana", "Klein")
    worker = make_case_worker("parkraum5.sb@darmstadt.example", "Paul", "Parkraum", [world["strassenverkehrsamt"]])
    StaffRole.objects.create(user=worker, role=StaffRoleKind.PARKING_ENFORCEMENT)
    answered = submitted_permit_case(citizen, plate="DA-JK 55")
    quiet = submitted_permit_case(make_citizen("otto.still@example.org", "Otto", "Still"), plate="DA-OS 1")
    services.case_change_status(case=answered, status=CaseStatus.IN_REVIEW, actor=worker)
    request = services.case_request_evidence(case=answered, text="Bitte die Rückseite des Fahrzeugscheins.",
                                             due_date=None, actor=worker)
    services.evidence_request_answer(request=request, text="Anbei die Rückseite.", files=[], user=citizen)
    reference = answered.reference

    page = journey.page
    staff_log_in(journey, worker, next_path="/verwaltung/")
    journey.check_page()
    # The staff home says what waits, and its count leads to exactly those cases.
    expect(main(page)).to_contain_text(re.compile(r"\d+ offene Vorgänge"))
    click_and_load(page, main(page).get_by_role("link", name="1 Antwort eingegangen"))
    expect(main(page)).not_to_contain_text(quiet.reference)
    expect(main(page)).to_contain_text(reference)
    # The staff navigation leads to the whole inbox.
    click_and_load(page, page.get_by_role("navigation", name="Verwaltung: Arbeitsbereiche")
                   .get_by_role("link", name="Vorgänge (Online-Anträge)"))
    expect(main(page).locator("tbody tr").filter(has_text=reference)).to_contain_text("Antwort eingegangen")
    expect(main(page)).to_contain_text(quiet.reference)
    main(page).get_by_label("Antwort eingegangen").check()
    click_and_load(page, main(page).get_by_role("button", name="Filtern"))
    expect(main(page)).not_to_contain_text(quiet.reference)
    journey.check_page()
    click_and_load(page, main(page).get_by_role("link", name=reference))
    journey.check_page()
    expect(main(page)).to_contain_text("Antwort eingegangen")
    expect(main(page).get_by_role("button", name=re.compile("^Status"))).to_have_count(0)

    # The 360 px view of the case page (axe too).
    phone_journey.context.add_cookies(journey.context.cookies())
    phone_journey.visit(f"/verwaltung/vorgaenge/{reference}/")
    assert fits_phone(phone_journey.page) <= 360, "staff case page scrolls sideways on a phone"
    phone_journey.screenshot("staff-casework-case-360")

    # Draft, preview, confirm and send.
    main(page).get_by_label("bewilligen", exact=True).check()
    click_and_load(page, main(page).get_by_role("button", name="Bescheid entwerfen"))
    expect(main(page).get_by_role("heading", name="Vorschau des Bescheids")).to_be_visible()
    expect(main(page)).to_contain_text("DA-JK 55")
    journey.check_page()
    journey.screenshot("staff-decision-preview-1280")
    assert Case.objects.get(pk=answered.pk).status == CaseStatus.IN_REVIEW  # nothing sent yet
    click_and_load(page, main(page).get_by_role("button", name="Bescheid jetzt senden"))
    expect(page.get_by_text("Der Bescheid wurde erstellt, gesiegelt und zugestellt.")).to_be_visible()
    assert Case.objects.get(pk=answered.pk).status == CaseStatus.APPROVED
    expect(main(page)).not_to_contain_text("Antwort eingegangen")

    # Revoke with a reason, after confirming.
    reason = "Das Fahrzeug ist abgemeldet."
    main(page).get_by_label(re.compile("^Grund des Widerrufs")).fill(reason)
    click_and_load(page, main(page).get_by_role("button", name="Ausweis widerrufen"))
    expect(main(page)).to_contain_text("Bitte bestätigen")
    journey.check_page()
    assert ResidentPermit.objects.get(case_reference=reference).revoked_at is None
    click_and_load(page, main(page).get_by_role("button", name="Endgültig widerrufen"))
    expect(page.get_by_text("Widerrufen. Die antragstellende Person wurde benachrichtigt.")).to_be_visible()
    expect(main(page).locator(".kern-alert--warning")).to_contain_text(reason)
    expect(main(page).get_by_role("button", name="Ausweis widerrufen")).to_have_count(0)
    journey.check_page()
    journey.screenshot("staff-case-revoked-1280")
    assert ResidentPermit.objects.get(case_reference=reference).revocation_reason == reason
    assert Message.objects.filter(recipient_user=citizen, subject=f"Widerruf zu {reference}").exists()
    assert AuditEntry.objects.filter(action="parking.permit_revoked", actor=worker).exists()

    # The plate check, reached from the staff home.
    journey.visit("/verwaltung/")
    click_and_load(page, main(page).get_by_role("link", name="Bewohnerparkausweis prüfen"))
    main(page).get_by_label("Kennzeichen").fill("DA-JK 55")
    click_and_load(page, main(page).get_by_role("button", name="Prüfen"))
    expect(main(page).get_by_role("status")).to_contain_text("widerrufen")
    journey.check_page()
    journey.screenshot("staff-plate-check-revoked-1280")
