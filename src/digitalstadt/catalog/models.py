from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.translation import Translated


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
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Leistung")
        verbose_name_plural = _("Leistungen")
        ordering = ["name_de"]

    def __str__(self) -> str:
        return self.name_de


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
