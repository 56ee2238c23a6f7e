"""The knowledge base, from the home page by clicking:

- a visitor finds the home-office policy template (Wirtschaft & Home Working → Wissen und
  Arbeitshilfen), sees the coaching on its topic, and downloads the editable ODT (the
  file is opened: mimetype first and stored, the template's text and placeholders);
- wirtschaft@ (business development; password and a real TOTP code) opens the work area
  from the staff home and publishes version 2 with a change note, from the form
  prefilled with version 1;
- the visitor sees version 2 and the history with version 1, which still opens;
- at 360 px /wissen/ and the toolkit page fit the screen (screenshot and axe).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from digitalstadt.testing.clock import fresh_totp

from .conftest import DESKTOP, Journey

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "Luisenplatz-Wissen-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPWISSEN234567ABCD"


@pytest.fixture(autouse=True)
def world():
    from django.core.cache import cache

    from digitalstadt.exchange.toolkit_data import load_initial_toolkits

    cache.clear()
    load_initial_toolkits()  # a flushed database (transactional tests) loses the migration's rows
    yield
    cache.clear()


def a_coaching_on_remote_leadership():
    from digitalstadt.accounts.models import Organisation, OrganisationKind
    from digitalstadt.business.models import EventDate, EventSeries
    from digitalstadt.business.types import EventFormat, Topic

    partner = Organisation.objects.create(name="House of IT", slug="house-of-it", kind=OrganisationKind.PARTNER,
                                          city="Darmstadt")
    series = EventSeries.objects.create(organiser=partner, slug="regeln-fuers-homeoffice",
                                        title="Regeln fürs Homeoffice festlegen", summary="Webinar",
                                        topic=Topic.REMOTE_LEADERSHIP, format=EventFormat.WEBINAR, is_published=True)
    start = timezone.now() + timedelta(days=10)
    EventDate.objects.create(series=series, starts_at=start, ends_at=start + timedelta(hours=2), seats=30)


def make_editor():
    from allauth.account.models import EmailAddress
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User

    user = User.objects.create_user(email="wirtschaft@digitalstadt.example", password=PASSWORD,
                                    first_name="Wenke", last_name="Wirtschaft")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    StaffRole.objects.create(user=user, role=StaffRoleKind.BUSINESS_DEVELOPMENT)
    TOTP.activate(user, TOTP_SECRET)
    RecoveryCodes.activate(user)
    return user


def main(page):
    return page.locator("main")


def test_visitor_downloads_the_policy_template_and_sees_version_two_after_staff_publish_it(
        journey, phone_journey, browser, live_server, clock, tmp_path):
    a_coaching_on_remote_leadership()
    editor = make_editor()
    page = journey.page

    # 1. A visitor finds the template from the home page.
    journey.visit("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Wirtschaft & Home Working").click()
    journey.check_page()
    main(page).get_by_role("link", name="Wissen und Arbeitshilfen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wissen und Arbeitshilfen")
    journey.check_page()
    journey.screenshot("knowledge-index-1280")
    main(page).get_by_role("link", name="Vorlage: Homeoffice-Richtlinie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vorlage: Homeoffice-Richtlinie")
    expect(main(page).get_by_text("Version 1 vom")).to_be_visible()
    coachings = main(page).locator("section", has=page.get_by_role("heading", name="Coachings und Webinare zum Thema"))
    expect(coachings).to_contain_text("Regeln fürs Homeoffice festlegen")
    journey.check_page()
    journey.screenshot("knowledge-toolkit-1280")

    # 2. The editable ODT: a real OpenDocument file with the template's placeholders.
    with page.expect_download() as info:
        main(page).get_by_role("link", name="Bearbeitbar (ODT, Version 1)").click()
    download = info.value
    assert download.suggested_filename == "homeoffice-richtlinie-v1.odt"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    content = archive.read("content.xml").decode()
    assert "Zweck und Geltungsbereich" in content and 'text:description="Name des Unternehmens"' in content

    # 3. wirtschaft@ publishes version 2 (password, then a real TOTP code).
    staff = Journey(browser, live_server.url, DESKTOP, clock)
    try:
        spage = staff.page
        staff.visit("/", check=False)
        spage.get_by_role("link", name="Anmelden").first.click()
        spage.fill("input[name=login]", editor.email)
        spage.fill("input[name=password]", PASSWORD)
        spage.locator("form").filter(has=spage.locator("input[name=password]")).get_by_role("button").first.click()
        spage.wait_for_url(re.compile(r".*/konto/2fa/authenticate/.*"))
        spage.fill("input[name=code]", fresh_totp(TOTP_SECRET))
        spage.locator("form").filter(has=spage.locator("input[name=code]")).get_by_role("button").first.click()
        spage.wait_for_load_state("load")
        spage.get_by_role("link", name="Verwaltung", exact=True).click()
        spage.wait_for_url(staff.url("/verwaltung/"))
        main(spage).get_by_role("link", name="Wissen: Arbeitshilfen").click()
        expect(spage.get_by_role("heading", level=1)).to_have_text("Arbeitshilfen bearbeiten")
        staff.check_page()
        main(spage).get_by_role("link", name="Neue Version von „Vorlage: Homeoffice-Richtlinie“").click()
        body = main(spage).get_by_label("Inhalt")
        expect(body).to_have_value(re.compile("Zweck und Geltungsbereich"))
        staff.check_page()
        staff.screenshot("knowledge-staff-publish-1280")
        text = body.input_value().replace("bis zu {{Anzahl}} Tage je Woche",
                                          "bis zu {{Anzahl}} Tage je Woche, in Absprache auch mehr,")
        body.fill(text)
        main(spage).get_by_label("Was hat sich geändert?").fill("Umfang: mehr Tage nach Absprache möglich")
        main(spage).get_by_role("button", name="Als neue Version veröffentlichen").click()
        expect(main(spage).get_by_text("Version 2 ist veröffentlicht.")).to_be_visible()
        staff.check_page()
    finally:
        staff.close()

    # 4. The visitor sees version 2 and the history with version 1.
    page.reload()
    expect(main(page).get_by_text("Version 2 vom")).to_be_visible()
    expect(main(page)).to_contain_text("in Absprache auch mehr")
    history = main(page).get_by_role("table")
    expect(history).to_contain_text("Umfang: mehr Tage nach Absprache möglich")
    expect(history).to_contain_text("Erste Fassung")
    journey.check_page()
    history.get_by_role("link", name="Version 1", exact=True).click()
    expect(main(page).get_by_text("Sie sehen die ältere Version 1. Aktuell ist Version 2.")).to_be_visible()
    expect(main(page).get_by_role("link", name="Bearbeitbar (ODT, Version 1)")).to_be_visible()
    journey.check_page()

    # 5. At 360 px.
    phone = phone_journey.page
    phone_journey.visit("/wissen/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Wissen und Arbeitshilfen")
    phone_journey.screenshot("knowledge-index-360")
    main(phone).get_by_role("link", name="IT-Sicherheit im Homeoffice: die Grundlagen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("IT-Sicherheit im Homeoffice: die Grundlagen")
    phone_journey.check_page()
    phone_journey.screenshot("knowledge-toolkit-360")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
