"""Car parks (Parkhäuser), their tariffs and their occupancy.

A car park is run by an Organisation of kind car-park operator, or by the city
(`operator` empty). Its occupancy comes in through a feed plugin (`parking/feeds.py`:
the demo simulator, ParkAPI, DATEX II, or pushed by the operator) as
`OccupancyReading` rows; the newest is copied onto the car park (`free_now`,
`reading_at`) so the public list reads one table.

Opening hours are data (`opening_hours`), evaluated in Europe/Berlin local time by
`parking/opening.py`:
    {"mon": [["07:00", "24:00"]], ..., "sun": [], "holidays": []}
a day without a key (or with an empty list) is closed; "holidays" (Hessian public
holidays) replaces the weekday's times when present. `open_24_7` overrides all.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.scoping import organisation_scoped

__all__ = ["CarPark", "CarParkTariff", "ForecastModel", "OccupancyReading"]


class CarPark(models.Model):
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    name = models.CharField(_("Name"), max_length=160)
    operator = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", limit_choices_to={"kind": "carpark"},
                                 verbose_name=_("Betreiber"),
                                 help_text=_("leer: von der Stadt betrieben"))
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    access_note = models.CharField(_("Zufahrt"), max_length=200, blank=True)
    latitude = models.DecimalField(_("Breitengrad"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("Längengrad"), max_digits=9, decimal_places=6)
    position_is_estimate = models.BooleanField(_("Lage ungefähr"), default=False)
    capacity = models.PositiveIntegerField(_("Stellplätze"))
    capacity_is_estimate = models.BooleanField(_("Stellplatzzahl geschätzt"), default=False)
    height_limit_cm = models.PositiveIntegerField(_("Einfahrtshöhe (cm)"), null=True, blank=True)
    ev_chargers = models.PositiveIntegerField(_("Ladepunkte für E-Autos"), default=0)
    disabled_spaces = models.PositiveIntegerField(_("Behindertenparkplätze"), default=0)
    open_24_7 = models.BooleanField(_("rund um die Uhr geöffnet"), default=False)
    opening_hours = models.JSONField(_("Öffnungszeiten"), default=dict, blank=True)
    # Where the occupancy comes from: a plugin of parking.feeds.feed_plugins and its config.
    feed_plugin = models.CharField(_("Datenquelle"), max_length=40, blank=True)
    feed_enabled = models.BooleanField(_("Datenquelle abfragen"), default=False)
    feed_external_id = models.CharField(_("Kennung in der Datenquelle"), max_length=120, blank=True)
    feed_url = models.URLField(_("Adresse der Datenquelle"), max_length=500, blank=True)
    feed_config = models.JSONField(_("Einstellungen der Datenquelle"), default=dict, blank=True)
    # For the demo feed (parking/simulator.py): the kind of car park and the event hall it shares.
    simulator_kind = models.CharField(_("Simulator: Art"), max_length=20, blank=True)
    simulator_events = models.CharField(_("Simulator: Veranstaltungsort"), max_length=80, blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)
    active = models.BooleanField(_("in Betrieb"), default=True)
    # The newest reading, denormalised for the list (occupancy_record keeps it; never backwards).
    free_now = models.IntegerField(_("frei (zuletzt)"), null=True, blank=True)
    reading_at = models.DateTimeField(_("Stand"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager()
    # An operator's own car parks, inside organisation_scope(operator).
    operated = organisation_scoped("operator")

    class Meta:
        verbose_name = _("Parkhaus")
        verbose_name_plural = _("Parkhäuser")
        ordering = ["name"]
        base_manager_name = "objects"
        default_manager_name = "objects"
        constraints = [
            models.CheckConstraint(condition=Q(free_now__isnull=True) | Q(free_now__gte=0),
                                   name="carpark_free_now_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def height_limit_m(self) -> float | None:
        return self.height_limit_cm / 100 if self.height_limit_cm else None


class CarParkTariff(models.Model):
    """One price list of a car park, valid from `valid_from` until `valid_until` (inclusive; open when empty)."""

    carpark = models.ForeignKey(CarPark, on_delete=models.CASCADE, related_name="tariffs",
                                verbose_name=_("Parkhaus"))
    valid_from = models.DateField(_("gültig ab"))
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)
    first_hour_cents = models.PositiveIntegerField(_("erste Stunde (Cent)"), null=True, blank=True)
    per_hour_cents = models.PositiveIntegerField(_("jede weitere Stunde (Cent)"), null=True, blank=True)
    day_max_cents = models.PositiveIntegerField(_("Tageshöchstsatz (Cent)"), null=True, blank=True)
    description_de = models.CharField(_("Beschreibung (deutsch)"), max_length=300, blank=True)
    description_en = models.CharField(_("Beschreibung (englisch)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Parkhaustarif")
        verbose_name_plural = _("Parkhaustarife")
        ordering = ["carpark", "position", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                                   name="carpark_tariff_validity_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.carpark} {self.valid_from}"

    def description(self, language: str | None) -> str:
        if (language or "de").startswith("en") and self.description_en:
            return self.description_en
        return self.description_de


class OccupancyReading(models.Model):
    """Free spaces of a car park at an instant, as a feed reported them. One per car park and instant."""

    carpark = models.ForeignKey(CarPark, on_delete=models.CASCADE, related_name="readings",
                                verbose_name=_("Parkhaus"))
    at = models.DateTimeField(_("Zeitpunkt"))
    free = models.PositiveIntegerField(_("frei"))
    capacity = models.PositiveIntegerField(_("Stellplätze laut Quelle"), null=True, blank=True)
    source = models.CharField(_("Quelle"), max_length=60)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Belegungsmeldung")
        verbose_name_plural = _("Belegungsmeldungen")
        ordering = ["carpark", "at"]
        constraints = [
            models.UniqueConstraint(fields=["carpark", "at"], name="occupancy_one_per_carpark_and_instant"),
        ]
        indexes = [models.Index(fields=["carpark", "-at"], name="occupancy_history")]

    def __str__(self) -> str:
        return f"{self.carpark_id} {self.at:%Y-%m-%d %H:%M} {self.free}"


class ForecastModel(models.Model):
    """A car park's trained forecast (parking/forecast.py), refitted nightly by
    `manage.py parking_train_forecasts`. `mae` and `baseline_mae` are the free-space
    errors per horizon ("1".."4" hours) on the last week of the history, held out from a
    first fit; the stored model is then refitted on the whole history. `model` is the
    fitted Forecaster pickled and compressed (`forecast.dumps`): our own data, written
    only by forecast_train and read back only when `library` still names the installed
    scikit-learn (else it counts as missing until the next night's training)."""

    carpark = models.OneToOneField(CarPark, on_delete=models.CASCADE, related_name="forecast_model",
                                   verbose_name=_("Parkhaus"))
    trained_at = models.DateTimeField(_("trainiert am"))
    history_from = models.DateTimeField(_("Verlauf ab"))
    history_until = models.DateTimeField(_("Verlauf bis"))
    readings = models.PositiveIntegerField(_("Belegungsmeldungen"))
    capacity = models.PositiveIntegerField(_("Stellplätze beim Training"))
    mae = models.JSONField(_("mittlerer absoluter Fehler je Vorhersagehorizont"), default=dict)
    baseline_mae = models.JSONField(_("Fehler der Vergleichsverfahren"), default=dict)
    library = models.CharField(_("Bibliothek"), max_length=40)
    model = models.BinaryField(_("trainiertes Modell"))

    class Meta:
        verbose_name = _("Belegungsprognose")
        verbose_name_plural = _("Belegungsprognosen")
        ordering = ["carpark"]

    def __str__(self) -> str:
        return f"{self.carpark_id} {self.trained_at:%Y-%m-%d %H:%M}"
