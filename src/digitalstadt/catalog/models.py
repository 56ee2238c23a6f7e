from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.translation import Translated


OZG_MATURITY = [
    (0, _("0 – nur Informationen")),
    (1, _("1 – Informationen online")),
    (2, _("2 – Formular zum Herunterladen")),
    (3, _("3 – Antrag online, Nachweise und Bescheid noch auf Papier")),
    (4, _("4 – vollständig online, auch der Bescheid")),
]


class Service(models.Model):
    """A Leistung of the city. The one catalogue model: appointments say where and how
    long a service is offered; online applications (later) add forms, fees, evidence."""

    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    leika_key = models.CharField(
        _("LeiKa-Schlüssel"), max_length=14, blank=True,
        validators=[RegexValidator(r"^\d{14}$", _("Der LeiKa-Schlüssel hat 14 Ziffern."))],
    )
    name_de = models.CharField(_("Name (Deutsch)"), max_length=200)
    name_en = models.CharField(_("Name (Englisch)"), max_length=200, blank=True)
    name = Translated("name")
    summary_de = models.TextField(_("Kurzbeschreibung (Deutsch)"), blank=True)
    summary_en = models.TextField(_("Kurzbeschreibung (Englisch)"), blank=True)
    summary = Translated("summary")
    what_to_bring_de = models.TextField(_("Mitzubringen (Deutsch)"), blank=True)
    what_to_bring_en = models.TextField(_("Mitzubringen (Englisch)"), blank=True)
    what_to_bring = Translated("what_to_bring")
    # Search terms people use ("Perso", "Ausweis verloren"), one per line, German.
    synonyms = models.TextField(_("Suchbegriffe"), blank=True)
    easy_language_de = models.TextField(_("In Leichter Sprache"), blank=True)
    legal_basis = models.TextField(_("Rechtsgrundlage"), blank=True)
    processing_time_de = models.CharField(_("Bearbeitungsdauer (Deutsch)"), max_length=200, blank=True)
    processing_time_en = models.CharField(_("Bearbeitungsdauer (Englisch)"), max_length=200, blank=True)
    processing_time = Translated("processing_time")
    office = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="services", limit_choices_to={"kind": "office"},
                               verbose_name=_("Zuständiges Amt"))
    online_application = models.BooleanField(_("online beantragen"), default=False)
    # The online service of another body (federal portal, the Land, a city portal) where
    # this platform does not offer one itself.
    external_url = models.URLField(_("Externer Online-Dienst"), max_length=300, null=True, blank=True)
    ozg_maturity = models.PositiveSmallIntegerField(_("Reifegrad (OZG)"), choices=OZG_MATURITY, default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)
    # Demo instances: LeiKa keys and texts that were not checked against the official
    # catalogue are shown with a "Demo-Wert" badge.
    is_demo = models.BooleanField(_("Demo-Daten (nicht amtlich geprüft)"), default=False)

    class Meta:
        verbose_name = _("Leistung")
        verbose_name_plural = _("Leistungen")
        ordering = ["name_de"]

    def __str__(self) -> str:
        return self.name_de

    @property
    def external_host(self) -> str:
        """The host of the external online service ("www.fuehrungszeugnis.bund.de")."""
        from urllib.parse import urlsplit

        return urlsplit(self.external_url or "").hostname or ""


class LifeSituation(models.Model):
    """Lebenslage: how citizens think about their matter ("Umzug", "Hund", "Auto & Parken")."""

    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    name_de = models.CharField(_("Name (Deutsch)"), max_length=120)
    name_en = models.CharField(_("Name (Englisch)"), max_length=120, blank=True)
    name = Translated("name")
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    services = models.ManyToManyField(Service, blank=True, related_name="life_situations",
                                      verbose_name=_("Leistungen"))

    class Meta:
        verbose_name = _("Lebenslage")
        verbose_name_plural = _("Lebenslagen")
        ordering = ["order", "name_de"]

    def __str__(self) -> str:
        return self.name_de


class SearchSynonym(models.Model):
    """A search word and the words it also stands for ("Umzug" -> "Anmeldung Ummeldung
    Wohnsitz"). Applies to every service; staff maintain it in the admin."""

    term = models.CharField(_("Suchwort"), max_length=80, unique=True)
    expansion = models.CharField(_("steht auch für"), max_length=300)

    class Meta:
        verbose_name = _("Suchbegriff-Synonym")
        verbose_name_plural = _("Suchbegriff-Synonyme")
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"


class Fee(models.Model):
    """A fee as dated data: the amount valid on the day of submission is frozen on the
    case; a planned increase is entered ahead with its start date."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fees")
    label_de = models.CharField(_("Bezeichnung (Deutsch)"), max_length=200)
    label_en = models.CharField(_("Bezeichnung (Englisch)"), max_length=200, blank=True)
    label = Translated("label")
    # What the fee is for in a service's rules ("year", "first_dog"); the online
    # application looks fees up by code and date, so amounts stay data.
    code = models.SlugField(_("Kennung"), max_length=40, blank=True)
    amount_cents = models.PositiveIntegerField(_("Betrag in Cent"))
    valid_from = models.DateField(_("gültig ab"))
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)
    is_demo = models.BooleanField(_("Demo-Wert (nicht amtlich)"), default=False)

    class Meta:
        verbose_name = _("Gebühr")
        verbose_name_plural = _("Gebühren")
        ordering = ["service", "label_de", "valid_from"]
        constraints = [models.CheckConstraint(
            condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
            name="fee_validity_ordered")]

    def __str__(self) -> str:
        return f"{self.label_de}: {self.amount_cents / 100:.2f} EUR ab {self.valid_from}"


class Evidence(models.Model):
    """A Nachweis the citizen brings or uploads."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="evidence")
    name_de = models.CharField(_("Nachweis (Deutsch)"), max_length=200)
    name_en = models.CharField(_("Nachweis (Englisch)"), max_length=200, blank=True)
    name = Translated("name")
    required = models.BooleanField(_("erforderlich"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Nachweis")
        verbose_name_plural = _("Nachweise")
        ordering = ["service", "order", "name_de"]

    def __str__(self) -> str:
        return self.name_de
