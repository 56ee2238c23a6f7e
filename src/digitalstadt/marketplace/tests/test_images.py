"""Product images given by address: the task fetches them from a real (local) HTTP
server, keeps the original and a 400 px WebP thumbnail; a file that is no image, a GIF,
one too large, a 404 or an address in a private network sets `error` and never raises."""

from __future__ import annotations

import io
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from digitalstadt.core.scoping import organisation_scope
from digitalstadt.marketplace import catalogue_services as services
from digitalstadt.marketplace.images import product_image_fetch
from digitalstadt.marketplace.models import ProductImage
from digitalstadt.testing.fixtures import run_worker_batch

from .import_fixtures import make_shop

pytestmark = pytest.mark.django_db


def _picture(kind: str, size=(1200, 800)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 40)).save(out, kind)
    return out.getvalue()


def _noise(size) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", size, random.Random(12).randbytes(size[0] * size[1] * 3)).save(out, "JPEG")
    return out.getvalue()


FILES = {
    "/schirm.jpg": ("image/jpeg", _picture("JPEG")),
    "/png-as-octets": ("application/octet-stream", _picture("PNG", (300, 600))),
    "/fake.jpg": ("image/jpeg", b"<html>not a picture</html>"),
    "/anim.gif": ("image/gif", _picture("GIF", (50, 50))),
    "/huge.jpg": ("image/jpeg", _noise((700, 700))),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        found = FILES.get(self.path)
        if found is None:
            self.send_error(404)
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def image_server(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MARKETPLACE_IMAGE_ALLOW_PRIVATE_HOSTS = True  # the stand-in runs on localhost
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)  # the worker commits and closes its connection
def test_the_task_fetches_real_images_and_marks_bad_ones(image_server, settings):
    settings.MARKETPLACE_IMAGE_MAX_BYTES = 150_000
    assert len(FILES["/huge.jpg"][1]) > 150_000 > len(FILES["/schirm.jpg"][1])
    shop, owner = make_shop()
    names = ["schirm.jpg", "png-as-octets", "fake.jpg", "anim.gif", "huge.jpg", "missing.jpg"]
    services.products_upsert(organisation=shop.organisation, actor=owner, rows=[
        {"sku": f"P-{i}", "title": name, "price": "1", "image_url": f"{image_server}/{name}"}
        for i, name in enumerate(names)])
    run_worker_batch()  # the real database task worker
    with organisation_scope(shop.organisation):
        images = {img.source_url.rsplit("/", 1)[1]: img for img in ProductImage.objects.all()}
    good = images["schirm.jpg"]
    assert good.error == "" and good.original.name.endswith(".jpg") and good.thumbnail.name.endswith(".webp")
    with Image.open(good.thumbnail.path) as thumb:
        assert (thumb.format, thumb.size) == ("WEBP", (400, 267))
    with Image.open(good.original.path) as original:
        assert original.size == (1200, 800)
    png = images["png-as-octets"]  # the content decides, not the server's Content-Type
    assert png.error == "" and png.original.name.endswith(".png")
    assert images["fake.jpg"].error == "Die Datei ist kein lesbares Bild." and not images["fake.jpg"].original
    assert images["anim.gif"].error == "Nur JPEG, PNG oder WebP (nicht GIF)."
    assert "größer als" in images["huge.jpg"].error
    assert images["missing.jpg"].error == "Der Server antwortete mit 404."
    # Run again: nothing fetched twice, nothing lost.
    assert product_image_fetch(image_id=good.pk) == "ok"
    # Importing the same address again does not queue a second fetch.
    services.products_upsert(organisation=shop.organisation, actor=owner, rows=[
        {"sku": "P-0", "image_url": f"{image_server}/schirm.jpg"}])
    with organisation_scope(shop.organisation):
        assert ProductImage.objects.count() == len(names)


def test_addresses_in_private_networks_are_not_fetched_in_production(image_server, settings):
    settings.MARKETPLACE_IMAGE_ALLOW_PRIVATE_HOSTS = False
    shop, owner = make_shop()
    services.products_upsert(organisation=shop.organisation, actor=owner, rows=[
        {"sku": "P-1", "title": "Schirm", "price": "1", "image_url": f"{image_server}/schirm.jpg"}])
    with organisation_scope(shop.organisation):
        image = ProductImage.objects.get()
    assert product_image_fetch(image_id=image.pk) == "error"
    image.refresh_from_db()
    assert image.error == "Bilder aus privaten Netzen werden nicht geladen." and not image.original


def test_an_uploaded_image_is_checked_and_thumbnailed_and_a_bad_one_keeps_nothing(settings, tmp_path):
    from django.core.exceptions import ValidationError

    settings.MEDIA_ROOT = tmp_path
    shop, owner = make_shop()
    other, other_owner = make_shop("spielzeug")
    result = services.products_upsert(organisation=shop.organisation, actor=owner,
                                      rows=[{"sku": "U-1", "title": "Tasse", "price": "5"}])
    product_id = result.items[0].product_id
    image = services.product_image_upload(organisation=shop.organisation, actor=owner, product_id=product_id,
                                          data=FILES["/png-as-octets"][1], alt_text="Rote Tasse")
    with Image.open(image.thumbnail.path) as thumb:
        assert (thumb.format, thumb.size) == ("WEBP", (200, 400))
    with pytest.raises(ValidationError, match="kein lesbares Bild"):
        services.product_image_upload(organisation=shop.organisation, actor=owner, product_id=product_id,
                                      data=b"GIF89a not really")
    with pytest.raises(ValidationError, match="gibt es in diesem Geschäft nicht"):
        services.product_image_upload(organisation=other.organisation, actor=other_owner, product_id=product_id,
                                      data=FILES["/schirm.jpg"][1])
    with organisation_scope(shop.organisation):
        assert ProductImage.objects.count() == 1
