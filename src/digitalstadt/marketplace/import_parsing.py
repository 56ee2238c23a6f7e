"""Reading a shop's assortment file: encoding and delimiter, the column mapping guessed
from the header, Google Merchant feeds (TSV and RSS 2.0 XML with the `g:` namespace),
and the values of one row (German number formats, GTIN check digit, VAT rate 19/7).

Pure functions: nothing here reads or writes the database.

A row is a dict of our field names (`FIELDS`) to raw values (strings from a file, or
numbers from the API). An empty value means "not given": an update leaves that field
as it is, so a file with only SKU and stock changes only the stock.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

# Our fields, in the order the mapping page shows them.
FIELDS: dict[str, Any] = {
    "sku": _l("Artikelnummer (SKU)"),
    "gtin": _l("GTIN / EAN"),
    "title": _l("Titel"),
    "description": _l("Beschreibung"),
    "brand": _l("Marke"),
    "category": _l("Kategorie"),
    "price": _l("Preis (brutto, Euro)"),
    "vat_rate": _l("Umsatzsteuersatz"),
    "size": _l("Größe"),
    "colour": _l("Farbe"),
    "on_hand": _l("Bestand"),
    "shippable": _l("kann geliefert werden"),
    "store_only": _l("nur im Laden"),
    "net_quantity": _l("Füllmenge"),
    "base_unit": _l("Grundpreis je"),
    "image_url": _l("Bildadresse"),
    "availability": _l("Verfügbarkeit (Google)"),
    "group": _l("Artikelgruppe (Varianten eines Produkts)"),
}

# Header names (normalised: lower case, umlauts folded, only letters and digits) we
# recognise for each field, German and English.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "artikelnummer", "artnr", "artikelnr", "bestellnummer", "itemnumber", "articlenumber",
            "productid", "id", "offerid", "plu"),
    "gtin": ("gtin", "ean", "eancode", "ean13", "gtin13", "barcode", "upc", "strichcode"),
    "title": ("title", "titel", "name", "artikelname", "bezeichnung", "artikelbezeichnung", "produktname",
              "productname", "artikel"),
    "description": ("description", "beschreibung", "produktbeschreibung", "langtext", "text"),
    "brand": ("brand", "marke", "hersteller", "manufacturer"),
    "category": ("category", "kategorie", "warengruppe", "producttype", "googleproductcategory", "rubrik"),
    "price": ("price", "preis", "vkpreis", "verkaufspreis", "bruttopreis", "vk", "preisbrutto", "pricegross"),
    "vat_rate": ("vat", "vatrate", "mwst", "ust", "steuersatz", "mehrwertsteuer", "umsatzsteuer", "mwstsatz",
                 "taxrate", "tax"),
    "size": ("size", "groesse", "gr"),
    "colour": ("colour", "color", "farbe"),
    "on_hand": ("onhand", "bestand", "stock", "quantity", "menge", "lagerbestand", "anzahl", "qty", "inventory"),
    "shippable": ("shippable", "versand", "versandfaehig", "lieferbar", "lieferung"),
    "store_only": ("storeonly", "onlyinstore", "nurimladen", "instoreonly", "nurladen"),
    "net_quantity": ("netquantity", "fuellmenge", "inhalt", "nettofuellmenge", "unitpricingmeasure"),
    "base_unit": ("baseunit", "grundpreiseinheit", "einheit", "grundpreisje", "unitpricingbasemeasure", "unit"),
    "image_url": ("imageurl", "imagelink", "bild", "bildurl", "bildadresse", "bildlink", "image", "foto"),
    "availability": ("availability", "verfuegbarkeit"),
    "group": ("itemgroupid", "artikelgruppe", "stammartikel", "stammartikelnummer", "parentsku", "groupid",
              "productgroup", "variantengruppe", "modellnummer"),
}

GOOGLE_NS = "http://base.google.com/ns/1.0"
# Google Merchant feed attributes -> our fields ("link", "condition", "mpn" are not used).
GOOGLE_FIELDS = {
    "id": "sku", "title": "title", "description": "description", "image_link": "image_url",
    "availability": "availability", "price": "price", "gtin": "gtin", "brand": "brand", "size": "size",
    "color": "colour", "product_type": "category", "google_product_category": "category",
    "quantity": "on_hand", "item_group_id": "group",
}

MAX_TEXT = {"sku": 64, "gtin": 14, "title": 200, "brand": 100, "size": 40, "colour": 40, "category": 100,
            "image_url": 500, "group": 64}
MAX_PRICE_CENTS = 100_000_000  # one million euros: anything above is a slip of the keyboard
MAX_ON_HAND = 1_000_000


class FileError(ValueError):
    """The file cannot be read at all (shown on the upload page)."""


@dataclass
class ParsedFile:
    kind: str  # "csv", "google_tsv", "google_xml"
    encoding: str
    delimiter: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)  # data rows (header excluded)


# --- the file ---------------------------------------------------------------------------------

def decode(raw: bytes) -> tuple[str, str]:
    """The text and the encoding's name: UTF-8 with BOM, UTF-8, else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(text: str) -> str:
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=";,\t").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return max(";,\t", key=first.count)


def _looks_like_xml(text: str) -> bool:
    return text.lstrip()[:200].startswith(("<?xml", "<rss", "<feed"))


def parse_file(raw: bytes) -> ParsedFile:
    if not raw.strip():
        raise FileError(_("Die Datei ist leer."))
    text, encoding = decode(raw)
    if "\x00" in text:
        raise FileError(_("Das ist keine Textdatei (CSV, TSV oder XML)."))
    if _looks_like_xml(text):
        return _parse_google_xml(raw, encoding)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        table = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise FileError(_("Die Datei ist keine lesbare CSV-Datei (%(error)s).") % {"error": exc}) from None
    if not table:
        raise FileError(_("Die Datei ist leer."))
    columns = [c.strip() for c in table[0]]
    if len(columns) < 2:
        raise FileError(_("In der ersten Zeile stehen keine Spaltennamen, getrennt durch Semikolon, Komma oder "
                          "Tabulator."))
    kind = "google_tsv" if is_google_header(columns) else "csv"
    return ParsedFile(kind=kind, encoding=encoding, delimiter=delimiter, columns=columns, rows=table[1:])


def is_google_header(columns: list[str]) -> bool:
    names = {c.strip().lower().removeprefix("g:") for c in columns}
    return {"id", "title", "price"} <= names and bool(names & {"link", "image_link", "availability"})


def _parse_google_xml(raw: bytes, encoding: str) -> ParsedFile:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(raw)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise FileError(_("Die XML-Datei ist nicht lesbar (%(error)s).") % {"error": exc}) from None
    items = root.findall("./channel/item") or root.findall("item")
    if not items:
        raise FileError(_("Die XML-Datei ist kein Google-Produktfeed (RSS 2.0 mit <item>-Einträgen)."))
    columns: list[str] = []
    records: list[dict[str, str]] = []
    for item in items:
        record: dict[str, str] = {}
        for child in item:
            tag = child.tag
            if tag.startswith("{" + GOOGLE_NS + "}"):
                name = tag.split("}", 1)[1]
            elif tag in ("title", "description", "link"):  # RSS's own elements
                name = tag
            else:
                continue
            record.setdefault(name, (child.text or "").strip())
            if name not in columns:
                columns.append(name)
        records.append(record)
    rows = [[record.get(c, "") for c in columns] for record in records]
    return ParsedFile(kind="google_xml", encoding=encoding, delimiter="", columns=columns, rows=rows)


# --- the mapping ------------------------------------------------------------------------------

def normalise_header(name: str) -> str:
    name = name.strip().lower().removeprefix("g:")
    name = name.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    name = unicodedata.normalize("NFKD", name)
    return re.sub(r"[^a-z0-9]", "", name)


def guess_mapping(columns: list[str], *, google: bool = False) -> dict[str, int]:
    """{our field: column index} from the header names; each column used once."""
    mapping: dict[str, int] = {}
    used: set[int] = set()
    if google:
        for index, column in enumerate(columns):
            ours = GOOGLE_FIELDS.get(column.strip().lower().removeprefix("g:"))
            if ours and ours not in mapping:
                mapping[ours] = index
                used.add(index)
        return mapping
    normalised = [normalise_header(c) for c in columns]
    # Exact names first, then a column whose name starts with a known word ("Preis in EUR").
    for exact in (True, False):
        for ours, names in SYNONYMS.items():
            if ours in mapping:
                continue
            for index, column in enumerate(normalised):
                if index in used or not column:
                    continue
                if (column in names) if exact else any(column.startswith(n) for n in names if len(n) >= 4):
                    mapping[ours] = index
                    used.add(index)
                    break
    return mapping


def rows_from_table(parsed: ParsedFile, mapping: dict[str, int]) -> list[dict[str, str]]:
    out = []
    for cells in parsed.rows:
        row = {}
        for ours, index in mapping.items():
            if 0 <= index < len(cells):
                row[ours] = cells[index]
        out.append(row)
    return out


# --- the values of a row ----------------------------------------------------------------------

@dataclass
class RowError:
    column: str  # our field name
    message: str


def parse_decimal(value: Any) -> Decimal | None:
    """12,99 · 1.299,00 · 1,299.00 · 12.99 EUR · 12 € -> Decimal; None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    text = re.sub(r"(?i)(eur|euro|€)$", "", text)
    text = re.sub(r"(?i)^(eur|€)", "", text)
    if not re.fullmatch(r"[+-]?[0-9][0-9.,]*", text or "x"):
        return None
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):  # 1.299,00
            text = text.replace(".", "").replace(",", ".")
        else:  # 1,299.00
            text = text.replace(",", "")
    elif "," in text:
        if text.count(",") > 1:
            text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
    elif text.count(".") > 1 or re.fullmatch(r"[+-]?[0-9]{1,3}\.[0-9]{3}", text):
        text = text.replace(".", "")  # 1.299 is German for one thousand two hundred ninety-nine
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_price_cents(value: Any) -> int:
    number = parse_decimal(value)
    if number is None:
        raise ValueError(_("Preis „%(value)s“ ist keine Zahl.") % {"value": value})
    if number < 0:
        raise ValueError(_("Preis „%(value)s“ ist negativ.") % {"value": value})
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(_("Preis „%(value)s“ hat mehr als zwei Nachkommastellen.") % {"value": value})
    cents = int(number * 100)
    if cents > MAX_PRICE_CENTS:
        raise ValueError(_("Preis „%(value)s“ ist zu hoch.") % {"value": value})
    return cents


def gtin_valid(digits: str) -> bool:
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def parse_gtin(value: Any) -> str:
    text = re.sub(r"[\s-]", "", str(value))
    if not text.isdigit() or len(text) not in (8, 12, 13, 14):
        raise ValueError(_("GTIN „%(value)s“ muss 8, 12, 13 oder 14 Ziffern haben.") % {"value": value})
    if not gtin_valid(text):
        raise ValueError(_("GTIN „%(value)s“: Prüfziffer falsch.") % {"value": value})
    return text


def parse_vat(value: Any) -> int:
    number = parse_decimal(str(value).replace("%", "").strip())
    if number is not None and number < 1:
        number = number * 100  # 0,19
    if number in (Decimal(19), Decimal(7)):
        return int(number)
    raise ValueError(_("Umsatzsteuersatz „%(value)s“: erlaubt sind 19 oder 7.") % {"value": value})


def parse_count(value: Any, label: str) -> int:
    number = parse_decimal(value)
    if number is None or number != number.to_integral_value():
        raise ValueError(_("%(label)s „%(value)s“ ist keine ganze Zahl.") % {"label": label, "value": value})
    if number < 0:
        raise ValueError(_("%(label)s „%(value)s“ darf nicht negativ sein.") % {"label": label, "value": value})
    if number > MAX_ON_HAND:
        raise ValueError(_("%(label)s „%(value)s“ ist zu groß.") % {"label": label, "value": value})
    return int(number)


YES = {"1", "ja", "j", "yes", "y", "true", "wahr", "x", "versand"}
NO = {"0", "nein", "n", "no", "false", "falsch", "-"}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("„%(value)s“ ist weder ja noch nein.") % {"value": value})


BASE_UNITS = {"kg": "kg", "kilogramm": "kg", "g": "kg", "gramm": "kg", "l": "l", "liter": "l", "ml": "l",
              "m": "m", "meter": "m", "m2": "m2", "m²": "m2", "qm": "m2", "quadratmeter": "m2",
              "stk": "stk", "stück": "stk", "stueck": "stk", "piece": "stk", "pcs": "stk", "ct": "stk"}


def parse_base_unit(value: Any) -> str:
    unit = BASE_UNITS.get(str(value).strip().lower().removeprefix("1").strip())
    if unit is None:
        raise ValueError(_("Grundpreis-Einheit „%(value)s“: erlaubt sind kg, l, m, m² oder Stück.")
                         % {"value": value})
    return unit


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_row(row: dict[str, Any]) -> tuple[dict[str, Any], list[RowError]]:
    """The typed values of one row and every problem in it (all of them, not just the first)."""
    data: dict[str, Any] = {}
    errors: list[RowError] = []
    for name, value in row.items():
        if name not in FIELDS and name != "price_cents":
            continue
        if _blank(value):
            continue
        try:
            if name == "price":
                data["price_cents"] = parse_price_cents(value)
            elif name == "price_cents":
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PRICE_CENTS:
                    raise ValueError(_("Preis in Cent „%(value)s“ ist keine erlaubte ganze Zahl.") % {"value": value})
                data["price_cents"] = value
            elif name == "gtin":
                data["gtin"] = parse_gtin(value)
            elif name == "vat_rate":
                data["vat_rate"] = parse_vat(value)
            elif name == "on_hand":
                data["on_hand"] = parse_count(value, _("Bestand"))
            elif name == "shippable":
                data["shippable"] = parse_bool(value)
            elif name == "store_only":
                data["shippable"] = not parse_bool(value)
            elif name == "net_quantity":
                number = parse_decimal(value)
                if number is None or number <= 0 or number >= Decimal(10000000):
                    raise ValueError(_("Füllmenge „%(value)s“ ist keine positive Zahl.") % {"value": value})
                data["net_quantity"] = number.quantize(Decimal("0.001"))
            elif name == "base_unit":
                data["base_unit"] = parse_base_unit(value)
            elif name == "availability":
                text = str(value).strip().lower().replace(" ", "_")
                if text not in ("in_stock", "out_of_stock", "preorder", "backorder", "limited_availability"):
                    raise ValueError(_("Verfügbarkeit „%(value)s“ ist unbekannt.") % {"value": value})
                data["availability"] = text
            elif name == "image_url":
                text = str(value).strip()
                if not re.match(r"(?i)^https?://[^\s/]+", text) or len(text) > MAX_TEXT["image_url"]:
                    raise ValueError(_("Bildadresse „%(value)s“ ist keine http(s)-Adresse.") % {"value": value})
                data["image_url"] = text
            else:
                text = str(value).strip()
                limit = MAX_TEXT.get(name)
                if limit and len(text) > limit:
                    raise ValueError(_("%(field)s ist länger als %(limit)s Zeichen.")
                                     % {"field": FIELDS[name], "limit": limit})
                data[name] = text
        except ValueError as exc:
            errors.append(RowError(column=name if name != "store_only" else "store_only", message=str(exc)))
    if "sku" not in data and "gtin" not in data and not any(e.column in ("sku", "gtin") for e in errors):
        errors.append(RowError(column="sku", message=_("Artikelnummer (SKU) oder GTIN fehlt.")))
    if data.get("availability") == "out_of_stock" and "on_hand" not in data:
        data["on_hand"] = 0  # Google's "out of stock" without a quantity: nothing on the shelf
    return data, errors
