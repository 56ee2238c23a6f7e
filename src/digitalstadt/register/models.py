"""Reference data of the city and a demo population register (Melderegister).

Streets map to districts (Stadtteile) and, where residents' parking applies, to a
resident-parking zone, optionally only for a range of house numbers. All of it is data:
another city loads its own. Residents are the registration records the Meldebescheinigung
is issued from; a record is found through the person's eID subject, never by name.
"""

from datetime import time

from django.conf import settings

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.translation import Translated


class District(models.Model):
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    name = models.CharField(_("Stadtteil"), max_length=120)
    # Bulky-waste cut-off: a pick-up day can be ordered (and cancelled) until this time,
    # this many working days (Monday to Friday, not a Hessian public holiday) before it.
    pickup_cutoff_days = models.PositiveSmallIntegerField(_("Sperrmüll: Anmeldeschluss (Werktage vorher)"),
                                                          default=2)
    pickup_cutoff_time = models.TimeField(_("Sperrmüll: Anmeldeschluss (Uhrzeit)"), default=time(12, 0))

    class Meta:
        verbose_name = _("Stadtteil")
        verbose_name_plural = _("Stadtteile")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ParkingZone(models.Model):
    """A resident-parking zone (Bewohnerparkzone), e.g. Martinsviertel-Ost, code WA1."""

    code = models.CharField(_("Zonenkürzel"), max_length=16, unique=True)
    name_de = models.CharField(_("Name (Deutsch)"), max_length=120)
    name_en = models.CharField(_("Name (Englisch)"), max_length=120, blank=True)
    name = Translated("name")
    valid_from = models.DateField(_("bewirtschaftet seit"), null=True, blank=True)
    is_demo = models.BooleanField(_("Demo-Wert (nicht amtlich)"), default=False)

    class Meta:
        verbose_name = _("Bewohnerparkzone")
        verbose_name_plural = _("Bewohnerparkzonen")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name_de} ({self.code})"


class Street(models.Model):
    name = models.CharField(_("Straße"), max_length=120)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="streets",
                                 verbose_name=_("Stadtteil"))

    class Meta:
        verbose_name = _("Straße")
        verbose_name_plural = _("Straßen")
        ordering = ["name", "postal_code"]
        constraints = [models.UniqueConstraint(fields=["name", "postal_code"], name="unique_street_per_postcode")]

    def __str__(self) -> str:
        return f"{self.name}, {self.postal_code}"


class StreetZone(models.Model):
    """Which parking zone a street (or a range of its house numbers) belongs to."""

    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="zones")
    zone = models.ForeignKey(ParkingZone, on_delete=models.CASCADE, related_name="streets")
    # Inclusive house-number range; empty means the whole street.
    number_from = models.PositiveIntegerField(_("ab Hausnummer"), null=True, blank=True)
    number_to = models.PositiveIntegerField(_("bis Hausnummer"), null=True, blank=True)

    class Meta:
        verbose_name = _("Zonenzuordnung")
        verbose_name_plural = _("Zonenzuordnungen")
        constraints = [models.CheckConstraint(
            condition=Q(number_from__isnull=True) | Q(number_to__isnull=True) | Q(number_to__gte=models.F("number_from")),
            name="streetzone_range_ordered")]

    def covers(self, house_number: int | None) -> bool:
        if house_number is None:
            return self.number_from is None and self.number_to is None
        if self.number_from is not None and house_number < self.number_from:
            return False
        return not (self.number_to is not None and house_number > self.number_to)


class Resident(models.Model):
    """A registration record (Meldedatensatz) of the demo population register."""

    class Kind(models.TextChoices):
        MAIN = "main", _("Hauptwohnung")
        SECONDARY = "secondary", _("Nebenwohnung")

    eid_subject = models.CharField(_("eID-Kennung"), max_length=255, unique=True, null=True, blank=True)
    family_name = models.CharField(_("Familienname"), max_length=150)
    birth_name = models.CharField(_("Geburtsname"), max_length=150, blank=True)
    given_names = models.CharField(_("Vornamen"), max_length=150)
    doctoral_degree = models.CharField(_("Doktorgrad"), max_length=30, blank=True)
    birth_date = models.DateField(_("Geburtsdatum"))
    birth_place = models.CharField(_("Geburtsort"), max_length=120)
    nationality = models.CharField(_("Staatsangehörigkeit"), max_length=80, default="deutsch")
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="residents", verbose_name=_("Straße"))
    house_number = models.CharField(_("Hausnummer"), max_length=10)
    address_extra = models.CharField(_("Adresszusatz"), max_length=60, blank=True)
    kind = models.CharField(_("Wohnungsstatus"), max_length=10, choices=Kind.choices, default=Kind.MAIN)
    moved_in = models.DateField(_("Einzug"))
    is_demo = models.BooleanField(_("Demo-Datensatz"), default=True)

    class Meta:
        verbose_name = _("Meldedatensatz")
        verbose_name_plural = _("Melderegister")
        ordering = ["family_name", "given_names"]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_names}"

    @property
    def address_line(self) -> str:
        extra = f" ({self.address_extra})" if self.address_extra else ""
        return f"{self.street.name} {self.house_number}{extra}"

    @property
    def city_line(self) -> str:
        from django.conf import settings

        return f"{self.street.postal_code} {settings.CITY_TOWN}"


class PickupDate(models.Model):
    """A bulky-waste pick-up day in a district with a number of free places."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="pickup_dates",
                                 verbose_name=_("Stadtteil"))
    date = models.DateField(_("Abholtag"))
    capacity = models.PositiveSmallIntegerField(_("Plätze"), default=20)
    booked = models.PositiveSmallIntegerField(_("gebucht"), default=0)

    class Meta:
        verbose_name = _("Sperrmüll-Abholtag")
        verbose_name_plural = _("Sperrmüll-Abholtage")
        ordering = ["date", "district__name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "date"], name="one_pickup_day_per_district"),
            models.CheckConstraint(condition=Q(booked__lte=models.F("capacity")), name="pickup_not_overbooked"),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.date:%d.%m.%Y}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class LandlordConfirmation(models.Model):
    """A Wohnungsgeberbestätigung given online (§ 19 BMG): the landlord confirms who moves
    into which dwelling on which day and receives a code (Zuordnungsmerkmal) to pass on;
    the tenant enters it in the online registration instead of uploading a paper copy."""

    code = models.CharField(_("Zuordnungsmerkmal"), max_length=12, unique=True)
    landlord = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("Wohnungsgeber (Konto)"))
    landlord_name = models.CharField(_("Name des Wohnungsgebers"), max_length=200)
    landlord_address = models.CharField(_("Anschrift des Wohnungsgebers"), max_length=300)
    is_owner = models.BooleanField(_("Wohnungsgeber ist Eigentümer"), default=True)
    owner_name = models.CharField(_("Name des Eigentümers"), max_length=200, blank=True)
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="+", verbose_name=_("Straße"))
    house_number = models.CharField(_("Hausnummer"), max_length=10)
    address_extra = models.CharField(_("Lage der Wohnung"), max_length=60, blank=True)
    moved_in = models.DateField(_("Einzug"))
    tenants = models.TextField(_("Einziehende Personen"))  # one name per line
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(_("verwendet am"), null=True, blank=True)
    used_by_case = models.CharField(_("verwendet im Vorgang"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("Wohnungsgeberbestätigung")
        verbose_name_plural = _("Wohnungsgeberbestätigungen")

    @property
    def address_line(self) -> str:
        extra = f" ({self.address_extra})" if self.address_extra else ""
        return f"{self.street.name} {self.house_number}{extra}"


class ResidentMove(models.Model):
    """The register's history of a move within the city: who moved from where to where."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="moves")
    old_street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="+")
    old_house_number = models.CharField(max_length=10)
    old_address_extra = models.CharField(max_length=60, blank=True)
    moved_in = models.DateField(_("Einzug"))
    case_reference = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
class BulkyWasteItem(models.Model):
    """What the bulky-waste collection takes and what it leaves: one list, shown on the
    order form before ordering and printed in the order confirmation."""

    name_de = models.CharField(_("Bezeichnung (Deutsch)"), max_length=200)
    name_en = models.CharField(_("Bezeichnung (Englisch)"), max_length=200, blank=True)
    name = Translated("name")
    accepted = models.BooleanField(_("wird abgeholt"))
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Sperrmüll: Gegenstand")
        verbose_name_plural = _("Sperrmüll: was abgeholt wird und was nicht")
        ordering = ["-accepted", "order", "name_de"]
        constraints = [models.UniqueConstraint(fields=["name_de"], name="one_bulky_waste_item_per_name")]

    def __str__(self) -> str:
        return self.name_de
