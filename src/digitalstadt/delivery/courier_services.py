"""The courier's confirmations on the road: pickup at the shop, delivery with proof,
failed delivery (second attempt or back to the shop), and the return at the shop.

Every confirmation carries the courier app's own id (`client_id`, a UUID made on the
phone): a confirmation queued while offline and sent twice is applied once (a
`Confirmation` row per id, written in the same transaction as the change; the job row
is locked first, so two copies of one confirmation wait for each other).

Who may confirm: the tour's driver, or an owner/admin of the courier service.

State left behind:
- pickup: job "picked_up", pickup stop done, the shop order "Abgeholt" (handed to the courier);
- delivered: job "delivered" with received_by, signature and photo, delivery stop done;
- failed + second attempt: job "failed", attempts + 1, its delivery stop taken off the
  tour (tour, sequence, planned times, lock and done_at cleared); the pickup stop stays
  done on the tour, so the parcel is on that bike: the planner places the door again;
- failed + return: job "failed", attempts + 1, the delivery stop done (the attempt);
  the courier brings the parcel back and confirms at the shop with the order's code:
  job "returned", the shop order back in the shop ("Abholbereit", shopper told).
"""

from __future__ import annotations

import base64
import binascii
import io
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one
from digitalstadt.marketplace.services import shop_order_delivery_notice

from .models import Confirmation, Job, JobStatus, Stop, StopKind, Tour, TourStatus

__all__ = [
    "FAILURE_REASONS", "MAX_ATTEMPTS", "Confirmed", "job_confirm_delivered", "job_confirm_failed",
    "job_confirm_pickup", "job_confirm_returned", "user_may_confirm",
]

FAILURE_REASONS = (
    ("not_home", gettext_lazy("nicht angetroffen")),
    ("address_not_found", gettext_lazy("Adresse nicht gefunden")),
    ("refused", gettext_lazy("Annahme verweigert")),
    ("other", gettext_lazy("sonstiges")),
)
NEXT_STEPS = ("retry", "return")
MAX_ATTEMPTS = 2
SIGNATURE_MAX_BYTES = 200 * 1024
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
MANAGER_ROLES = frozenset({"owner", "admin"})


@dataclass(frozen=True)
class Confirmed:
    job: Job
    applied: bool  # False: this client_id was applied before (nothing changed now)


def _client_id(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value or ""))
    except (ValueError, AttributeError, TypeError):
        raise ValidationError(_("Die Bestätigung hat keine gültige Kennung. Bitte laden Sie die Seite neu."),
                              code="client_id") from None


def _happened(value: datetime | None) -> datetime:
    """When the courier confirmed (the phone's time, for confirmations queued offline);
    a time in the future or more than a day back is not believed."""
    now = timezone.now()
    if value is None or timezone.is_naive(value) or value > now + timedelta(minutes=5) or value < now - timedelta(
            days=1):
        return now
    return value


def user_may_confirm(*, user: Any, tour) -> bool:
    from digitalstadt.accounts.selectors import membership_for

    if not getattr(user, "is_authenticated", False) or tour is None:
        return False
    if tour.shift.driver_id == user.pk:
        return True
    membership = membership_for(user=user, organisation=tour.organisation)
    return membership is not None and membership.role in MANAGER_ROLES


def _stop_for(actor, stop_id, kind: str) -> Stop:
    try:
        stop_id = int(stop_id)
    except (TypeError, ValueError):
        stop_id = 0
    stop = (Stop.unscoped_objects.filter(pk=stop_id, kind=kind)
            .select_related("tour__shift", "tour__organisation", "job").first())
    if stop is None or not user_may_confirm(user=actor, tour=stop.tour):
        # Someone else's stop does not exist for this courier.
        raise PermissionDenied(_("Diesen Stopp gibt es in Ihrer Tour nicht."))
    return stop


def _begin(*, actor, stop_id, kind: str, client_id, confirmation: str):
    """In the transaction: the stop (permission checked), the job locked, and the
    earlier Confirmation of this client_id if there is one."""
    client_id = _client_id(client_id)
    stop = _stop_for(actor, stop_id, kind)
    job = lock_one(Job.unscoped_objects.filter(pk=stop.job_id, organisation_id=stop.organisation_id))
    earlier = Confirmation.unscoped_objects.filter(client_id=client_id).first()
    if earlier is not None and (earlier.job_id != job.pk or earlier.kind != confirmation):
        raise ValidationError(_("Diese Bestätigung wurde schon für einen anderen Stopp verwendet."),
                              code="client_id_reused")
    stop.refresh_from_db()
    return client_id, stop, job, earlier


def _record(*, client_id, job: Job, kind: str, happened_at: datetime, actor, stop: Stop | None = None) -> None:
    Confirmation.unscoped_objects.create(organisation_id=job.organisation_id, client_id=client_id, job=job,
                                         kind=kind, happened_at=happened_at, by=actor)
    if stop is not None and stop.tour_id:
        _tour_progress(stop=stop, job=job, happened_at=happened_at, at_shop=kind in ("pickup", "returned"))


def _tour_progress(*, stop: Stop, job: Job, happened_at: datetime, at_shop: bool) -> None:
    """The tour is out once its first stop is confirmed, done when no stop is open; the
    bike's last known position is where it confirmed (re-planning starts there)."""
    latitude, longitude = ((job.pickup_latitude, job.pickup_longitude) if at_shop
                           else (job.latitude, job.longitude))
    Tour.unscoped_objects.filter(pk=stop.tour_id).update(position_latitude=latitude, position_longitude=longitude,
                                                         position_at=happened_at)
    Tour.unscoped_objects.filter(pk=stop.tour_id, status=TourStatus.PLANNED).update(status=TourStatus.STARTED,
                                                                                   started_at=happened_at)
    if not Stop.unscoped_objects.filter(tour_id=stop.tour_id, done_at__isnull=True).exists():
        Tour.unscoped_objects.filter(pk=stop.tour_id).update(status=TourStatus.DONE, finished_at=happened_at)


def _audit(actor, action: str, job: Job, **data) -> None:
    audit_log(actor=actor, action=action, subject=job, data_subject=job.shop_order.order.shopper,
              data={"shop_order": job.shop_order.number, "status": job.status, **data})


def _wrong_status(job: Job) -> ValidationError:
    return ValidationError(_("Dieser Auftrag ist im Status „%(status)s“; das geht jetzt nicht.")
                           % {"status": job.get_status_display()}, code="wrong_status")


def job_confirm_pickup(*, stop_id, pickup_code: str, client_id, actor: Any,
                       happened_at: datetime | None = None) -> Confirmed:
    """At the shop: the parcel's code (scanned QR "abholung:CODE" or typed) is the
    order's pickup code; the job is on its way and the shop order handed to the courier."""
    from digitalstadt.marketplace.services import shop_order_handed_to_courier

    with transaction.atomic():
        client_id, stop, job, earlier = _begin(actor=actor, stop_id=stop_id, kind=StopKind.PICKUP,
                                               client_id=client_id, confirmation="pickup")
        if earlier is not None:
            return Confirmed(job=job, applied=False)
        if job.status not in (JobStatus.WAITING, JobStatus.READY):
            raise _wrong_status(job)
        shop_order_handed_to_courier(shop_order_id=job.shop_order_id, pickup_code=pickup_code, actor=actor)
        when = _happened(happened_at)
        job.status = JobStatus.PICKED_UP
        job.picked_up_at = when
        job.save(update_fields=["status", "picked_up_at", "updated_at"])
        Stop.unscoped_objects.filter(pk=stop.pk).update(done_at=when)
        _record(client_id=client_id, job=job, kind="pickup", happened_at=when, actor=actor, stop=stop)
        _audit(actor, "delivery.picked_up", job, stop=stop.pk)
        shop_order_delivery_notice(shop_order_id=job.shop_order_id, event="on_the_way")
    return Confirmed(job=job, applied=True)


def _signature(data_url: str) -> bytes | None:
    """A PNG data URL from the signature canvas, checked and re-encoded (no metadata)."""
    from PIL import Image, UnidentifiedImageError

    text = (data_url or "").strip()
    if not text:
        return None
    prefix = "data:image/png;base64,"
    if not text.startswith(prefix):
        raise ValidationError(_("Die Unterschrift muss ein PNG-Bild sein."), code="signature")
    if len(text) > SIGNATURE_MAX_BYTES * 4 // 3 + len(prefix) + 4:
        raise ValidationError(_("Die Unterschrift ist zu groß (höchstens %(kb)s KB).")
                              % {"kb": SIGNATURE_MAX_BYTES // 1024}, code="signature")
    try:
        raw = base64.b64decode(text[len(prefix):], validate=True)
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG" or image.width * image.height > 4000 * 4000:
                raise ValidationError(_("Die Unterschrift muss ein PNG-Bild sein."), code="signature")
            image.load()
            out = io.BytesIO()
            image.convert("LA" if image.mode in ("L", "LA") else "RGBA").save(out, format="PNG", optimize=True)
    except (binascii.Error, ValueError, OSError, UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError(_("Die Unterschrift ist kein lesbares PNG-Bild."), code="signature") from None
    return out.getvalue()


def _photo(upload) -> bytes | None:
    """A JPEG or PNG from the phone's camera, re-encoded as JPEG (EXIF, position and
    all other metadata removed; turned upright; at most 1600 px on the long side)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload is None:
        return None
    size = getattr(upload, "size", None)
    if size == 0:
        return None
    limit = int(getattr(settings, "DELIVERY_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES))
    if size is not None and size > limit:
        raise ValidationError(_("Das Foto ist größer als %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
                              code="photo")
    data = upload if isinstance(upload, bytes) else upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_("Das Foto ist größer als %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
                              code="photo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG"):
                raise ValidationError(_("Das Foto muss ein JPEG- oder PNG-Bild sein."), code="photo")
            image = ImageOps.exif_transpose(image)
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=80, optimize=True)
    except (ValueError, OSError, UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError(_("Das Foto ist kein lesbares JPEG- oder PNG-Bild."), code="photo") from None
    return out.getvalue()


def job_confirm_delivered(*, stop_id, received_by: str, client_id, actor: Any, signature: str = "",
                          photo=None, happened_at: datetime | None = None) -> Confirmed:
    """At the door: who took the parcel (the typed name is the signature when nobody
    can draw one), the drawn signature (PNG data URL) and a photo (both optional)."""
    name = " ".join((received_by or "").split())
    if not name:
        raise ValidationError(_("Bitte geben Sie den Namen der Person ein, die die Sendung entgegennimmt."),
                              code="received_by")
    if len(name) > 200:
        raise ValidationError(_("Der Name darf höchstens 200 Zeichen lang sein."), code="received_by")
    signature_png = _signature(signature)
    photo_jpeg = _photo(photo)
    with transaction.atomic():
        client_id, stop, job, earlier = _begin(actor=actor, stop_id=stop_id, kind=StopKind.DELIVERY,
                                               client_id=client_id, confirmation="delivered")
        if earlier is not None:
            return Confirmed(job=job, applied=False)
        if job.status != JobStatus.PICKED_UP:
            raise _wrong_status(job)
        when = _happened(happened_at)
        job.status = JobStatus.DELIVERED
        job.delivered_at = when
        job.received_by = name
        job.signature_png = signature_png
        job.photo_jpeg = photo_jpeg
        job.save(update_fields=["status", "delivered_at", "received_by", "signature_png", "photo_jpeg",
                                "updated_at"])
        Stop.unscoped_objects.filter(pk=stop.pk).update(done_at=when)
        _record(client_id=client_id, job=job, kind="delivered", happened_at=when, actor=actor, stop=stop)
        _audit(actor, "delivery.delivered", job, stop=stop.pk, signature=signature_png is not None,
               photo=photo_jpeg is not None)
        shop_order_delivery_notice(shop_order_id=job.shop_order_id, event="delivered", received_by=job.received_by)
    return Confirmed(job=job, applied=True)


def job_confirm_failed(*, stop_id, reason: str, client_id, actor: Any, next_step: str, note: str = "",
                       happened_at: datetime | None = None) -> Confirmed:
    """Nobody took the parcel: the reason, then a second attempt (planned again) or
    back to the shop. After MAX_ATTEMPTS attempts it goes back to the shop."""
    reasons = dict(FAILURE_REASONS)
    if reason not in reasons:
        raise ValidationError(_("Bitte wählen Sie einen Grund."), code="reason")
    note = " ".join((note or "").split())
    if reason == "other" and not note:
        raise ValidationError(_("Bitte beschreiben Sie den Grund."), code="note")
    if len(note) > 250:
        raise ValidationError(_("Die Beschreibung darf höchstens 250 Zeichen lang sein."), code="note")
    if next_step not in NEXT_STEPS:
        raise ValidationError(_("Bitte wählen Sie: neuer Zustellversuch oder zurück ins Geschäft."),
                              code="next_step")
    with transaction.atomic():
        client_id, stop, job, earlier = _begin(actor=actor, stop_id=stop_id, kind=StopKind.DELIVERY,
                                               client_id=client_id, confirmation="failed")
        if earlier is not None:
            return Confirmed(job=job, applied=False)
        if job.status != JobStatus.PICKED_UP:
            raise _wrong_status(job)
        if next_step == "retry" and job.attempts + 1 >= MAX_ATTEMPTS:
            raise ValidationError(_("Nach %(n)s Zustellversuchen geht die Sendung zurück ins Geschäft.")
                                  % {"n": MAX_ATTEMPTS}, code="too_many_attempts")
        when = _happened(happened_at)
        label = str(reasons[reason]) + (f": {note}" if note else "")
        # A second attempt: the parcel stays on the bike (on its way again) and the
        # delivery is planned anew; otherwise it goes back to the shop.
        job.status = JobStatus.PICKED_UP if next_step == "retry" else JobStatus.FAILED
        job.attempts += 1
        job.failed_at = when
        job.failure_reason = label[:300]
        job.save(update_fields=["status", "attempts", "failed_at", "failure_reason", "updated_at"])
        if next_step == "retry":
            Stop.unscoped_objects.filter(pk=stop.pk).update(tour=None, sequence=0, planned_arrival=None,
                                                            planned_departure=None, locked=False, done_at=None)
        else:
            Stop.unscoped_objects.filter(pk=stop.pk).update(done_at=when)
        _record(client_id=client_id, job=job, kind="failed", happened_at=when, actor=actor, stop=stop)
        _audit(actor, "delivery.failed", job, stop=stop.pk, reason=reason, next_step=next_step,
               attempts=job.attempts)
        shop_order_delivery_notice(shop_order_id=job.shop_order_id, event="delivery_failed", reason=label,
                                   retry=next_step == "retry")
    return Confirmed(job=job, applied=True)


def job_confirm_returned(*, stop_id, pickup_code: str, client_id, actor: Any,
                         happened_at: datetime | None = None) -> Confirmed:
    """Back at the shop with a parcel that could not be delivered: the shop shows the
    order's code (on its order page), the courier types or scans it; the order is in
    the shop again. `stop_id` is the job's pickup stop (the shop)."""
    from digitalstadt.marketplace.services import normalise_pickup_code, shop_order_back_in_shop

    with transaction.atomic():
        client_id, stop, job, earlier = _begin(actor=actor, stop_id=stop_id, kind=StopKind.PICKUP,
                                               client_id=client_id, confirmation="returned")
        if earlier is not None:
            return Confirmed(job=job, applied=False)
        if job.status != JobStatus.FAILED:
            raise _wrong_status(job)
        import hmac

        code = normalise_pickup_code(pickup_code)
        if not code:
            raise ValidationError(_("Bitte geben Sie den Abholcode ein oder scannen Sie den QR-Code."),
                                  code="no_code")
        if not hmac.compare_digest(code.encode(), normalise_pickup_code(job.shop_order.pickup_code).encode()):
            raise ValidationError(_("Dieser Abholcode gehört nicht zu dieser Bestellung. Bitte prüfen Sie den Code "
                                    "auf dem Paket."), code="wrong_code")
        when = _happened(happened_at)
        shop_order_back_in_shop(shop_order_id=job.shop_order_id, actor=actor, reason=job.failure_reason)
        job.status = JobStatus.RETURNED
        job.returned_at = when
        job.save(update_fields=["status", "returned_at", "updated_at"])
        # A delivery stop still waiting (a second attempt not yet made) is gone.
        Stop.unscoped_objects.filter(job=job, kind=StopKind.DELIVERY, done_at__isnull=True).update(
            tour=None, done_at=when)
        _record(client_id=client_id, job=job, kind="returned", happened_at=when, actor=actor, stop=stop)
        _audit(actor, "delivery.returned", job, stop=stop.pk)
    return Confirmed(job=job, applied=True)
