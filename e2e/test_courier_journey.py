"""A courier on today's tour: signs in from the home page, opens the tour, scans the
pickup QR code with the camera (Chromium's fake camera showing the parcel's code,
decoded by jsQR), loses the network, delivers with a drawn signature and a photo (the
confirmation waits in the phone), gets the network back and sees it sent. A failed
delivery goes back to the shop. The tour page at 360 px."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from digitalstadt.delivery.courier_services import job_confirm_pickup
from digitalstadt.delivery.models import Job, JobStatus
from digitalstadt.delivery.tests.courier_factories import make_tour
from digitalstadt.marketplace.models import OrderStatus, ShopOrder

from .conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, Journey
from .test_citizen_journey import header, main
from .test_shop_orders_journey import _qr_video

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Sicher-genug-2026"  # accounts.tests.factories.PASSWORD


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def _job(t) -> Job:
    return Job.unscoped_objects.get(pk=t["job"].pk)


def _sign_in_and_open_tour(journey, email):
    page = journey.page
    journey.visit("/")
    header(page).get_by_role("link", name="Anmelden").click()
    page.wait_for_url("**/konto/login/**")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    main(page).get_by_role("button", name="Anmeldung").click()
    header(page).get_by_role("link", name="Mein Konto").click()
    main(page).get_by_role("link", name="Lastenrad-Kurier Darmstadt").click()
    journey.check_page()
    main(page).get_by_role("link", name="Meine Tour").click()
    expect(page.get_by_role("heading", name="Meine Tour heute")).to_be_visible()
    journey.check_page()


def test_courier_scans_loses_the_network_delivers_and_the_confirmation_is_sent(browser, live_server, clock,
                                                                                tmp_path):
    t = make_tour(pickup_code="QR5CAN")
    video = _qr_video("abholung:QR5CAN", tmp_path / "qr.y4m")
    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    journey = Journey(camera_browser, live_server.url, DESKTOP, clock)
    page = journey.page
    try:
        journey.context.grant_permissions(["camera"], origin=live_server.url)
        _sign_in_and_open_tour(journey, t["driver"].email)
        expect(main(page).get_by_text("2 Stopps offen")).to_be_visible()
        osm = main(page).get_by_role("link", name="Karte (OpenStreetMap) Kaffeerösterei am Markt")
        expect(osm).to_have_attribute("href", "https://www.openstreetmap.org/?mlat=49.872600&mlon=8.656000"
                                              "#map=18/49.872600/8.656000")
        expect(main(page).get_by_role("link", name="Navigation starten Lina Lieferung")).to_have_attribute(
            "href", "geo:49.870500,8.659000?q=49.870500,8.659000")
        journey.screenshot("courier-tour-1280")

        main(page).get_by_role("link", name="1. Abholung bei Kaffeerösterei am Markt").click()
        expect(page.get_by_role("heading", name="Abholung bei Kaffeerösterei am Markt")).to_be_visible()
        journey.check_page()
        page.get_by_role("button", name="Kamera starten").click()
        # The scan fills the code in and sends the form: back on the tour, the pickup is done.
        expect(page.get_by_text("Abholung bestätigt")).to_be_visible(timeout=15000)
        assert _job(t).status == JobStatus.PICKED_UP
        assert ShopOrder.unscoped_objects.get(pk=t["shop_order"].pk).status == OrderStatus.PICKED_UP
        journey.check_page()

        # The app is installed for offline use: the service worker controls the page and
        # today's stop pages are in its cache.
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.wait_for_function("document.documentElement.getAttribute('data-courier-cached') === '3'")

        journey.context.set_offline(True)
        main(page).get_by_role("link", name="2. Zustellung an Lina Lieferung").click()
        expect(page.get_by_role("heading", name="Zustellung an Lina Lieferung")).to_be_visible()
        page.get_by_label("Name der Person, die das Paket entgegennimmt").fill("Lina Lieferung")
        pad = page.locator("[data-signature-pad]")
        expect(pad).to_be_visible()
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
        page.mouse.down()
        for step in range(1, 12):
            page.mouse.move(box["x"] + 20 + step * 25, box["y"] + box["height"] * (0.7 - 0.4 * (step % 2)))
        page.mouse.up()
        expect(page.locator("[data-signature-status]")).to_have_text("Unterschrift erfasst.")
        page.get_by_label("Foto des zugestellten Pakets (freiwillig)").set_input_files(
            {"name": "paket.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()})
        page.get_by_role("button", name="Zustellung bestätigen").click()
        expect(page.locator("[data-courier-queue-text]")).to_have_text("offline – 1 Bestätigung wartet")
        assert _job(t).status == JobStatus.PICKED_UP  # nothing reached the server
        journey.check_page(snapshot=True)
        journey.screenshot("courier-offline-queued-1280")

        # Still offline, the tour comes from the phone's cache and the queue waits.
        main(page).get_by_role("link", name="Zurück zur Tour").click()
        expect(page.get_by_role("heading", name="Meine Tour heute")).to_be_visible()
        queue = page.locator("[data-courier-queue-text]")
        expect(queue).to_have_text("offline – 1 Bestätigung wartet")

        journey.context.set_offline(False)
        expect(queue).to_have_text("gesendet: Alle Bestätigungen sind angekommen.", timeout=15000)
        expect(main(page).get_by_text("0 Stopps offen")).to_be_visible()
        job = _job(t)
        assert job.status == JobStatus.DELIVERED and job.received_by == "Lina Lieferung"
        assert Image.open(io.BytesIO(job.signature_png)).format == "PNG"
        assert Image.open(io.BytesIO(job.photo_jpeg)).format == "JPEG"
        # The page loads again with the server's state.
        expect(main(page).get_by_text("0 Stopps offen")).to_be_visible()
        expect(page.get_by_text("Zustellung bestätigt")).to_be_visible()
        journey.screenshot("courier-sent-1280")
        journey.check_page(snapshot=True)
        assert not journey.violations, journey.violations
    finally:
        journey.close()
        camera_browser.close()


def test_failed_delivery_goes_back_to_the_shop(journey):
    t = make_tour(pickup_code="RETOUR")
    job_confirm_pickup(stop_id=t["pickup"].pk, pickup_code="RETOUR", client_id=uuid.uuid4(), actor=t["driver"])
    page = journey.page
    _sign_in_and_open_tour(journey, t["driver"].email)
    main(page).get_by_role("link", name="2. Zustellung an Lina Lieferung").click()
    journey.check_page()
    page.get_by_label("Annahme verweigert").check()
    page.get_by_label("zurück ins Geschäft bringen").check()
    page.get_by_role("button", name="Nicht zugestellt melden").click()
    expect(page.get_by_text("Gescheiterte Zustellung")).to_be_visible()
    journey.check_page()
    job = _job(t)
    assert (job.status, job.attempts, job.failure_reason) == (JobStatus.FAILED, 1, "Annahme verweigert")
    expect(main(page).get_by_text("Rückgabe ins Geschäft")).to_be_visible()

    main(page).get_by_role("link", name="1. Abholung bei Kaffeerösterei am Markt").click()
    expect(page.get_by_role("heading", name="Zurück ins Geschäft")).to_be_visible()
    page.get_by_label("Abholcode").fill("falsch")
    page.get_by_role("button", name="Rückgabe bestätigen").click()
    expect(page.get_by_text("Dieser Abholcode gehört nicht zu dieser Bestellung.")).to_be_visible()
    assert _job(t).status == JobStatus.FAILED
    page.get_by_label("Abholcode").fill("retour")
    page.get_by_role("button", name="Rückgabe bestätigen").click()
    expect(page.get_by_text("Rückgabe bestätigt")).to_be_visible()
    journey.check_page()
    assert _job(t).status == JobStatus.RETURNED
    assert ShopOrder.unscoped_objects.get(pk=t["shop_order"].pk).status == OrderStatus.READY
    journey.screenshot("courier-returned-1280")


def test_tour_and_stop_pages_at_360_px(phone_journey):
    t = make_tour()
    phone_journey.login_as(t["driver"])
    phone_journey.visit(f"/kurier/stopp/{t['door'].pk}/")
    expect(phone_journey.page.get_by_text("Erst beim Geschäft abholen")).to_be_visible()
    pages = (("/kurier/", "courier-tour-360"), (f"/kurier/stopp/{t['pickup'].pk}/", "courier-pickup-360"),
             (f"/kurier/stopp/{t['door'].pk}/", "courier-delivery-360"))
    for path, name in pages:
        if name == "courier-delivery-360":
            job_confirm_pickup(stop_id=t["pickup"].pk, pickup_code="P1CK0P", client_id=uuid.uuid4(),
                               actor=t["driver"])
        phone_journey.visit(path)
        overflow = phone_journey.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        phone_journey.screenshot(name)


def test_empty_tour(journey):
    from digitalstadt.delivery.tests.factories import add_driver, make_courier

    courier, _zone, _hub = make_courier()
    journey.login_as(add_driver(courier))
    journey.visit("/kurier/")
    expect(journey.page.get_by_text("Für heute ist Ihnen keine Tour zugeteilt.")).to_be_visible()
