"""Appointments: locations, services offered there, counters, opening hours, closures,
capacity rows per slot, bookings, waiting list and the queue at the counter.

Capacity is one row per location and slot start (`Slot`: capacity, booked) with a
check constraint `booked <= capacity` as the last guard against double booking.
A booking holds consecutive slot rows (`BookingSlot`). Holds and unconfirmed bookings
carry `expires_at`; once it has passed they no longer count, whether or not the
clean-up job has released them (the search adds them back, the booking service
releases them under the same lock before re-checking).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.translation import Translated


class Location(models.Model):
    office = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="locations",
                               limit_choices_to={"kind": "office"}, verbose_name=_("Amt"))
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    name_de = models.CharField(_("Name (Deutsch)"), max_length=200)
    name_en = models.CharField(_("Name (Englisch)"), max_length=200, blank=True)
    name = Translated("name")
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10)
    city = models.CharField(_("Ort"), max_length=100, default="Darmstadt")
    latitude = models.DecimalField(_("Breitengrad"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("Längengrad"), max_digits=9, decimal_places=6, null=True, blank=True)
    accessibility_de = models.TextField(_("Barrierefreiheit (Deutsch)"), blank=True)
    accessibility_en = models.TextField(_("Barrierefreiheit (Englisch)"), blank=True)
    accessibility = Translated("accessibility")
    directions_de = models.TextField(_("Anfahrt und Zugang (Deutsch)"), blank=True)
    directions_en = models.TextField(_("Anfahrt und Zugang (Englisch)"), blank=True)
    directions = Translated("directions")
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("Zeitraster in Minuten"), default=10)
    booking_window_days = models.PositiveSmallIntegerField(_("Buchbar bis (Tage im Voraus)"), default=60)
    min_notice_minutes = models.PositiveIntegerField(_("Mindestvorlauf in Minuten"), default=120)
    hold_minutes = models.PositiveSmallIntegerField(_("Reservierung während der Eingabe (Minuten)"), default=10)
    confirm_within_minutes = models.PositiveIntegerField(_("Bestätigungsfrist per E-Mail (Minuten)"), default=60)
    holdback_minutes = models.PositiveIntegerField(_("Sperrzeit freigewordener Termine (Minuten)"), default=120)
    waitlist_offer_minutes = models.PositiveIntegerField(_("Angebotsfrist Warteliste (Minuten)"), default=60)
    max_active_per_email = models.PositiveSmallIntegerField(_("Höchstzahl offener Termine je Person"), default=2)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")
        ordering = ["name_de"]

    def __str__(self) -> str:
        return self.name_de


class LocationService(models.Model):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="offered_services")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="location_offers",
                                verbose_name=_("Leistung"))
    duration_minutes = models.PositiveSmallIntegerField(_("Dauer in Minuten (je Person)"))
    max_persons = models.PositiveSmallIntegerField(_("Höchstzahl Personen je Termin"), default=4)

    class Meta:
        verbose_name = _("Leistung am Standort")
        verbose_name_plural = _("Leistungen am Standort")
        constraints = [models.UniqueConstraint(fields=["location", "service"], name="one_offer_per_location_service")]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Counter(models.Model):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="counters")
    name = models.CharField(_("Bezeichnung"), max_length=50)
    is_active = models.BooleanField(_("in Betrieb"), default=True)

    class Meta:
        verbose_name = _("Schalter")
        verbose_name_plural = _("Schalter")
        ordering = ["location", "name"]
        constraints = [models.UniqueConstraint(fields=["location", "name"], name="unique_counter_name")]

    def __str__(self) -> str:
        return f"{self.location}: {self.name}"


class HoursKind(models.TextChoices):
    APPOINTMENTS = "appointments", _("Termine")
    WALK_IN = "walk_in", _("ohne Termin")


class OpeningHours(models.Model):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    kind = models.CharField(_("Art"), max_length=16, choices=HoursKind.choices, default=HoursKind.APPOINTMENTS)
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=[
        (0, _("Montag")), (1, _("Dienstag")), (2, _("Mittwoch")), (3, _("Donnerstag")), (4, _("Freitag")),
        (5, _("Samstag")), (6, _("Sonntag"))])
    opens = models.TimeField(_("von"))
    closes = models.TimeField(_("bis"))
    counters = models.PositiveSmallIntegerField(_("geöffnete Schalter"), default=1)
    valid_from = models.DateField(_("gültig ab"))
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)

    class Meta:
        verbose_name = _("Öffnungszeit")
        verbose_name_plural = _("Öffnungszeiten")
        ordering = ["location", "kind", "weekday", "opens"]
        constraints = [models.CheckConstraint(condition=models.Q(opens__lt=models.F("closes")),
                                              name="hours_open_before_close")]

    def __str__(self) -> str:
        return f"{self.location} {self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("geschlossen vom"))
    ends_on = models.DateField(_("bis einschließlich"))
    reason_de = models.CharField(_("Grund (Deutsch)"), max_length=200)
    reason_en = models.CharField(_("Grund (Englisch)"), max_length=200, blank=True)
    reason = Translated("reason")

    class Meta:
        verbose_name = _("Schließtag")
        verbose_name_plural = _("Schließtage")
        ordering = ["starts_on"]


class Slot(models.Model):
    """Capacity of one location at one slot start: how many appointments can start
    their first grid unit here (counters open then) and how many are taken."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["location", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["location", "starts_at"], name="one_slot_row_per_location_start"),
            models.CheckConstraint(condition=models.Q(booked__lte=models.F("capacity")), name="slot_booked_lte_capacity"),
        ]
        indexes = [models.Index(fields=["location", "starts_at", "booked", "capacity"], name="slot_search")]

    def __str__(self) -> str:
        return f"{self.location_id}@{self.starts_at:%Y-%m-%d %H:%M} {self.booked}/{self.capacity}"


class BookingStatus(models.TextChoices):
    HELD = "held", _("reserviert (Eingabe läuft)")
    PENDING = "pending", _("wartet auf Bestätigung")
    CONFIRMED = "confirmed", _("bestätigt")
    CANCELLED = "cancelled", _("abgesagt")
    RESCHEDULED = "rescheduled", _("verschoben")
    EXPIRED = "expired", _("verfallen")
    CHECKED_IN = "checked_in", _("angekommen")
    SERVED = "served", _("erledigt")
    NO_SHOW = "no_show", _("nicht erschienen")


# Statuses that occupy capacity (expired holds/pending excepted, see expires_at).
OCCUPYING = [BookingStatus.HELD, BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN]
ACTIVE_FOR_PERSON = [BookingStatus.PENDING, BookingStatus.CONFIRMED]


class Booking(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("Buchungsnummer"), max_length=12, unique=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField(_("Beginn"), db_index=True)
    ends_at = models.DateTimeField(_("Ende"))
    status = models.CharField(_("Status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.HELD)
    # Holds and unconfirmed bookings stop counting at this time.
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="bookings")
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True, db_index=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    language = models.CharField(max_length=8, default="de")
    manage_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Calendar identity (RFC 5545): a rescheduled booking keeps the UID of the one it
    # replaces, with a higher SEQUENCE, so calendar apps update the entry.
    calendar_uid = models.UUIDField(null=True, blank=True, editable=False)
    calendar_sequence = models.PositiveIntegerField(default=0)
    moved_to = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="moved_from", verbose_name=_("verschoben auf"))

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["status", "expires_at"], name="booking_expiry")]

    def __str__(self) -> str:
        return f"{self.code} {self.location_id} {self.starts_at:%Y-%m-%d %H:%M} ({self.status})"


class BookingService(models.Model):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="booked_services")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    persons = models.PositiveSmallIntegerField(default=1)
    duration_minutes = models.PositiveSmallIntegerField()


class BookingSlot(models.Model):
    """The slot rows a booking occupies (its start and every following grid unit)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="booking_slots")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="booking_slots")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["booking", "slot"], name="booking_slot_once")]


class SlotHoldback(models.Model):
    """A freed place that returns to the public only at `public_from`; until then it may
    be offered to the waiting list."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="holdbacks")
    public_from = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("wartet")
    CALLED = "called", _("aufgerufen")
    SERVED = "served", _("erledigt")
    MISSED = "missed", _("nicht erschienen")
    CANCELLED = "cancelled", _("zurückgezogen")


class Ticket(models.Model):
    """A Wartenummer at the counter: a checked-in appointment or a walk-in."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="tickets")
    day = models.DateField(db_index=True)
    number = models.CharField(_("Nummer"), max_length=12)
    booking = models.OneToOneField(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket")
    service = models.ForeignKey("catalog.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("Status"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    created_at = models.DateTimeField(_("angekommen"), auto_now_add=True)
    # Appointments are due from their start; walk-ins from their arrival.
    due_at = models.DateTimeField(db_index=True)
    called_at = models.DateTimeField(null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(default=0)
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Wartenummer")
        verbose_name_plural = _("Wartenummern")
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["location", "day", "number"], name="ticket_number_per_day")]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_status_display()})"

    @property
    def is_appointment(self) -> bool:
        return self.booking_id is not None


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("wartet")
    OFFERED = "offered", _("Termin angeboten")
    BOOKED = "booked", _("gebucht")
    EXPIRED = "expired", _("abgelaufen")
    CANCELLED = "cancelled", _("zurückgezogen")


class WaitlistEntry(models.Model):
    """Wants an earlier appointment at a location. A freed place is offered exclusively
    to the oldest matching entry for `waitlist_offer_minutes`, then to the next one,
    and only after the hold-back period to everyone."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries")
    services = models.JSONField(help_text="[[service_id, persons], ...]")
    latest_date = models.DateField(_("Termin gewünscht bis einschließlich"))
    status = models.CharField(max_length=12, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING)
    offer_booking = models.OneToOneField(Booking, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="waitlist_entry")
    offered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Wartelisteneintrag")
        verbose_name_plural = _("Warteliste")
        ordering = ["created_at", "id"]


class DateRule(models.Model):
    """Capacity for appointments on certain days that REPLACES the weekly opening hours
    of those days (not added to them): fewer counters, shorter hours, or closed
    (counters = 0)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="date_rules")
    starts_on = models.DateField(_("gilt vom"))
    ends_on = models.DateField(_("bis einschließlich"))
    opens = models.TimeField(_("von"), null=True, blank=True)
    closes = models.TimeField(_("bis"), null=True, blank=True)
    counters = models.PositiveSmallIntegerField(_("geöffnete Schalter"))
    reason_de = models.CharField(_("Grund (Deutsch)"), max_length=200)
    reason_en = models.CharField(_("Grund (Englisch)"), max_length=200, blank=True)
    reason = Translated("reason")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("Abweichende Öffnung an bestimmten Tagen")
        verbose_name_plural = _("Abweichende Öffnungen an bestimmten Tagen")
        ordering = ["starts_on", "opens"]

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class OfferStatus(models.TextChoices):
    OPEN = "open", _("angeboten")
    ACCEPTED = "accepted", _("angenommen")
    EXPIRED = "expired", _("verfallen")


class AlternativeOffer(models.Model):
    """The office moved a booking's day: a free start is held for the citizen (a HELD
    booking that occupies the places) until they accept it with one click."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    original = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="alternative_offers")
    held = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="offered_as_alternative")
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
