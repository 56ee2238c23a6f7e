"""A shop's sales person works through the day's orders: the dashboard (new orders come in
by polling), an order page, accept and report ready with confirmation, hand over by
typing the pickup code; at 360 px the pages fit; the pickup code is scanned with the
camera (a fake camera showing the shopper's QR code, decoded by jsQR)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from digitalstadt.accounts.models import OrgRole
from digitalstadt.marketplace.models import OrderStatus, ShopOrder
from digitalstadt.marketplace.tests.factories import make_member, make_order, make_shop, make_variant

from .conftest import CHROMIUM, CHROMIUM_ARGS, poll_until

pytestmark = pytest.mark.django_db(transaction=True)


def status_of(order):
    return ShopOrder.unscoped_objects.get(pk=order.pk).status


def test_sales_person_accepts_prepares_and_hands_over(journey, clock):
    shop = make_shop(name="Buchhandlung Bessungen")
    seller = make_member(shop, role=OrgRole.SALES)
    book = make_variant(shop, title="Darmstadt-Krimi", price_cents=1400, vat_rate=7)
    mug = make_variant(shop, title="Tasse Langer Ludwig", price_cents=990)
    order = make_order(shop, lines=[(book, 1), (mug, 2)], pickup_code="D4RM57")
    make_order(shop, status=OrderStatus.PICKED_UP)
    journey.login_as(seller)

    journey.visit(f"/mein-geschaeft/{shop.slug}/bestellungen/")
    expect(journey.page.get_by_role("heading", name="Neu: 1 Bestellung")).to_be_visible()
    journey.screenshot("shop-orders-dashboard-1280")

    # A new order arrives while the page is open: the polling shows it.
    late = make_order(shop, lines=[(book, 1)], pickup_code="L4T3R1")
    poll_until(journey.page, journey.page.locator("#orders-live"), late.number,
               advance=lambda: journey.clock.shift(timedelta(seconds=21)))

    journey.page.get_by_role("link", name=order.number).click()
    expect(journey.page.get_by_role("heading", name=f"Bestellung {order.number}")).to_be_visible()
    journey.check_page()
    journey.screenshot("shop-orders-order-1280")

    journey.page.get_by_role("link", name="Annehmen").click()
    journey.check_page()
    journey.page.get_by_role("button", name="Ja, annehmen").click()
    expect(journey.page.get_by_text("Die Bestellung ist angenommen")).to_be_visible()
    journey.page.get_by_role("link", name="Abholbereit melden").click()
    journey.page.get_by_role("button", name="Ja, abholbereit melden").click()
    assert status_of(order) == OrderStatus.READY

    journey.page.get_by_role("link", name="Übergeben (Abholcode prüfen)").click()
    journey.check_page()
    journey.page.get_by_label("Abholcode").fill("d4rm 57")
    journey.page.get_by_role("button", name="Bestellung suchen").click()
    expect(journey.page.get_by_role("heading", name=f"Übergabe der Bestellung {order.number}")).to_be_visible()
    journey.check_page()
    journey.page.get_by_role("button", name="Ware übergeben").click()
    expect(journey.page.get_by_text(f"Bestellung {order.number} übergeben.")).to_be_visible()
    assert status_of(order) == OrderStatus.PICKED_UP
    expect(journey.page.get_by_role("link", name="herunterladen")).to_be_visible()


def test_order_pages_at_360_px(phone_journey):
    shop = make_shop(name="Feinkost am Marktplatz")
    seller = make_member(shop, role=OrgRole.SALES)
    order = make_order(shop, lines=[(make_variant(shop, title="Handkäs mit Musik, 4 Stück im Glas"), 3)])
    phone_journey.login_as(seller)
    for path, name in ((f"/mein-geschaeft/{shop.slug}/bestellungen/", "shop-orders-dashboard-360"),
                       (f"/mein-geschaeft/{shop.slug}/bestellungen/{order.pk}/", "shop-orders-order-360"),
                       (f"/mein-geschaeft/{shop.slug}/bestellungen/abholung/", "shop-orders-pickup-360"),
                       (f"/mein-geschaeft/{shop.slug}/bestellungen/statistik/", "shop-orders-statistics-360")):
        phone_journey.visit(path)
        overflow = phone_journey.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        phone_journey.screenshot(name)


def _qr_video(text: str, path: Path) -> Path:
    """A Y4M clip (what Chromium's fake camera plays) showing `text` as a QR code."""
    import segno

    qr = segno.make(text, error="m")
    matrix = [list(row) for row in qr.matrix]
    scale, border = 6, 4
    size = (len(matrix) + 2 * border) * scale
    width, height = 640, 480
    x0, y0 = (width - size) // 2, (height - size) // 2
    luma = bytearray([235]) * (width * height)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = (y0 + (r + border) * scale + dy) * width + x0 + (c + border) * scale
                    luma[start:start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (width * height // 4)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(5):
            out.write(b"FRAME\n" + bytes(luma) + chroma + chroma)
    return path


def test_pickup_code_scanned_with_the_camera(browser, live_server, clock, tmp_path):
    from .conftest import DESKTOP, Journey

    shop = make_shop()
    seller = make_member(shop, role=OrgRole.SALES)
    order = make_order(shop, status=OrderStatus.READY, pickup_code="QR5CAN")
    video = _qr_video("abholung:QR5CAN", tmp_path / "qr.y4m")
    # A browser of its own: the fake camera is a launch option.
    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    journey = Journey(camera_browser, live_server.url, DESKTOP, clock)
    try:
        journey.context.grant_permissions(["camera"], origin=live_server.url)
        journey.login_as(seller)
        journey.visit(f"/mein-geschaeft/{shop.slug}/bestellungen/abholung/")
        journey.page.get_by_role("button", name="Kamera starten").click()
        # The scan fills the code in and sends the form: the confirmation step shows the order.
        expect(journey.page.get_by_role("heading", name=f"Übergabe der Bestellung {order.number}")).to_be_visible(
            timeout=15000)
        assert not journey.violations, journey.violations
    finally:
        journey.close()
        camera_browser.close()
