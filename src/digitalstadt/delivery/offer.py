"""Same-day delivery as a marketplace fulfilment method.

Which courier service delivers: one whose active zones contain both the shop's
district and the delivery address's district (addresses get their district from the
geocoder plugin). The windows come from the courier's weekly templates; today's are
offered only before the cut-off time of the address's zone (without an address yet,
before the latest cut-off of the courier's zones: the checkout checks the zone again),
later days up to `DELIVERY_DAYS_AHEAD`, never on public holidays. A window is scarce:
`take` locks its row (core.locking.lock_rows), re-checks the free places and counts
them; the CHECK constraint `taken <= capacity` is the last guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digitalstadt.core.audit import audit_log
from digitalstadt.core.geocoding import geocode
from digitalstadt.core.holidays import public_holidays
from digitalstadt.core.locking import lock_rows, race_window
from digitalstadt.marketplace.registry import FulfilmentMethod, PickupWindow

from .models import DeliveryFee, DeliveryWindow, DeliveryZone, Job, JobStatus, Stop, StopKind, WindowTemplate

DELIVERY = "delivery"


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _zones():
    return list(DeliveryZone.unscoped_objects.filter(active=True, organisation__kind="courier")
                .select_related("organisation").order_by("organisation__name", "name"))


def zone_for_district(district: str, *, courier_id: int | None = None) -> DeliveryZone | None:
    for zone in _zones():
        if district and district in zone.districts and (courier_id is None or zone.organisation_id == courier_id):
            return zone
    return None


def courier_for_shop(shop) -> int | None:
    """The courier service that collects at this shop (its zones cover the shop's district)."""
    zone = zone_for_district(shop.district or "")
    return zone.organisation_id if zone else None


@dataclass(frozen=True)
class Destination:
    zone: DeliveryZone
    latitude: object
    longitude: object
    district: str


def locate(address: dict | None, *, courier_id: int | None = None) -> Destination | None:
    """The address's position and zone, or None when it is unknown or not served."""
    if not address or not (address.get("street") or "").strip():
        return None
    from digitalstadt.core.geocoding import split_street

    street, number = split_street(address["street"])
    position = geocode(street=street, house_number=number, postal_code=address.get("postal_code", ""),
                       city=address.get("city") or "")
    if position is None:
        return None
    zone = zone_for_district(position.district, courier_id=courier_id)
    if zone is None:
        return None
    return Destination(zone=zone, latitude=position.latitude, longitude=position.longitude,
                       district=position.district)


def ensure_windows(*, courier_id: int, day: date) -> None:
    """The day's windows from the courier's templates (idempotent, safe under concurrency)."""
    tz = _tz()
    rows = [DeliveryWindow(organisation_id=courier_id, day=day,
                           starts_at=datetime.combine(day, t.starts, tzinfo=tz),
                           ends_at=datetime.combine(day, t.ends, tzinfo=tz), capacity=t.capacity)
            for t in WindowTemplate.unscoped_objects.filter(organisation_id=courier_id, weekday=day.weekday())]
    if rows:
        DeliveryWindow.unscoped_objects.bulk_create(rows, ignore_conflicts=True)


def _days(now: datetime, cutoff, weekdays: set[int]) -> list[date]:
    """The next `DELIVERY_DAYS_AHEAD` days with delivery (a weekday with windows, not a
    public holiday); today only before the cut-off."""
    local = now.astimezone(_tz())
    ahead = int(getattr(settings, "DELIVERY_DAYS_AHEAD", 3))
    feiertage = public_holidays([local.year, local.year + 1])
    days: list[date] = []
    for offset in range(15):
        day = local.date() + timedelta(days=offset)
        if offset == 0 and (cutoff is None or local.time() >= cutoff):
            continue  # after the cut-off: from the next day on
        if day.weekday() in weekdays and day not in feiertage:
            days.append(day)
        if len(days) >= ahead:
            break
    return days


def delivery_windows(*, courier_id: int, zone: DeliveryZone | None, now: datetime) -> list[DeliveryWindow]:
    """The courier's windows a shopper can choose now (free places, not yet begun)."""
    cutoffs = [zone.cutoff] if zone else [z.cutoff for z in _zones() if z.organisation_id == courier_id]
    weekdays = set(WindowTemplate.unscoped_objects.filter(organisation_id=courier_id).values_list("weekday",
                                                                                                  flat=True))
    days = _days(now, max(cutoffs) if cutoffs else None, weekdays)
    # Only days not yet built are written: an insert that meets a window row another
    # checkout has just counted would wait for that checkout's commit.
    built = set(DeliveryWindow.unscoped_objects.filter(organisation_id=courier_id, day__in=days)
                .values_list("day", flat=True))
    for day in days:
        if day not in built:
            ensure_windows(courier_id=courier_id, day=day)
    return list(DeliveryWindow.unscoped_objects.filter(organisation_id=courier_id, day__in=days,
                                                       starts_at__gt=now, taken__lt=F("capacity"))
                .order_by("starts_at"))


def _offered(*, shop, lines) -> bool:
    return (shop.latitude is not None and courier_for_shop(shop) is not None
            and all(line.variant.product.shippable for line in lines))


def _windows(*, shop, now=None, address=None, **kwargs) -> list[PickupWindow]:
    now = now or timezone.now()
    courier_id = courier_for_shop(shop)
    if courier_id is None:
        return []
    destination = locate(address, courier_id=courier_id) if address else None
    return [PickupWindow(start=w.starts_at, end=w.ends_at, free=w.free)
            for w in delivery_windows(courier_id=courier_id, zone=destination.zone if destination else None,
                                      now=now)]


def fee_for(*, zone: DeliveryZone, day: date) -> int:
    fee = (DeliveryFee.unscoped_objects.filter(zone=zone, valid_from__lte=day)
           .exclude(valid_until__lt=day).order_by("-valid_from").first())
    return fee.fee_cents if fee else 0


def _not_served() -> ValidationError:
    return ValidationError(_("An diese Adresse liefern wir leider nicht: Die Adresse ist unbekannt oder liegt "
                             "außerhalb der Liefergebiete. Bitte prüfen Sie Straße und Postleitzahl oder wählen "
                             "Sie die Abholung."), code="address")


def _quote(*, shop, address, window_start, now=None, **kwargs) -> int:
    now = now or timezone.now()
    courier_id = courier_for_shop(shop)
    destination = locate(address, courier_id=courier_id) if courier_id else None
    if destination is None:
        raise _not_served()
    if window_start is None or not any(
            w.starts_at == window_start for w in delivery_windows(courier_id=courier_id, zone=destination.zone,
                                                                   now=now)):
        raise ValidationError(_("Das gewählte Lieferfenster ist für diese Adresse nicht mehr möglich (ausgebucht "
                                "oder nach dem Bestellschluss um %(cutoff)s Uhr). Bitte wählen Sie ein anderes.")
                              % {"cutoff": destination.zone.cutoff.strftime("%H:%M")}, code="window")
    return fee_for(zone=destination.zone, day=window_start.astimezone(_tz()).date())


def _take(*, placements, address, now=None, **kwargs) -> None:
    now = now or timezone.now()
    needed: dict[tuple[int, datetime], list] = {}
    destinations = {}
    for placement in placements:
        courier_id = courier_for_shop(placement.shop_order.shop)
        needed.setdefault((courier_id, placement.window_start), []).append(placement)
        if courier_id not in destinations:
            # Geocoded before any lock is taken (a remote geocoder may take seconds).
            destinations[courier_id] = locate(address, courier_id=courier_id)
    if not all(destinations.values()):
        raise _not_served()
    # Every window row of this checkout, locked in one order (by key), then re-checked.
    windows = {(w.organisation_id, w.starts_at): w for w in lock_rows(DeliveryWindow.unscoped_objects.filter(
        organisation_id__in={c for c, _s in needed}, starts_at__in={s for _c, s in needed}))}
    for (courier_id, start), orders in sorted(needed.items(), key=lambda item: (item[0][0], item[0][1])):
        window = windows.get((courier_id, start))
        if window is None or window.free < len(orders):
            raise ValidationError(_("Das gewählte Lieferfenster ist gerade ausgebucht worden. Bitte wählen Sie "
                                    "ein anderes."), code="window")
        race_window("delivery.window_taken")
        destination = destinations[courier_id]
        DeliveryWindow.unscoped_objects.filter(pk=window.pk).update(taken=F("taken") + len(orders))
        for placement in orders:
            shop_order, fee_cents = placement.shop_order, placement.fee_cents
            shop = shop_order.shop
            order = shop_order.order
            job = Job.unscoped_objects.create(
                organisation_id=courier_id, shop_order=shop_order, window=window, zone=destination.zone,
                shop_name=shop.name[:200], pickup_street=f"{shop.street}, {shop.postal_code}"[:200],
                pickup_latitude=shop.latitude, pickup_longitude=shop.longitude,
                recipient=order.name[:200], phone=order.phone[:50], street=address.get("street", "")[:200],
                postal_code=address.get("postal_code", "")[:10], city=(address.get("city") or "Darmstadt")[:100],
                district=destination.district[:100], note=address.get("note", "")[:300],
                latitude=destination.latitude, longitude=destination.longitude,
                volume_litres=max(1, placement.items) * int(getattr(settings, "DELIVERY_LITRES_PER_ITEM", 4)),
                weight_grams=max(1, placement.items) * int(getattr(settings, "DELIVERY_GRAMS_PER_ITEM", 1000)),
                fee_cents=fee_cents)
            Stop.unscoped_objects.bulk_create([
                Stop(organisation_id=courier_id, job=job, kind=StopKind.PICKUP),
                Stop(organisation_id=courier_id, job=job, kind=StopKind.DELIVERY)])
            audit_log(actor=order.shopper, action="delivery.job_created", subject=job, data_subject=order.shopper,
                      data={"shop_order": shop_order.number, "window": start.isoformat(), "zone": destination.zone.name})


# The catalogue has no parcel sizes yet: a few litres and a kilogram per item (settings).


def _detail(*, shop_order, **kwargs) -> dict | None:
    from django.urls import reverse

    job = Job.unscoped_objects.filter(shop_order=shop_order).select_related("window").first()
    if job is None:
        return None
    return {"url": reverse("delivery-track:job", kwargs={"token": job.tracking_token}),
            "label": _("Lieferung verfolgen"), "status": job.get_status_display(),
            "window_start": job.window.starts_at, "window_end": job.window.ends_at}


def _release(*, shop_order, **kwargs) -> None:
    """A cancelled or expired shop order: its job is cancelled, its window place freed,
    its stops leave their tour. A parcel already with the courier is not undone here."""
    job = Job.unscoped_objects.filter(shop_order=shop_order).first()
    if job is None or job.status not in (JobStatus.WAITING, JobStatus.READY):
        return
    lock_rows(DeliveryWindow.unscoped_objects.filter(pk=job.window_id))
    DeliveryWindow.unscoped_objects.filter(pk=job.window_id, taken__gt=0).update(taken=F("taken") - 1)
    Job.unscoped_objects.filter(pk=job.pk).update(status=JobStatus.CANCELLED)
    Stop.unscoped_objects.filter(job=job).update(tour=None, sequence=0, locked=False)
    audit_log(actor=None, action="delivery.job_cancelled", subject=job, data={"shop_order": shop_order.number})


def _status_changed(*, shop_order, **kwargs) -> None:
    """The shop has packed the order: the parcel is ready for the courier."""
    if shop_order.status == "ready":
        Job.unscoped_objects.filter(shop_order=shop_order, status=JobStatus.WAITING).update(status=JobStatus.READY)


DELIVERY_METHOD = FulfilmentMethod(
    DELIVERY, gettext_lazy("Lieferung am selben Tag (Lastenrad)"),
    gettext_lazy("Sie bezahlen jetzt online; ein Kurier bringt die Ware im gewählten Lieferfenster an Ihre Tür. "
                 "Bis zum Bestellschluss bestellt, noch am selben Tag."),
    pay_online=True, order=15, offered=_offered, windows=_windows, window_label=gettext_lazy(
        "Lieferfenster (bei Lieferung)"), needs_address=True, fee_label=gettext_lazy("Lieferung am selben Tag"),
    quote=_quote, take=_take, detail=_detail, release=_release,
    status_changed=_status_changed)
