"""Same-day delivery by city couriers (issue 13).

A courier service is an Organisation of kind courier; its drivers are members with the
driver role. It has hubs (depots where bikes start, end and reload), cargo bikes with a
capacity (volume and weight), shifts, delivery zones (city districts, each with its
cut-off time) and delivery windows with a capacity. Each shop order with delivery
becomes one Job: a pickup at the shop and a delivery at the door, in the window the
shopper chose. The planner (planner.py, PyVRP) puts jobs into tours of stops.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.scoping import organisation_scoped


class CourierScoped(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("Kurierdienst"))

    objects = organisation_scoped()
    unscoped_objects = models.Manager()

    class Meta:
        abstract = True
        base_manager_name = "unscoped_objects"


class Hub(CourierScoped):
    name = models.CharField(_("Name"), max_length=120)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10)
    latitude = models.DecimalField(_("Breitengrad"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("Längengrad"), max_digits=9, decimal_places=6)
    active = models.BooleanField(_("in Betrieb"), default=True)

    class Meta(CourierScoped.Meta):
        verbose_name = _("Hub")
        verbose_name_plural = _("Hubs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Bike(CourierScoped):
    name = models.CharField(_("Name"), max_length=80)
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="bikes", verbose_name=_("Heimat-Hub"))
    volume_litres = models.PositiveIntegerField(_("Ladevolumen (Liter)"), default=300)
    payload_kg = models.PositiveIntegerField(_("Zuladung (kg)"), default=120)
    active = models.BooleanField(_("im Einsatz"), default=True)

    class Meta(CourierScoped.Meta):
        verbose_name = _("Lastenrad")
        verbose_name_plural = _("Lastenräder")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Shift(CourierScoped):
    bike = models.ForeignKey(Bike, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("Lastenrad"))
    driver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("Fahrer/in"))
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("Start und Ende"))
    day = models.DateField(_("Tag"), db_index=True)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))

    class Meta(CourierScoped.Meta):
        verbose_name = _("Schicht")
        verbose_name_plural = _("Schichten")
        ordering = ["day", "starts_at", "bike__name"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="shift_starts_before_end"),
            models.UniqueConstraint(fields=["bike", "day"], name="one_shift_per_bike_day"),
        ]


class DeliveryZone(CourierScoped):
    name = models.CharField(_("Name"), max_length=120)
    districts = models.JSONField(_("Stadtteile"), default=list)
    cutoff = models.TimeField(_("Bestellschluss für die Lieferung am selben Tag"))
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta(CourierScoped.Meta):
        verbose_name = _("Liefergebiet")
        verbose_name_plural = _("Liefergebiete")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryFee(CourierScoped):
    """The shopper's delivery fee for a zone, as data with a validity period; frozen on
    the job when the order is placed."""

    zone = models.ForeignKey(DeliveryZone, on_delete=models.CASCADE, related_name="fees")
    valid_from = models.DateField(_("gültig ab"))
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)
    fee_cents = models.PositiveIntegerField(_("Liefergebühr in Cent (brutto)"))

    class Meta(CourierScoped.Meta):
        verbose_name = _("Liefergebühr")
        verbose_name_plural = _("Liefergebühren")
        ordering = ["zone", "-valid_from"]


class WindowTemplate(CourierScoped):
    """A delivery window offered on a weekday (e.g. Monday 16-18 with 40 places)."""

    weekday = models.PositiveSmallIntegerField(_("Wochentag"))
    starts = models.TimeField(_("von"))
    ends = models.TimeField(_("bis"))
    capacity = models.PositiveSmallIntegerField(_("Lieferungen je Fenster"))

    class Meta(CourierScoped.Meta):
        verbose_name = _("Lieferfenster (Vorlage)")
        verbose_name_plural = _("Lieferfenster (Vorlagen)")
        ordering = ["weekday", "starts"]
        constraints = [models.CheckConstraint(condition=Q(starts__lt=F("ends")), name="window_template_order")]


class DeliveryWindow(CourierScoped):
    """One concrete window on one day: the scarce resource taken at checkout (under the
    locking helper; the CHECK constraint is the last guard against overbooking)."""

    day = models.DateField(_("Tag"), db_index=True)
    starts_at = models.DateTimeField(_("von"))
    ends_at = models.DateTimeField(_("bis"))
    capacity = models.PositiveSmallIntegerField(_("Plätze"))
    taken = models.PositiveSmallIntegerField(_("vergeben"), default=0)

    class Meta(CourierScoped.Meta):
        verbose_name = _("Lieferfenster")
        verbose_name_plural = _("Lieferfenster")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "starts_at"], name="one_delivery_window_per_start"),
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="delivery_window_not_overbooked"),
        ]

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


class JobStatus(models.TextChoices):
    WAITING = "waiting", _("wartet auf das Geschäft")
    READY = "ready", _("zur Abholung bereit")
    PICKED_UP = "picked_up", _("unterwegs")
    DELIVERED = "delivered", _("zugestellt")
    FAILED = "failed", _("nicht zugestellt")
    RETURNED = "returned", _("zurück im Geschäft")
    CANCELLED = "cancelled", _("storniert")


OPEN_JOB_STATUSES = (JobStatus.WAITING, JobStatus.READY, JobStatus.PICKED_UP, JobStatus.FAILED)


class Job(CourierScoped):
    """A shop order delivered: pickup at the shop, delivery at the door."""

    shop_order = models.OneToOneField("marketplace.ShopOrder", on_delete=models.PROTECT, related_name="delivery_job")
    tracking_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    window = models.ForeignKey(DeliveryWindow, on_delete=models.PROTECT, related_name="jobs")
    zone = models.ForeignKey(DeliveryZone, on_delete=models.PROTECT, related_name="jobs")
    # The pickup (a copy of the shop's place when the order was placed).
    shop_name = models.CharField(_("Geschäft"), max_length=200)
    pickup_street = models.CharField(_("Abholadresse"), max_length=200)
    pickup_latitude = models.DecimalField(max_digits=9, decimal_places=6)
    pickup_longitude = models.DecimalField(max_digits=9, decimal_places=6)
    # The delivery.
    recipient = models.CharField(_("Empfänger/in"), max_length=200)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10)
    city = models.CharField(_("Ort"), max_length=100)
    district = models.CharField(_("Stadtteil"), max_length=100, blank=True)
    note = models.CharField(_("Hinweis für den Kurier"), max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    volume_litres = models.PositiveIntegerField(_("Volumen (Liter)"), default=10)
    weight_grams = models.PositiveIntegerField(_("Gewicht (g)"), default=3000)
    fee_cents = models.PositiveIntegerField(_("Liefergebühr in Cent"), default=0)
    status = models.CharField(_("Status"), max_length=12, choices=JobStatus.choices, default=JobStatus.WAITING,
                              db_index=True)
    attempts = models.PositiveSmallIntegerField(_("Zustellversuche"), default=0)
    picked_up_at = models.DateTimeField(_("abgeholt am"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("zugestellt am"), null=True, blank=True)
    failed_at = models.DateTimeField(_("Zustellung gescheitert am"), null=True, blank=True)
    failure_reason = models.CharField(_("Grund"), max_length=300, blank=True)
    returned_at = models.DateTimeField(_("zurückgebracht am"), null=True, blank=True)
    # Proof of delivery (kept for the retention period, then erased by a job).
    received_by = models.CharField(_("entgegengenommen von"), max_length=200, blank=True)
    signature_png = models.BinaryField(_("Unterschrift"), null=True, blank=True)
    photo_jpeg = models.BinaryField(_("Foto"), null=True, blank=True)
    proof_erased_at = models.DateTimeField(_("Zustellnachweis gelöscht am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(CourierScoped.Meta):
        verbose_name = _("Lieferauftrag")
        verbose_name_plural = _("Lieferaufträge")
        ordering = ["window__starts_at", "pk"]


class TourStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    STARTED = "started", _("unterwegs")
    DONE = "done", _("abgeschlossen")


class Tour(CourierScoped):
    shift = models.OneToOneField(Shift, on_delete=models.PROTECT, related_name="tour")
    day = models.DateField(_("Tag"), db_index=True)
    status = models.CharField(_("Status"), max_length=10, choices=TourStatus.choices, default=TourStatus.PLANNED)
    started_at = models.DateTimeField(_("gestartet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("beendet"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("Strecke (m)"), default=0)
    duration_s = models.PositiveIntegerField(_("Dauer (s)"), default=0)
    planned_at = models.DateTimeField(_("geplant am"), null=True, blank=True)
    # The last known position of the bike (from the courier app), for re-planning.
    position_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    position_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    position_at = models.DateTimeField(null=True, blank=True)

    class Meta(CourierScoped.Meta):
        verbose_name = _("Tour")
        verbose_name_plural = _("Touren")
        ordering = ["day", "shift__starts_at", "pk"]


class StopKind(models.TextChoices):
    PICKUP = "pickup", _("Abholung")
    DELIVERY = "delivery", _("Zustellung")


class Stop(CourierScoped):
    tour = models.ForeignKey(Tour, null=True, blank=True, on_delete=models.SET_NULL, related_name="stops")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="stops")
    kind = models.CharField(_("Art"), max_length=10, choices=StopKind.choices)
    sequence = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    planned_arrival = models.DateTimeField(_("geplante Ankunft"), null=True, blank=True)
    planned_departure = models.DateTimeField(_("geplante Abfahrt"), null=True, blank=True)
    locked = models.BooleanField(_("festgelegt"), default=False)
    done_at = models.DateTimeField(_("erledigt"), null=True, blank=True)

    class Meta(CourierScoped.Meta):
        verbose_name = _("Stopp")
        verbose_name_plural = _("Stopps")
        ordering = ["tour", "sequence", "pk"]
        constraints = [models.UniqueConstraint(fields=["job", "kind"], name="one_stop_per_job_and_kind")]


class PlanRun(CourierScoped):
    """One run of the planner for a courier service and day (a task with a time budget)."""

    day = models.DateField(_("Tag"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.PositiveSmallIntegerField(default=10)
    status = models.CharField(max_length=10, default="queued")  # queued, running, done, failed
    summary = models.JSONField(default=dict)

    class Meta(CourierScoped.Meta):
        ordering = ["-requested_at"]


class Confirmation(CourierScoped):
    """A courier app confirmation, keyed by the app's own id: a confirmation queued while
    offline and sent twice is applied once."""

    client_id = models.UUIDField(unique=True)
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="confirmations")
    kind = models.CharField(max_length=12)  # pickup, delivered, failed, returned
    happened_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
