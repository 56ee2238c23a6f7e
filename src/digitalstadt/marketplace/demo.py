"""Idempotent marketplace demo data: categories, 23 Darmstadt-style shops (live, with
positions from the geocoder, opening hours and legal texts) and a few thousand products.

ALL OF THIS IS DEMO DATA: the shops, their owners, VAT ids, GTINs and products are
invented; the streets are real Darmstadt streets, the positions approximate (the embedded
street list). The demo retailer `laden@digitalstadt.example` (password as for every demo
account) owns the Kaffeerösterei Mathildenhöhe. Running `seed` twice changes nothing: a
shop that exists keeps its data, products are generated only for a shop without any.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from digitalstadt.accounts.services import demo_user_ensure, organisation_ensure
from digitalstadt.core.geocoding import geocode, split_street

from .models import BaseUnit, Category, Product, Shop, ShopOpeningHours, ShopStatus, Variant, VatRate
from .shop_gtin import gtin_complete

DEMO_RETAILER = "laden@digitalstadt.example"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "Darmstadt-Demo-2026")

CATEGORIES = [
    ("kaffee-tee", "Kaffee & Tee", "Coffee & tea", 10),
    ("lebensmittel", "Feinkost & Lebensmittel", "Delicatessen & food", 20),
    ("buecher", "Bücher", "Books", 30),
    ("fahrrad", "Fahrräder & Zubehör", "Bikes & accessories", 40),
    ("mode", "Mode", "Fashion", 50),
    ("schuhe", "Schuhe", "Shoes", 60),
    ("spielwaren", "Spielwaren", "Toys", 70),
    ("kueche", "Küche & Haushalt", "Kitchen & household", 80),
    ("wein", "Wein & Spirituosen", "Wine & spirits", 90),
    ("schreibwaren", "Schreibwaren & Papeterie", "Stationery", 100),
    ("kosmetik", "Drogerie & Naturkosmetik", "Natural cosmetics", 110),
    ("blumen", "Blumen & Pflanzen", "Flowers & plants", 120),
    ("musik", "Musik & Schallplatten", "Music & records", 130),
    ("sport", "Sport & Outdoor", "Sports & outdoor", 140),
    ("schmuck", "Schmuck & Uhren", "Jewellery & watches", 150),
]

# slug, name, street, postal code, categories, product kind, legal form, owner, description, products
SHOPS = [
    ("kaffeeroesterei-mathildenhoehe", "Kaffeerösterei Mathildenhöhe", "Dieburger Straße 24", "64287",
     ["kaffee-tee"], "coffee", "Einzelunternehmen", "Mara Bohnenkamp",
     "Kleine Rösterei am Fuß der Mathildenhöhe: Espresso und Filterkaffee aus direktem Handel, jeden Dienstag "
     "frisch geröstet.", 160),
    ("teehaus-am-markt", "Teehaus am Markt", "Marktplatz 4", "64283", ["kaffee-tee"], "tea", "Einzelunternehmen",
     "Jun Takahashi", "Grüner, schwarzer und weißer Tee aus kleinen Gärten, dazu Kannen und Zubehör.", 140),
    ("buchhandlung-martinsviertel", "Buchhandlung im Martinsviertel", "Liebfrauenstraße 32", "64289",
     ["buecher"], "books", "GmbH", "Dr. Hannah Lesemann",
     "Unabhängige Buchhandlung mit Kinderbuch-Ecke, Lesungen und Bestellservice über Nacht.", 300),
    ("schlossbuchhandlung", "Schloss-Buchhandlung", "Ernst-Ludwig-Straße 12", "64283", ["buecher", "schreibwaren"],
     "books", "OHG", "Peter und Paula Seitz", "Bücher, Kalender und Papeterie mitten in der Innenstadt.", 260),
    ("radwerk-bessungen", "Radwerk Bessungen", "Heidelberger Straße 80", "64285", ["fahrrad", "sport"], "bikes",
     "GmbH", "Tobias Speiche", "Stadträder, Lastenräder und E-Bikes; Werkstatt mit Termin am selben Tag.", 120),
    ("velo-johannesviertel", "Velo Johannesviertel", "Kasinostraße 40", "64293", ["fahrrad"], "bikes",
     "Einzelunternehmen", "Lina Kettenblatt", "Gebrauchte und neue Räder, Ersatzteile und Reparatur.", 110),
    ("modehaus-luisenplatz", "Modehaus am Luisenplatz", "Luisenplatz 3", "64283", ["mode"], "fashion", "GmbH",
     "Claudia Faden", "Damen- und Herrenmode, Basics aus Bio-Baumwolle und Anzüge nach Maß.", 150),
    ("kleiderei-kapellplatz", "Kleiderei am Kapellplatz", "Kapellplatz 7", "64283", ["mode"], "fashion",
     "Einzelunternehmen", "Sophie Naht", "Faire Mode und Secondhand aus Darmstadt.", 120),
    ("schuhmacherei-schulstrasse", "Schuhhaus Schulstraße", "Schulstraße 9", "64283", ["schuhe"], "shoes",
     "Einzelunternehmen", "Georg Leisten", "Schuhe für die ganze Familie, Reparatur im Haus.", 110),
    ("spielkiste-bessungen", "Spielkiste Bessungen", "Karlstraße 45", "64285", ["spielwaren"], "toys",
     "Einzelunternehmen", "Ina Kreisel", "Holzspielzeug, Brettspiele und Bastelbedarf.", 180),
    ("brettspielladen-riegerplatz", "Würfel & Co. am Riegerplatz", "Riegerplatz 2", "64289", ["spielwaren"],
     "toys", "UG (haftungsbeschränkt)", "Malte Meeple", "Brettspiele zum Kaufen und zum Ausprobieren.", 160),
    ("kuechenzauber-wilhelminenstrasse", "Küchenzauber", "Wilhelminenstraße 17", "64283", ["kueche"], "kitchen",
     "GmbH", "Ralf Rührer", "Messer, Töpfe und alles für die gute Küche; Schleifservice.", 200),
    ("weinkontor-bessungen", "Weinkontor Bessungen", "Bessunger Straße 30", "64285", ["wein", "lebensmittel"],
     "wine", "Einzelunternehmen", "Vera Rebe", "Weine von der Bergstraße und aus Rheinhessen, Verkostung freitags.",
     150),
    ("feinkost-heinheimer", "Feinkost Heinheimer", "Heinheimer Straße 45", "64289", ["lebensmittel"], "deli",
     "Einzelunternehmen", "Giulia Olivieri", "Olivenöl, Pasta, Käse und Antipasti aus Italien und der Region.", 180),
    ("unverpackt-darmstadt", "Unverpackt Darmstadt", "Lauteschlägerstraße 18", "64289", ["lebensmittel", "kosmetik"],
     "bulk", "eG", "Genossenschaft Unverpackt (Vorstand: Jonas Glas)", "Lebensmittel ohne Verpackung, zum Abfüllen.",
     150),
    ("papeterie-grafenstrasse", "Papeterie Grafenstraße", "Grafenstraße 26", "64283", ["schreibwaren"],
     "stationery", "Einzelunternehmen", "Fritz Feder", "Füller, Notizbücher und Papiere aus Europa.", 170),
    ("naturkosmetik-adelung", "Naturkosmetik Adelung", "Adelungstraße 14", "64283", ["kosmetik"], "cosmetics",
     "Einzelunternehmen", "Eva Lavendel", "Zertifizierte Naturkosmetik, Seifen aus eigener Herstellung.", 150),
    ("blumen-am-woog", "Blumen am Woog", "Landgraf-Georg-Straße 60", "64283", ["blumen"], "plants",
     "Einzelunternehmen", "Rosa Gärtner", "Schnittblumen, Topfpflanzen und Kräuter aus der Region.", 120),
    ("plattenladen-pankratius", "Plattenladen Pankratius", "Pankratiusstraße 8", "64289", ["musik"], "records",
     "Einzelunternehmen", "Kai Rille", "Vinyl neu und gebraucht, Plattenspieler und Zubehör.", 200),
    ("bergsport-rheinstrasse", "Bergsport Rheinstraße", "Rheinstraße 40", "64283", ["sport"], "outdoor", "GmbH",
     "Heike Gipfel", "Wandern, Klettern und Camping; Verleih von Zelten und Rucksäcken.", 140),
    ("goldschmiede-elisabethen", "Goldschmiede Elisabethenstraße", "Elisabethenstraße 21", "64283", ["schmuck"],
     "jewellery", "Einzelunternehmen", "Marie Öse", "Schmuck aus eigener Werkstatt, Trauringe und Reparaturen.", 100),
    ("haushalt-frankfurter", "Haushaltswaren Frankfurter Straße", "Frankfurter Straße 20", "64293", ["kueche"],
     "kitchen", "KG", "Familie Topf KG", "Haushaltswaren, Eisenwaren und Schlüsseldienst seit 1962.", 180),
    ("kinderladen-kirchstrasse", "Kinderladen Kirchstraße", "Kirchstraße 6", "64283", ["spielwaren", "mode"],
     "kids", "Einzelunternehmen", "Nele Knopf", "Kinderkleidung aus Bio-Baumwolle und Spielzeug.", 140),
]

WEEKDAY_HOURS = [(0, "10:00", "18:30"), (1, "10:00", "18:30"), (2, "10:00", "18:30"), (3, "10:00", "19:00"),
                 (4, "10:00", "19:00"), (5, "10:00", "16:00")]

# --- product generators: (title, description, brand, price cents, vat, net quantity, base unit, sizes) -----

ADJ = ["Klassik", "Edition", "Natur", "Stadt", "Premium", "Basic", "Retro", "Alltag", "Darmstädter", "Nordlicht",
       "Herbst", "Sommer"]


def _coffee(rng, i):
    origins = ["Äthiopien Yirgacheffe", "Kolumbien Huila", "Brasilien Cerrado", "Guatemala Antigua",
               "Kenia Nyeri", "Peru Cajamarca", "Honduras Marcala", "Ruanda Kivu", "Indien Monsooned Malabar",
               "Mexiko Chiapas", "Costa Rica Tarrazú", "Sumatra Mandheling"]
    roasts = ["Espresso", "Filterröstung", "Omniröstung", "Cold Brew"]
    sizes = [(250, 0), (500, 1), (1000, 2)]
    origin, roast = origins[i % len(origins)], roasts[(i // len(origins)) % len(roasts)]
    grams, step = sizes[(i // (len(origins) * len(roasts))) % len(sizes)]
    base = rng.randint(790, 1090) * (1 + step * 0.9)
    return (f"{origin} – {roast}, {grams} g", f"Ganze Bohne, {roast.lower()}; Notizen von Kakao und Frucht.",
            "Rösterei Mathildenhöhe", int(base) // 10 * 10 + 9, VatRate.REDUCED, grams, BaseUnit.KG, [])


def _tea(rng, i):
    teas = ["Sencha", "Darjeeling First Flush", "Assam Broken", "Earl Grey", "Jasmin Perlen", "Oolong Milky",
            "Rooibos Vanille", "Pfefferminz", "Kamille", "Weißer Pai Mu Tan", "Matcha", "Genmaicha", "Chai"]
    grams = [50, 100, 250][(i // len(teas)) % 3]
    name = teas[i % len(teas)]
    return (f"{name}, {grams} g", "Loser Tee aus kontrolliertem Anbau.", "Teehaus am Markt",
            int(rng.randint(450, 900) * grams / 100) // 10 * 10 + 9, VatRate.REDUCED, grams, BaseUnit.KG, [])


def _books(rng, i):
    first = ["Die Stadt", "Das Haus", "Der Garten", "Die Reise", "Das Jahr", "Die Stimme", "Der Sommer", "Das Licht",
             "Die Brücke", "Der Wald", "Die Insel", "Das Archiv"]
    second = ["am Fluss", "der Vögel", "im Winter", "ohne Namen", "der Erinnerung", "aus Glas", "hinter dem Hügel",
              "der Zeit", "im Nebel", "der Wünsche"]
    authors = ["Anna Berger", "Jonas Keller", "Lea Wolf", "Felix Braun", "Mira Schuster", "Ole Hansen",
               "Sara Lindqvist", "Tarek Aziz", "Paula Roth", "Yusuf Demir"]
    kind = ["Roman", "Krimi", "Sachbuch", "Kinderbuch", "Erzählungen"][i % 5]
    return (f"{first[i % len(first)]} {second[(i // len(first)) % len(second)]}",
            f"{kind} von {authors[i % len(authors)]}. Gebunden.", authors[i % len(authors)],
            rng.choice([1200, 1400, 1600, 2000, 2200, 2400, 2600]), VatRate.REDUCED, None, "", [])


def _bikes(rng, i):
    items = [("Stadtrad", 64900, 129900), ("Trekkingrad", 79900, 149900), ("E-Bike", 249900, 399900),
             ("Lastenrad", 299900, 549900), ("Kinderrad 20 Zoll", 29900, 44900), ("Fahrradschloss", 2990, 8990),
             ("Fahrradhelm", 3990, 12990), ("Beleuchtungsset", 1990, 6990), ("Packtasche", 4990, 12990),
             ("Schlauch 28 Zoll", 590, 990), ("Mantel 28 Zoll", 1990, 4990), ("Luftpumpe", 1490, 4990)]
    name, low, high = items[i % len(items)]
    return (f"{name} {ADJ[(i // len(items)) % len(ADJ)]}", f"{name} für den Alltag in der Stadt.", "Radwerk",
            rng.randint(low // 100, high // 100) * 100 - 10, VatRate.STANDARD, None, "", [])


def _fashion(rng, i):
    items = [("T-Shirt", 1990, 3990), ("Pullover", 4990, 8990), ("Jeans", 5990, 11990), ("Hemd", 3990, 7990),
             ("Bluse", 3990, 7990), ("Jacke", 8990, 19990), ("Kleid", 4990, 12990), ("Rock", 3990, 7990),
             ("Strickjacke", 5990, 9990), ("Mantel", 12990, 24990)]
    colours = ["schwarz", "weiß", "navy", "grau", "salbei", "rost", "senf", "bordeaux"]
    name, low, high = items[i % len(items)]
    colour = colours[(i // len(items)) % len(colours)]
    return (f"{name} {ADJ[(i // 80) % len(ADJ)]}, {colour}", f"{name} aus Bio-Baumwolle, Farbe {colour}.",
            "Luise Fashion", rng.randint(low // 100, high // 100) * 100 - 10, VatRate.STANDARD, None, "",
            ["S", "M", "L", "XL"])


def _shoes(rng, i):
    items = ["Sneaker", "Stiefel", "Halbschuh", "Sandale", "Wanderschuh", "Hausschuh", "Chelsea Boot", "Loafer"]
    name = items[i % len(items)]
    return (f"{name} {ADJ[(i // len(items)) % len(ADJ)]}", f"{name} aus Leder, in Europa gefertigt.", "Leisten",
            rng.randint(59, 189) * 100 - 10, VatRate.STANDARD, None, "", [str(s) for s in range(37, 46)])


def _toys(rng, i):
    items = ["Holzeisenbahn", "Bauklötze", "Puzzle 500 Teile", "Puzzle 1000 Teile", "Brettspiel", "Kartenspiel",
             "Kuscheltier", "Murmelbahn", "Malkasten", "Springseil", "Kreisel", "Würfelspiel", "Knete"]
    name = items[i % len(items)]
    return (f"{name} „{ADJ[(i // len(items)) % len(ADJ)]}“", f"{name}, geeignet ab 3 Jahren.", "Spielkiste",
            rng.randint(5, 60) * 100 - 10, VatRate.STANDARD, None, "", [])


def _kitchen(rng, i):
    items = ["Kochmesser 20 cm", "Brotmesser", "Schneidebrett Eiche", "Gusseisenpfanne 28 cm", "Topf 24 cm",
             "Espressokocher", "French Press", "Teekanne", "Schüssel-Set", "Reibe", "Salzmühle", "Backform",
             "Geschirrtuch", "Karaffe", "Sparschäler"]
    name = items[i % len(items)]
    return (f"{name} {ADJ[(i // len(items)) % len(ADJ)]}", f"{name} für die tägliche Küche.", "Küchenzauber",
            rng.randint(6, 140) * 100 - 10, VatRate.STANDARD, None, "", [])


def _wine(rng, i):
    grapes = ["Riesling", "Silvaner", "Grauburgunder", "Weißburgunder", "Spätburgunder", "Dornfelder",
              "Müller-Thurgau", "Rosé", "Sekt brut", "Apfelwein"]
    regions = ["Hessische Bergstraße", "Rheinhessen", "Rheingau", "Pfalz"]
    year = 2020 + i % 5
    ml = 750 if grapes[i % len(grapes)] != "Apfelwein" else 1000
    return (f"{grapes[i % len(grapes)]} {regions[(i // len(grapes)) % len(regions)]} {year}, {ml / 1000:g} l",
            "Trocken. Enthält Sulfite.", regions[(i // len(grapes)) % len(regions)],
            rng.randint(6, 28) * 100 - 10, VatRate.STANDARD, ml, BaseUnit.L, [])


def _deli(rng, i):
    items = [("Olivenöl extra vergine", 500, BaseUnit.L), ("Pasta Spaghetti", 500, BaseUnit.KG),
             ("Pesto Genovese", 190, BaseUnit.KG), ("Parmigiano 24 Monate", 250, BaseUnit.KG),
             ("Balsamico", 250, BaseUnit.L), ("Tomaten passiert", 700, BaseUnit.KG),
             ("Risottoreis", 1000, BaseUnit.KG), ("Kapern", 100, BaseUnit.KG), ("Honig aus Bessungen", 500,
                                                                                  BaseUnit.KG),
             ("Grüne Soße Kräuter", 300, BaseUnit.KG)]
    name, qty, unit = items[i % len(items)]
    measure = "ml" if unit == BaseUnit.L else "g"
    return (f"{name} {ADJ[(i // len(items)) % len(ADJ)]}, {qty} {measure}", f"{name}. Feinkost aus kleinen "
            "Betrieben.", "Feinkost Heinheimer", rng.randint(3, 24) * 100 - 1, VatRate.REDUCED, qty, unit, [])


def _bulk(rng, i):
    items = [("Haferflocken", 1000), ("Linsen rot", 500), ("Kichererbsen", 500), ("Reis Basmati", 1000),
             ("Nudeln Fusilli", 500), ("Walnüsse", 200), ("Rosinen", 250), ("Müsli", 750), ("Zucker", 1000),
             ("Mehl Type 550", 1000), ("Kaffeebohnen", 250), ("Spülmittel", 500)]
    name, grams = items[i % len(items)]
    unit = BaseUnit.L if name == "Spülmittel" else BaseUnit.KG
    return (f"{name} (Abfüllung), {grams} {'ml' if unit == BaseUnit.L else 'g'} {ADJ[(i // len(items)) % len(ADJ)]}",
            "Unverpackt; bringen Sie ein Gefäß mit.", "Unverpackt", rng.randint(1, 9) * 100 + 49,
            VatRate.REDUCED if unit == BaseUnit.KG else VatRate.STANDARD, grams, unit, [])


def _stationery(rng, i):
    items = ["Notizbuch A5 liniert", "Notizbuch A5 dotted", "Füller", "Tintenglas", "Bleistift-Set", "Briefpapier",
             "Kalender 2027", "Grußkarte", "Aquarellblock", "Fineliner-Set", "Radiergummi", "Lineal Holz"]
    name = items[i % len(items)]
    return (f"{name} {ADJ[(i // len(items)) % len(ADJ)]}", f"{name} aus Europa.", "Papeterie",
            rng.randint(2, 60) * 100 - 10, VatRate.STANDARD, None, "", [])


def _cosmetics(rng, i):
    items = [("Handcreme", 75), ("Duschgel", 250), ("Shampoo", 250), ("Gesichtsöl", 30), ("Bodylotion", 200),
             ("Seife Lavendel", 100), ("Deo Creme", 50), ("Lippenbalsam", 5)]
    name, ml = items[i % len(items)]
    return (f"{name} {ADJ[(i // len(items)) % len(ADJ)]}, {ml} ml", f"{name}, zertifizierte Naturkosmetik.",
            "Adelung Naturkosmetik", rng.randint(3, 30) * 100 - 10, VatRate.STANDARD, ml, BaseUnit.L, [])


def _plants(rng, i):
    items = ["Strauß der Saison", "Tulpen (10 Stück)", "Rosen (5 Stück)", "Orchidee", "Monstera", "Kräutertopf "
             "Basilikum", "Lavendel im Topf", "Sukkulenten-Set", "Olivenbäumchen", "Blumenerde 10 l"]
    name = items[i % len(items)]
    return (f"{name} {ADJ[(i // len(items)) % len(ADJ)]}", f"{name}, aus der Region.", "Blumen am Woog",
            rng.randint(4, 45) * 100 - 10, VatRate.REDUCED, None, "", [])


def _records(rng, i):
    bands = ["Die Heinerboys", "Luisenplatz Quartett", "Martinsviertel Soundsystem", "Woogsgeflüster",
             "Lange Ludwig", "Hochzeitsturm", "Orangerie Ensemble", "Knabenschule Beat"]
    formats = ["LP", "2LP", "7\"", "CD"]
    return (f"{bands[i % len(bands)]} – {ADJ[(i // len(bands)) % len(ADJ)]} ({formats[(i // 96) % len(formats)]})",
            "Tonträger, neu.", bands[i % len(bands)], rng.randint(9, 36) * 100 - 10, VatRate.STANDARD, None, "", [])


def _outdoor(rng, i):
    items = ["Wanderrucksack 30 l", "Trinkflasche", "Regenjacke", "Stirnlampe", "Schlafsack", "Isomatte", "Zelt 2P",
             "Kletterschuh", "Karabiner", "Wandersocken", "Mütze", "Handschuhe"]
    name = items[i % len(items)]
    return (f"{name} {ADJ[(i // len(items)) % len(ADJ)]}", f"{name} für Odenwald und Alpen.", "Bergsport",
            rng.randint(8, 320) * 100 - 10, VatRate.STANDARD, None, "", [])


def _jewellery(rng, i):
    items = ["Ring Silber", "Ring Gold 585", "Ohrstecker", "Kette", "Armband", "Anhänger Hochzeitsturm",
             "Manschettenknöpfe", "Brosche"]
    name = items[i % len(items)]
    return (f"{name} {ADJ[(i // len(items)) % len(ADJ)]}", f"{name}, Handarbeit aus Darmstadt.", "Goldschmiede",
            rng.randint(39, 890) * 100, VatRate.STANDARD, None, "", [])


def _kids(rng, i):
    if i % 2:
        return _toys(rng, i)
    items = ["Body", "Strampler", "Mütze", "Latzhose", "Pullover", "Regenjacke"]
    name = items[(i // 2) % len(items)]
    return (f"{name} Kinder {ADJ[(i // 12) % len(ADJ)]}", f"{name} aus Bio-Baumwolle.", "Knopf",
            rng.randint(12, 45) * 100 - 10, VatRate.STANDARD, None, "", ["74", "80", "86", "92", "98", "104"])


EDITIONS = ["Sonderedition", "Geschenkbox", "Vorratspackung", "Limitierte Auflage", "Probierset", "Jubiläumsausgabe",
            "Großpackung", "Winteredition", "Frühlingsedition", "Sammlerstück"]

GENERATORS = {"coffee": _coffee, "tea": _tea, "books": _books, "bikes": _bikes, "fashion": _fashion,
              "shoes": _shoes, "toys": _toys, "kitchen": _kitchen, "wine": _wine, "deli": _deli, "bulk": _bulk,
              "stationery": _stationery, "cosmetics": _cosmetics, "plants": _plants, "records": _records,
              "outdoor": _outdoor, "jewellery": _jewellery, "kids": _kids}
CATEGORY_OF_KIND = {"coffee": "kaffee-tee", "tea": "kaffee-tee", "books": "buecher", "bikes": "fahrrad",
                    "fashion": "mode", "shoes": "schuhe", "toys": "spielwaren", "kitchen": "kueche", "wine": "wein",
                    "deli": "lebensmittel", "bulk": "lebensmittel", "stationery": "schreibwaren",
                    "cosmetics": "kosmetik", "plants": "blumen", "records": "musik", "outdoor": "sport",
                    "jewellery": "schmuck", "kids": "mode"}


def _legal_texts(*, name, street, postal_code, legal_form, owner, vat_id, email, phone) -> dict[str, str]:
    return {
        "imprint": (f"{name}\n{street}\n{postal_code} Darmstadt\n\nInhaber/in bzw. vertreten durch: {owner}\n"
                    f"Rechtsform: {legal_form}\nTelefon: {phone}\nE-Mail: {email}\nUmsatzsteuer-ID: {vat_id}\n\n"
                    "(Demo-Daten: dieses Geschäft gibt es nicht.)"),
        "terms": (f"Allgemeine Geschäftsbedingungen von {name} (Demo)\n\n1. Geltung: Diese AGB gelten für "
                  "Bestellungen über den Marktplatz Darmstadt.\n2. Vertragsschluss: Der Vertrag kommt mit der "
                  "Bestätigung der Bestellung zustande.\n3. Preise: Alle Preise enthalten die gesetzliche "
                  "Umsatzsteuer.\n4. Abholung: Reservierte Ware liegt bis zum Ende der Abholfrist bereit."),
        "withdrawal_policy": ("Widerrufsrecht (Demo)\n\nSie haben das Recht, binnen vierzehn Tagen ohne Angabe von "
                              "Gründen diesen Vertrag zu widerrufen. Die Widerrufsfrist beträgt vierzehn Tage ab dem "
                              "Tag, an dem Sie die Waren in Besitz genommen haben. Um Ihr Widerrufsrecht "
                              f"auszuüben, informieren Sie uns ({name}, {street}, {postal_code} Darmstadt, {email}) "
                              "mittels einer eindeutigen Erklärung über Ihren Entschluss."),
    }


def _vat_id(n: int) -> str:
    return f"DE{(289_000_000 + n * 7_919) % 1_000_000_000:09d}"


def seed(*, stdout=None) -> None:
    with transaction.atomic():
        created_shops = _seed(stdout)
    product_ids = list(Product.unscoped_objects.filter(shop__slug__in=created_shops).values_list("pk", flat=True))
    if product_ids:
        from .search_index import index_products

        index_products(product_ids=product_ids)
    if stdout is not None:
        stdout.write(f"marketplace: {Shop.objects.count()} shops, {Product.unscoped_objects.count()} products")


def _seed(stdout) -> list[str]:
    categories = {}
    for slug, name_de, name_en, order in CATEGORIES:
        categories[slug], _c = Category.objects.get_or_create(slug=slug, defaults={
            "name_de": name_de, "name_en": name_en, "order": order})
    retailer = demo_user_ensure(email=DEMO_RETAILER, first_name="Mara", last_name="Bohnenkamp",
                                password=DEMO_PASSWORD)
    now = timezone.now()
    fresh_shops = []
    for n, (slug, name, street, postal_code, cats, kind, legal_form, owner, description, n_products) in enumerate(
            SHOPS, start=1):
        shop = Shop.objects.filter(slug=slug).first()
        if shop is not None:
            continue
        org = organisation_ensure(slug=slug, name=f"{name} (Demo)", kind="shop",
                                  owner=retailer if slug == SHOPS[0][0] else None, street=street,
                                  postal_code=postal_code, city="Darmstadt")
        email = f"kontakt@{slug}.example"
        phone = f"06151 {n:02d}{n * 37 % 1000:03d}0"
        vat_id = _vat_id(n)
        name_part, number = split_street(street)
        position = geocode(street=name_part, house_number=number, postal_code=postal_code, city="Darmstadt")
        shop = Shop.objects.create(
            organisation=org, slug=slug, name=name, description=description, legal_form=legal_form,
            owner_name=owner, street=street, postal_code=postal_code, city="Darmstadt",
            district=position.district if position else "",
            latitude=position.latitude if position else None, longitude=position.longitude if position else None,
            position_source=position.source if position else "", phone=phone, email=email,
            pickup_instructions="Bitte nennen Sie an der Kasse Ihren Abholcode.", vat_id=vat_id,
            status=ShopStatus.LIVE, submitted_at=now, verified_at=now,
            **_legal_texts(name=name, street=street, postal_code=postal_code, legal_form=legal_form, owner=owner,
                           vat_id=vat_id, email=email, phone=phone))
        shop.categories.set([categories[c] for c in cats])
        ShopOpeningHours.objects.bulk_create([
            ShopOpeningHours(shop=shop, weekday=day, opens=dt.time.fromisoformat(o), closes=dt.time.fromisoformat(c))
            for day, o, c in WEEKDAY_HOURS])
        _products(shop=shop, n=n, kind=kind, count=n_products, category=categories[CATEGORY_OF_KIND[kind]], now=now)
        fresh_shops.append(slug)
    return fresh_shops


def _products(*, shop: Shop, n: int, kind: str, count: int, category: Category, now) -> None:
    rng = random.Random(f"demo-{shop.slug}")
    generate = GENERATORS[kind]
    org = shop.organisation
    rows = []
    seen: dict[str, int] = {}
    for i in range(count):
        row = generate(rng, i)
        # The word lists repeat after a while: later rounds become special editions.
        round_ = seen.get(row[0], 0)
        seen[row[0]] = round_ + 1
        if round_:
            row = (f"{row[0]} ({EDITIONS[(round_ - 1) % len(EDITIONS)]})", *row[1:])
        rows.append(row)
    # Demo job: bulk writes for one known organisation, outside a request (unscoped managers).
    products = Product.unscoped_objects.bulk_create([
        Product(organisation=org, shop=shop, title=title, description=description, brand=brand, category=category,
                vat_rate=vat, net_quantity=Decimal(qty) if qty else None, base_unit=unit or "",
                shippable=kind not in {"plants"})
        for title, description, brand, _price, vat, qty, unit, _sizes in rows])
    if any(p.pk is None for p in products):  # a database without RETURNING: read the keys back
        products = list(Product.unscoped_objects.filter(shop=shop).order_by("pk"))
    variants = []
    counter = 0
    for product, (_t, _d, _b, price, _v, _q, _u, sizes) in zip(products, rows, strict=True):
        for size in sizes or [""]:
            counter += 1
            body = f"9783{n:02d}{counter:06d}" if kind == "books" else f"42{n:03d}{counter:07d}"
            variants.append(Variant(
                organisation=org, product=product, sku=f"{shop.slug[:12].upper()}-{counter:05d}", size=size,
                gtin=gtin_complete(body), price_cents=price, on_hand=rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 40]),
                stock_updated_at=now))
    Variant.unscoped_objects.bulk_create(variants, batch_size=500)
