"""The courier's confirmations: pickup by the order's code, delivery with proof, failed
delivery (second attempt or back to the shop); idempotent by the app's client_id; only
the tour's driver; bad input changes nothing."""

from __future__ import annotations

import base64
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from digitalstadt.core.models import AuditEntry
from digitalstadt.delivery.courier_services import (
    job_confirm_delivered, job_confirm_failed, job_confirm_pickup, job_confirm_returned,
)
from digitalstadt.delivery.models import Confirmation, Job, JobStatus, Stop
from digitalstadt.marketplace.models import OrderStatus, ShopOrder

from .courier_factories import make_tour
from .factories import add_driver

pytestmark = pytest.mark.django_db


def _png_data_url(size=(60, 20)) -> str:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 0, 255)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _jpeg_with_exif() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _job(t):
    return Job.unscoped_objects.get(pk=t["job"].pk)


def _shop_status(t):
    return ShopOrder.unscoped_objects.get(pk=t["shop_order"].pk).status


def _picked_up(t):
    job_confirm_pickup(stop_id=t["pickup"].pk, pickup_code="abholung:P1CK0P", client_id=uuid.uuid4(),
                       actor=t["driver"])


def test_pickup_by_the_scanned_code_hands_the_order_to_the_courier_once():
    t = make_tour()
    client_id = uuid.uuid4()
    first = job_confirm_pickup(stop_id=t["pickup"].pk, pickup_code="abholung:P1CK0P", client_id=client_id,
                               actor=t["driver"])
    again = job_confirm_pickup(stop_id=t["pickup"].pk, pickup_code="abholung:P1CK0P", client_id=str(client_id),
                               actor=t["driver"])
    assert (first.applied, again.applied) == (True, False)
    job = _job(t)
    assert job.status == JobStatus.PICKED_UP and job.picked_up_at is not None
    assert Stop.unscoped_objects.get(pk=t["pickup"].pk).done_at is not None
    assert _shop_status(t) == OrderStatus.PICKED_UP
    assert Confirmation.unscoped_objects.filter(client_id=client_id).count() == 1
    assert AuditEntry.objects.filter(action="delivery.picked_up").count() == 1


def test_typed_code_in_any_case_with_spaces_works():
    t = make_tour()
    job_confirm_pickup(stop_id=t["pickup"].pk, pickup_code=" p1ck 0p ", client_id=uuid.uuid4(), actor=t["driver"])
    assert _job(t).status == JobStatus.PICKED_UP


def test_wrong_code_is_refused_in_german_and_changes_nothing():
    t = make_tour()
    with pytest.raises(ValidationError) as exc:
        job_confirm_pickup(stop_id=t["pickup"].pk, pickup_code="abholung:FALSCH", client_id=uuid.uuid4(),
                           actor=t["driver"])
    assert "Abholcode gehört nicht zu dieser Bestellung" in exc.value.messages[0]
    assert _job(t).status == JobStatus.READY and _shop_status(t) == OrderStatus.READY
    assert not Confirmation.unscoped_objects.exists()
    assert Stop.unscoped_objects.get(pk=t["pickup"].pk).done_at is None


def test_a_driver_of_another_tour_is_refused():
    t = make_tour()
    other = make_tour(courier=t["courier"], email="anderer@example.org", pickup_code="ANDER1", shop_name="Buchladen")
    with pytest.raises(PermissionDenied):
        job_confirm_pickup(stop_id=t["pickup"].pk, pickup_code="P1CK0P", client_id=uuid.uuid4(),
                           actor=other["driver"])
    stranger = add_driver(t["courier"][0], email="fremd@example.org")
    with pytest.raises(PermissionDenied):
        job_confirm_pickup(stop_id=t["pickup"].pk, pickup_code="P1CK0P", client_id=uuid.uuid4(), actor=stranger)
    assert _job(t).status == JobStatus.READY


def test_the_courier_services_owner_may_confirm_for_a_driver():
    t = make_tour()
    owner = t["courier"][0].memberships.get(role="owner").user
    job_confirm_pickup(stop_id=t["pickup"].pk, pickup_code="P1CK0P", client_id=uuid.uuid4(), actor=owner)
    assert _job(t).status == JobStatus.PICKED_UP


def test_delivered_with_signature_and_photo_strips_exif_and_applies_once():
    t = make_tour()
    _picked_up(t)
    client_id = uuid.uuid4()
    photo = SimpleUploadedFile("foto.jpg", _jpeg_with_exif(), content_type="image/jpeg")
    for _ in range(2):
        photo.seek(0)
        job_confirm_delivered(stop_id=t["door"].pk, received_by="  Lina  Lieferung ", signature=_png_data_url(),
                              photo=photo, client_id=client_id, actor=t["driver"])
    job = _job(t)
    assert job.status == JobStatus.DELIVERED and job.received_by == "Lina Lieferung"
    assert Image.open(io.BytesIO(job.signature_png)).format == "PNG"
    stored = Image.open(io.BytesIO(job.photo_jpeg))
    assert stored.format == "JPEG" and not stored.getexif()
    assert Stop.unscoped_objects.get(pk=t["door"].pk).done_at is not None
    assert AuditEntry.objects.filter(action="delivery.delivered").count() == 1


@pytest.mark.parametrize("signature, photo, message", [
    ("data:image/png;base64,bm90IGEgcG5n", None, "kein lesbares PNG"),
    ("data:image/gif;base64,R0lGODlh", None, "muss ein PNG-Bild sein"),
    ("", b"GIF89a not really", "kein lesbares JPEG"),
    ("", "gif", "muss ein JPEG- oder PNG-Bild sein"),
])
def test_bad_images_are_refused_in_german_and_nothing_changes(signature, photo, message):
    t = make_tour()
    _picked_up(t)
    if photo == "gif":
        out = io.BytesIO()
        Image.new("RGB", (5, 5)).save(out, format="GIF")
        photo = out.getvalue()
    upload = SimpleUploadedFile("x.jpg", photo, content_type="image/jpeg") if photo else None
    with pytest.raises(ValidationError) as exc:
        job_confirm_delivered(stop_id=t["door"].pk, received_by="Lina", signature=signature, photo=upload,
                              client_id=uuid.uuid4(), actor=t["driver"])
    assert message in exc.value.messages[0]
    job = _job(t)
    assert job.status == JobStatus.PICKED_UP and job.signature_png is None and job.photo_jpeg is None


def test_a_photo_over_the_limit_is_refused(settings):
    settings.DELIVERY_PHOTO_MAX_BYTES = 1024
    t = make_tour()
    _picked_up(t)
    big = SimpleUploadedFile("big.jpg", b"\xff" * 2048, content_type="image/jpeg")
    with pytest.raises(ValidationError, match="größer als"):
        job_confirm_delivered(stop_id=t["door"].pk, received_by="Lina", photo=big, client_id=uuid.uuid4(),
                              actor=t["driver"])


def test_delivery_needs_the_recipients_name_and_a_valid_client_id():
    t = make_tour()
    _picked_up(t)
    with pytest.raises(ValidationError, match="Namen der Person"):
        job_confirm_delivered(stop_id=t["door"].pk, received_by="  ", client_id=uuid.uuid4(), actor=t["driver"])
    with pytest.raises(ValidationError, match="keine gültige Kennung"):
        job_confirm_delivered(stop_id=t["door"].pk, received_by="Lina", client_id="kaputt", actor=t["driver"])
    assert _job(t).status == JobStatus.PICKED_UP


def test_failed_with_second_attempt_takes_the_door_off_the_tour():
    t = make_tour()
    _picked_up(t)
    job_confirm_failed(stop_id=t["door"].pk, reason="not_home", next_step="retry", client_id=uuid.uuid4(),
                       actor=t["driver"])
    job = _job(t)
    # Still on board (on its way again), with the failed attempt recorded.
    assert (job.status, job.attempts, job.failure_reason) == (JobStatus.PICKED_UP, 1, "nicht angetroffen")
    door = Stop.unscoped_objects.get(pk=t["door"].pk)
    assert door.tour_id is None and door.done_at is None and door.planned_arrival is None
    assert Stop.unscoped_objects.get(pk=t["pickup"].pk).tour_id == t["tour"].pk  # the parcel stays on this bike
    assert _shop_status(t) == OrderStatus.PICKED_UP


def test_failed_then_returned_puts_the_order_back_in_the_shop():
    t = make_tour()
    _picked_up(t)
    with pytest.raises(ValidationError, match="beschreiben"):
        job_confirm_failed(stop_id=t["door"].pk, reason="other", note="", next_step="return",
                           client_id=uuid.uuid4(), actor=t["driver"])
    job_confirm_failed(stop_id=t["door"].pk, reason="refused", next_step="return", client_id=uuid.uuid4(),
                       actor=t["driver"])
    with pytest.raises(ValidationError, match="Abholcode gehört nicht"):
        job_confirm_returned(stop_id=t["pickup"].pk, pickup_code="FALSCH", client_id=uuid.uuid4(),
                             actor=t["driver"])
    assert _job(t).status == JobStatus.FAILED
    client_id = uuid.uuid4()
    for _ in range(2):
        job_confirm_returned(stop_id=t["pickup"].pk, pickup_code="p1ck0p", client_id=client_id, actor=t["driver"])
    job = _job(t)
    assert job.status == JobStatus.RETURNED and job.returned_at is not None
    shop_order = ShopOrder.unscoped_objects.get(pk=t["shop_order"].pk)
    assert shop_order.status == OrderStatus.READY and shop_order.picked_up_at is None
    assert AuditEntry.objects.filter(action="delivery.returned").count() == 1


def test_no_second_attempt_after_the_last_one():
    t = make_tour()
    _picked_up(t)
    Job.unscoped_objects.filter(pk=t["job"].pk).update(attempts=1)
    with pytest.raises(ValidationError, match="zurück ins Geschäft"):
        job_confirm_failed(stop_id=t["door"].pk, reason="not_home", next_step="retry", client_id=uuid.uuid4(),
                           actor=t["driver"])
    assert _job(t).status == JobStatus.PICKED_UP


def test_a_client_id_cannot_be_reused_for_another_confirmation():
    t = make_tour()
    client_id = uuid.uuid4()
    job_confirm_pickup(stop_id=t["pickup"].pk, pickup_code="P1CK0P", client_id=client_id, actor=t["driver"])
    with pytest.raises(ValidationError, match="schon für einen anderen"):
        job_confirm_delivered(stop_id=t["door"].pk, received_by="Lina", client_id=client_id, actor=t["driver"])


# --- the pages (plain forms without JavaScript, JSON for the app) -------------------


def test_plain_form_pickup_redirects_to_the_tour_and_a_repeat_is_harmless(client):
    t = make_tour()
    client.force_login(t["driver"])
    page = client.get(f"/kurier/stopp/{t['pickup'].pk}/")
    assert page.status_code == 200 and "Abholung bestätigen" in page.content.decode()
    data = {"code": "p1ck0p", "client_id": str(uuid.uuid4())}
    response = client.post(f"/kurier/stopp/{t['pickup'].pk}/abholung/", data)
    assert response.status_code == 302 and response["Location"] == "/kurier/"
    assert "Abholung bestätigt" in client.get("/kurier/").content.decode()
    again = client.post(f"/kurier/stopp/{t['pickup'].pk}/abholung/", data, follow=True)
    assert "schon angekommen" in again.content.decode()
    assert Confirmation.unscoped_objects.count() == 1


def test_the_app_gets_json_and_bad_input_answers_400_in_german(client):
    t = make_tour()
    client.force_login(t["driver"])
    url = f"/kurier/stopp/{t['pickup'].pk}/abholung/"
    bad = client.post(url, {"code": "FALSCH", "client_id": str(uuid.uuid4())}, headers={"X-Courier-App": "1"})
    assert bad.status_code == 400 and "Abholcode gehört nicht" in bad.json()["error"]
    plain_bad = client.post(url, {"code": "P1CK0P", "client_id": "<script>"})
    assert plain_bad.status_code == 400 and "keine gültige Kennung" in plain_bad.content.decode()
    ok = client.post(url, {"code": "P1CK0P", "client_id": str(uuid.uuid4()),
                           "happened_at": "2026-12-01T09:00:00+01:00"}, headers={"X-Courier-App": "1"})
    assert ok.json()["ok"] is True and ok.json()["next"] == "/kurier/"
    assert _job(t).status == JobStatus.PICKED_UP


@pytest.mark.parametrize("path", ["/kurier/stopp/999999/", "/kurier/stopp/0/"])
def test_unknown_stops_are_404(client, path):
    t = make_tour()
    client.force_login(t["driver"])
    assert client.get(path).status_code == 404
    assert client.post(path + "zugestellt/", {"received_by": "x", "client_id": str(uuid.uuid4())}).status_code == 404


def test_another_driver_sees_neither_the_stop_nor_the_tour(client):
    t = make_tour()
    stranger = add_driver(t["courier"][0], email="fremd@example.org")
    client.force_login(stranger)
    assert client.get(f"/kurier/stopp/{t['door'].pk}/").status_code == 404
    page = client.get("/kurier/").content.decode()
    assert "keine Tour zugeteilt" in page and "Lina Lieferung" not in page
    assert client.post(f"/kurier/stopp/{t['pickup'].pk}/abholung/", {"code": "P1CK0P",
                                                                     "client_id": str(uuid.uuid4())}).status_code == 404
    assert _job(t).status == JobStatus.READY


def test_service_worker_and_manifest_cover_the_app(client):
    sw = client.get("/kurier/sw.js")
    assert sw["Content-Type"].startswith("application/javascript") and 'const TOUR_URL = "/kurier/"' in sw.content.decode()
    manifest = client.get("/kurier/manifest.webmanifest").json()
    assert manifest["scope"] == "/kurier/" and manifest["start_url"] == "/kurier/"


def test_the_work_area_leads_drivers_to_their_tour(client):
    t = make_tour()
    client.force_login(t["driver"])
    from django.urls import reverse

    page = client.get(reverse("accounts:organisation", kwargs={"slug": t["courier"][0].slug}))
    html = page.content.decode()
    assert "Meine Tour" in html and 'href="/kurier/"' in html


def test_the_shopper_hears_when_the_parcel_is_on_its_way_fails_and_is_delivered():
    from digitalstadt.mailbox.models import OutboundEmail

    t = make_tour()
    _picked_up(t)
    job_confirm_failed(stop_id=t["door"].pk, reason="not_home", next_step="retry", client_id=uuid.uuid4(),
                       actor=t["driver"])
    # The re-plan puts the door back on the bike that has the parcel (planning tests).
    Stop.unscoped_objects.filter(pk=t["door"].pk).update(tour=t["tour"], sequence=5)
    job_confirm_delivered(stop_id=t["door"].pk, received_by="Nachbarin Frau Kern", client_id=uuid.uuid4(),
                          actor=t["driver"])
    mails = list(OutboundEmail.objects.filter(purpose__startswith="marketplace:").order_by("pk")
                 .values_list("purpose", flat=True))
    assert mails[-3:] == ["marketplace:order_on_the_way", "marketplace:order_delivery_failed",
                          "marketplace:order_delivered"], mails
    last = OutboundEmail.objects.filter(purpose="marketplace:order_delivered").get()
    assert "zugestellt" in last.subject and "Nachbarin Frau Kern" in last.body_text
    failed = OutboundEmail.objects.get(purpose="marketplace:order_delivery_failed")
    assert "nicht angetroffen" in failed.body_text and "noch einmal" in failed.body_text
