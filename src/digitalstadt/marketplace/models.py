"""Marketplace: shops (an organisation of kind shop), products with variants and stock,
one cart across shops, orders split per shop, stock reservations and invoices.

Stock rule (docs/decisions/0006-marketplace-stock-and-money.md): `Variant.on_hand` is
what is physically in the shop, as the till reports it; `Variant.reserved` is what open
orders hold (a checkout hold for 10 minutes, a paid order until it is collected, a
reservation in store until it expires). Shoppers see `on_hand - reserved`. A check
constraint `reserved <= on_hand` is the last guard against overselling: checkout takes
the variants under the one locking helper and re-checks before it raises `reserved`.
A till report that would fall below what is reserved is refused for that row (the
shop sees why) instead of resurrecting units already sold online.

Every row a shop owns carries `organisation` and is read through an
organisation-scoped manager (`core.scoping`); shopper-side reads of live shops go
through `public` managers that only ever return rows of verified, live shops.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.scoping import organisation_scoped
from digitalstadt.core.translation import Translated


class ShopStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("Zur Prüfung eingereicht")
    LIVE = "live", _("Freigeschaltet")
    SUSPENDED = "suspended", _("Gesperrt")


class VatRate(models.IntegerChoices):
    STANDARD = 19, _("19 % (Regelsatz)")
    REDUCED = 7, _("7 % (ermäßigt)")


class Category(models.Model):
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    name_de = models.CharField(_("Name (Deutsch)"), max_length=100)
    name_en = models.CharField(_("Name (Englisch)"), max_length=100, blank=True)
    name = Translated("name")
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=100)

    class Meta:
        verbose_name = _("Kategorie")
        verbose_name_plural = _("Kategorien")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name_de


class LiveShopManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(status=ShopStatus.LIVE)


class Shop(models.Model):
    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.PROTECT, related_name="shop",
                                        limit_choices_to={"kind": "shop"}, verbose_name=_("Organisation"))
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    name = models.CharField(_("Name des Geschäfts"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    legal_form = models.CharField(_("Rechtsform"), max_length=60, blank=True)
    owner_name = models.CharField(_("Inhaber/in oder vertretungsberechtigte Person"), max_length=200, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10)
    city = models.CharField(_("Ort"), max_length=100, default="Darmstadt")
    district = models.CharField(_("Stadtteil"), max_length=100, blank=True)
    latitude = models.DecimalField(_("Breitengrad"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("Längengrad"), max_digits=9, decimal_places=6, null=True, blank=True)
    position_source = models.CharField(_("Herkunft der Position"), max_length=40, blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    website = models.URLField(_("Website"), blank=True)
    logo = models.ImageField(_("Logo"), upload_to="marketplace/logos/", blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="shops", verbose_name=_("Kategorien"))
    # Pickup rules (click & collect) and reservations in store.
    pickup_instructions = models.TextField(_("Hinweise zur Abholung"), blank=True)
    pickup_slot_minutes = models.PositiveSmallIntegerField(_("Länge eines Abholfensters (Minuten)"), default=30)
    pickup_slot_capacity = models.PositiveSmallIntegerField(_("Abholungen je Zeitfenster"), default=4)
    pickup_lead_minutes = models.PositiveSmallIntegerField(_("Vorlauf bis zur ersten Abholung (Minuten)"),
                                                           default=60)
    pickup_days_ahead = models.PositiveSmallIntegerField(_("Abholung buchbar für Tage im Voraus"), default=6)
    reservation_hours = models.PositiveSmallIntegerField(_("Reservierung im Laden gilt (Stunden)"), default=48)
    # Legal texts and tax (§ 5 DDG, § 14 UStG, § 19 UStG).
    imprint = models.TextField(_("Impressum"), blank=True)
    terms = models.TextField(_("Allgemeine Geschäftsbedingungen"), blank=True)
    withdrawal_policy = models.TextField(_("Widerrufsbelehrung"), blank=True)
    vat_id = models.CharField(_("Umsatzsteuer-Identifikationsnummer"), max_length=20, blank=True)
    tax_number = models.CharField(_("Steuernummer"), max_length=30, blank=True)
    small_business = models.BooleanField(_("Kleinunternehmer nach § 19 UStG"), default=False)
    # The shop's own account at the payment provider: the payee of its orders' payments.
    payee_account = models.CharField(_("Konto beim Zahlungsdienstleister"), max_length=64, blank=True)
    status = models.CharField(_("Status"), max_length=16, choices=ShopStatus.choices, default=ShopStatus.DRAFT,
                              db_index=True)
    submitted_at = models.DateTimeField(_("eingereicht"), null=True, blank=True)
    verified_at = models.DateTimeField(_("geprüft"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("geprüft von"))
    review_note = models.TextField(_("Hinweis der Prüfung"), blank=True)
    # A business registered through the Gewerbeanmeldung (case reference), for the once-only prefill.
    business_registration = models.CharField(_("Gewerbeanmeldung (Vorgang)"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager()
    live = LiveShopManager()

    class Meta:
        verbose_name = _("Geschäft")
        verbose_name_plural = _("Geschäfte")
        ordering = ["name"]
        base_manager_name = "objects"
        default_manager_name = "objects"

    def __str__(self) -> str:
        return self.name

    @property
    def payee(self) -> str:
        return f"shop:{self.payee_account or self.pk}"


class ShopOpeningHours(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=[
        (0, _("Montag")), (1, _("Dienstag")), (2, _("Mittwoch")), (3, _("Donnerstag")), (4, _("Freitag")),
        (5, _("Samstag")), (6, _("Sonntag"))])
    opens = models.TimeField(_("öffnet"))
    closes = models.TimeField(_("schließt"))

    class Meta:
        verbose_name = _("Öffnungszeit")
        verbose_name_plural = _("Öffnungszeiten")
        ordering = ["weekday", "opens"]
        constraints = [models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="shop_hours_open_before_close")]


class ShopClosure(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("Datum"))
    reason = models.CharField(_("Grund"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Schließtag")
        verbose_name_plural = _("Schließtage")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["shop", "date"], name="one_closure_per_shop_day")]


class BaseUnit(models.TextChoices):
    """Units of the unit price (Grundpreis, § 4 PAngV): per kg, per litre, per m, per m², per piece."""

    NONE = "", _("kein Grundpreis")
    KG = "kg", _("Kilogramm")
    L = "l", _("Liter")
    M = "m", _("Meter")
    M2 = "m2", _("Quadratmeter")
    PIECE = "stk", _("Stück")


class Product(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products")
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    brand = models.CharField(_("Marke"), max_length=100, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products",
                                 verbose_name=_("Kategorie"))
    vat_rate = models.PositiveSmallIntegerField(_("Umsatzsteuersatz"), choices=VatRate.choices,
                                                default=VatRate.STANDARD)
    shippable = models.BooleanField(_("kann geliefert werden"), default=True,
                                    help_text=_("Aus: nur im Laden (Abholung oder Reservierung)."))
    # Unit price (Grundpreis): the quantity one item holds, in the base unit's measure (g for kg, ml for l, ...).
    net_quantity = models.DecimalField(_("Füllmenge"), max_digits=10, decimal_places=3, null=True, blank=True)
    base_unit = models.CharField(_("Grundpreis je"), max_length=4, choices=BaseUnit.choices, blank=True)
    active = models.BooleanField(_("sichtbar"), default=True)
    views = models.PositiveIntegerField(_("Aufrufe"), default=0)
    # import: the file's item group (Google's item_group_id): variants of one product share it.
    import_group = models.CharField(_("Artikelgruppe (Import)"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = organisation_scoped()

    class Meta:
        verbose_name = _("Produkt")
        verbose_name_plural = _("Produkte")
        ordering = ["title", "pk"]
        base_manager_name = "unscoped_objects"

    unscoped_objects = models.Manager()

    def __str__(self) -> str:
        return self.title


class ProductImage(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    source_url = models.URLField(_("Bildadresse (Quelle)"), max_length=500, blank=True)
    original = models.ImageField(_("Bild"), upload_to="marketplace/products/", blank=True)
    thumbnail = models.ImageField(_("Vorschaubild"), upload_to="marketplace/thumbs/", blank=True)
    alt_text = models.CharField(_("Bildbeschreibung (Alternativtext)"), max_length=200, blank=True)
    error = models.CharField(_("Fehler"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = organisation_scoped()
    unscoped_objects = models.Manager()

    class Meta:
        ordering = ["order", "pk"]
        base_manager_name = "unscoped_objects"


class Variant(models.Model):
    """What is sold and counted: one SKU of a product (a size, a colour)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("Artikelnummer (SKU)"), max_length=64)
    gtin = models.CharField(_("GTIN / EAN"), max_length=14, blank=True, db_index=True)
    size = models.CharField(_("Größe"), max_length=40, blank=True)
    colour = models.CharField(_("Farbe"), max_length=40, blank=True)
    price_cents = models.PositiveIntegerField(_("Preis in Cent (brutto)"))
    on_hand = models.IntegerField(_("Bestand im Laden"), default=0)
    reserved = models.IntegerField(_("für Bestellungen reserviert"), default=0)
    stock_updated_at = models.DateTimeField(_("Bestand aktualisiert"), null=True, blank=True)

    objects = organisation_scoped()
    unscoped_objects = models.Manager()

    class Meta:
        verbose_name = _("Variante")
        verbose_name_plural = _("Varianten")
        ordering = ["product", "pk"]
        base_manager_name = "unscoped_objects"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sku"], name="one_sku_per_shop"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="variant_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="variant_reserved_not_negative"),
            models.CheckConstraint(condition=Q(reserved__lte=F("on_hand")), name="variant_no_oversell"),
        ]

    def __str__(self) -> str:
        extra = " ".join(v for v in (self.size, self.colour) if v)
        return f"{self.product.title} {extra}".strip()

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved, 0)


class Cart(models.Model):
    """One cart across shops, of a signed-in shopper or of an anonymous session."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="cart")
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("Menge"), default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="one_cart_line_per_variant"),
            models.CheckConstraint(condition=Q(quantity__gte=1) & Q(quantity__lte=99), name="cart_quantity_range"),
        ]


class Fulfilment(models.TextChoices):
    CLICK_COLLECT = "click_collect", _("Abholen im Laden (Click & Collect)")
    RESERVE = "reserve", _("Im Laden reservieren, dort bezahlen")
    DELIVERY = "delivery", _("Lieferung am selben Tag")


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Zahlung offen")
    NEW = "new", _("Neu")
    ACCEPTED = "accepted", _("Angenommen")
    READY = "ready", _("Abholbereit")
    PICKED_UP = "picked_up", _("Abgeholt")
    CANCELLED = "cancelled", _("Storniert")
    EXPIRED = "expired", _("Abgelaufen")
    REFUNDED = "refunded", _("Erstattet")
    PARTLY_REFUNDED = "partly_refunded", _("Teilweise erstattet")


OPEN_ORDER_STATUSES = (OrderStatus.PENDING_PAYMENT, OrderStatus.NEW, OrderStatus.ACCEPTED, OrderStatus.READY)


class Order(models.Model):
    """What the shopper checked out at once; one ShopOrder per shop."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("Bestellnummer"), max_length=20, unique=True)
    shopper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    email = models.EmailField(_("E-Mail"))
    name = models.CharField(_("Name"), max_length=200)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("bestellt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Bestellung")
        verbose_name_plural = _("Bestellungen")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class ShopOrder(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shop_orders")
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(_("Bestellnummer des Geschäfts"), max_length=30, unique=True)
    fulfilment = models.CharField(_("Art der Übergabe"), max_length=20, choices=Fulfilment.choices)
    status = models.CharField(_("Status"), max_length=20, choices=OrderStatus.choices,
                              default=OrderStatus.PENDING_PAYMENT, db_index=True)
    pickup_from = models.DateTimeField(_("Abholung ab"), null=True, blank=True, db_index=True)
    pickup_until = models.DateTimeField(_("Abholung bis"), null=True, blank=True)
    pickup_code = models.CharField(_("Abholcode"), max_length=12)
    pay_online = models.BooleanField(_("online bezahlt"), default=True)
    payment_reference = models.CharField(_("Zahlungsreferenz"), max_length=35, blank=True, db_index=True)
    total_cents = models.PositiveIntegerField(_("Summe in Cent (brutto)"), default=0)
    refunded_cents = models.PositiveIntegerField(_("erstattet in Cent"), default=0)
    hold_expires_at = models.DateTimeField(_("Reservierung gilt bis"), null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField(_("bezahlt am"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)
    ready_at = models.DateTimeField(_("abholbereit seit"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("abgeholt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("storniert am"), null=True, blank=True)
    cancel_reason = models.CharField(_("Grund der Stornierung"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # orders part (migration 0002_orders): when the order last changed, for the API's `updated_since`.
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True, db_index=True)

    objects = organisation_scoped()
    unscoped_objects = models.Manager()

    class Meta:
        verbose_name = _("Bestellung eines Geschäfts")
        verbose_name_plural = _("Bestellungen der Geschäfte")
        ordering = ["-created_at", "-pk"]
        base_manager_name = "unscoped_objects"
        constraints = [
            models.CheckConstraint(condition=Q(refunded_cents__lte=F("total_cents")), name="shop_order_refund_le_total"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    shop_order = models.ForeignKey(ShopOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("Artikel"), max_length=300)
    sku = models.CharField(_("Artikelnummer"), max_length=64)
    quantity = models.PositiveSmallIntegerField(_("Menge"))
    unit_price_cents = models.PositiveIntegerField(_("Einzelpreis in Cent (brutto)"))
    vat_rate = models.PositiveSmallIntegerField(_("Umsatzsteuersatz"))
    refunded_quantity = models.PositiveSmallIntegerField(_("erstattete Menge"), default=0)

    objects = organisation_scoped()
    unscoped_objects = models.Manager()

    class Meta:
        ordering = ["pk"]
        base_manager_name = "unscoped_objects"
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(refunded_quantity__lte=F("quantity")),
                                   name="order_line_refund_le_quantity"),
        ]

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity


class ReservationStatus(models.TextChoices):
    HELD = "held", _("gehalten")
    RELEASED = "released", _("freigegeben")
    COLLECTED = "collected", _("abgeholt")


class StockReservation(models.Model):
    """Units of a variant an open order holds; `reserved` on the variant is their sum."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="reservations")
    shop_order = models.ForeignKey(ShopOrder, on_delete=models.CASCADE, related_name="reservations")
    quantity = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=ReservationStatus.choices, default=ReservationStatus.HELD,
                              db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = organisation_scoped()
    unscoped_objects = models.Manager()

    class Meta:
        base_manager_name = "unscoped_objects"
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="reservation_quantity_positive")]


class OrderCounter(models.Model):
    """Running numbers (orders per year; invoices per shop and year), taken under a row lock."""

    key = models.CharField(max_length=60, unique=True)
    value = models.PositiveIntegerField(default=0)


class Invoice(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    shop_order = models.OneToOneField(ShopOrder, on_delete=models.PROTECT, related_name="invoice")
    number = models.CharField(_("Rechnungsnummer"), max_length=40)
    issued_at = models.DateTimeField(_("ausgestellt am"))
    supplied_on = models.DateField(_("Tag der Lieferung"))
    pdf = models.BinaryField(_("PDF"))

    objects = organisation_scoped()
    unscoped_objects = models.Manager()

    class Meta:
        base_manager_name = "unscoped_objects"
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="one_invoice_number_per_shop")]


class SearchLog(models.Model):
    """Searches with their hit count (for the shops' statistics: searches with no result)."""

    query = models.CharField(max_length=200)
    hits = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


# --- import ---

class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("hochgeladen")
    MAPPED = "mapped", _("Spalten zugeordnet")
    IMPORTED = "imported", _("importiert")


class ImportBatch(models.Model):
    """A shop's uploaded assortment file waiting between upload, mapping, preview and
    import (the raw bytes stay here, not in the session)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="import_batches")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(_("Dateiname"), max_length=200, blank=True)
    raw = models.BinaryField(_("Datei"))
    kind = models.CharField(_("Format"), max_length=12, default="csv")  # csv, google_tsv, google_xml
    encoding = models.CharField(_("Zeichenkodierung"), max_length=20, blank=True)
    delimiter = models.CharField(_("Trennzeichen"), max_length=2, blank=True)
    columns = models.JSONField(_("Spalten"), default=list)
    mapping = models.JSONField(_("Zuordnung"), default=dict)  # {our field: column index}
    status = models.CharField(_("Status"), max_length=12, choices=ImportStatus.choices,
                              default=ImportStatus.UPLOADED)
    result = models.JSONField(_("Ergebnis"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(_("importiert am"), null=True, blank=True)

    objects = organisation_scoped()
    unscoped_objects = models.Manager()

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")
        ordering = ["-created_at", "-pk"]
        base_manager_name = "unscoped_objects"

# --- search ---


class SearchDocument(models.Model):
    """A product of a live shop as the search sees it: the filter and facet columns,
    copied from the product, its shop and its variants by `search_index.index_products`
    (`in_stock` follows the variants' stock through triggers).
    The words themselves live beside it: an FTS5 table keyed by product id on SQLite, a
    `document` tsvector column with a GIN index on PostgreSQL (migration 0002_search)."""

    product = models.OneToOneField(Product, primary_key=True, on_delete=models.CASCADE, related_name="+")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    district = models.CharField(max_length=100, blank=True, db_index=True)
    price_cents = models.PositiveIntegerField(default=0)  # the cheapest variant
    # Some variant available now (on_hand > reserved): kept by database triggers on every
    # stock write (migration 0002_search), so a till report shows in the search at once.
    in_stock = models.BooleanField(default=False)
    indexed_at = models.DateTimeField(auto_now=True)


class SearchWord(models.Model):
    """The vocabulary of the index (stemmed, folded words), for typo corrections (a
    trigram table on SQLite, pg_trgm on PostgreSQL) and for splitting compounds."""

    word = models.CharField(max_length=64, unique=True)
