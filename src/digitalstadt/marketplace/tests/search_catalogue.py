"""A generated test catalogue for the search: named products in several live shops (the
ones the queries look for), a few hundred filler products around them, and a shop that
is not live whose products must never show."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from digitalstadt.accounts.models import Organisation, OrganisationKind

from ..models import BaseUnit, Category, Product, Shop, ShopStatus, Variant
from ..search_index import index_products

CATEGORIES = [
    ("lebensmittel", "Lebensmittel", "Food"), ("haushalt", "Haushalt & Küche", "Home & kitchen"),
    ("fahrrad", "Fahrräder & Zubehör", "Bicycles"), ("elektronik", "Elektronik", "Electronics"),
    ("mode", "Mode", "Fashion"), ("schuhe", "Schuhe", "Shoes"), ("spielwaren", "Spielwaren", "Toys"),
    ("drogerie", "Drogerie", "Drugstore"), ("buecher", "Bücher", "Books"), ("sport", "Sport & Freizeit", "Sports"),
]
SHOPS = [  # slug, name, district
    ("roesterei", "Rösterei am Markt", "Innenstadt"), ("radhaus", "Radhaus Bessungen", "Bessungen"),
    ("technik", "Technik Eck", "Innenstadt"), ("schuhwerk", "Schuhwerk Martinsviertel", "Martinsviertel"),
    ("spielkiste", "Spielkiste", "Eberstadt"), ("buchladen", "Buchladen Johannesviertel", "Johannesviertel"),
    ("kaufhaus", "Kaufhaus Ludwigsplatz", "Innenstadt"),
]

# title, brand, category, shop, description, price in cents, (net quantity, base unit)
NAMED = [
    ("Kaffee Crema ganze Bohne", "Heinerröstung", "lebensmittel", "roesterei", "Milder Röstkaffee aus Darmstadt.", 1490, (1000, "kg")),
    ("Espresso Bohnen dunkel", "Heinerröstung", "lebensmittel", "roesterei", "Kräftig, wenig Säure.", 1290, (500, "kg")),
    ("Entkoffeinierter Kaffee gemahlen", "Heinerröstung", "lebensmittel", "roesterei", "Für den Abend.", 890, (250, "kg")),
    ("Kaffeetasse Steingut blau", "Töpferei Nieder-Ramstadt", "haushalt", "kaufhaus", "Spülmaschinenfest.", 1200, None),
    ("Tasse Darmstadt Skyline", "Heinerdesign", "haushalt", "kaufhaus", "Mit Hochzeitsturm.", 990, None),
    ("Teekanne Glas 1,5 Liter", "Glaswerk", "haushalt", "kaufhaus", "Mit Sieb aus Edelstahl.", 2490, None),
    ("Grüner Tee Sencha", "Teehaus", "lebensmittel", "roesterei", "Aus Japan.", 690, (100, "kg")),
    ("Bio-Vollmilch 3,8 %", "Hofgut Oberfeld", "lebensmittel", "kaufhaus", "Frisch vom Hofgut.", 159, (1000, "l")),
    ("Honig aus dem Odenwald", "Imkerei Roßdorf", "lebensmittel", "kaufhaus", "Blütenhonig, cremig.", 699, (500, "kg")),
    ("Olivenöl nativ extra", "Oliva", "lebensmittel", "kaufhaus", "Kaltgepresst.", 1190, (750, "l")),
    ("Fahrradhelm Urban", "Abus", "fahrrad", "radhaus", "Leichter Helm für Stadt und Tour.", 5990, None),
    ("Kinder-Fahrradhelm Drache", "Abus", "fahrrad", "radhaus", "Helm mit Drachenmotiv.", 3990, None),
    ("Kinderfahrrad 20 Zoll", "Puky", "fahrrad", "radhaus", "Das erste richtige Fahrrad für Kinder.", 29900, None),
    ("Trekkingrad Alu 28 Zoll", "Kalkhoff", "fahrrad", "radhaus", "Für Alltag und Reise.", 89900, None),
    ("Fahrradschloss Bügel", "Abus", "fahrrad", "radhaus", "Sicherheitsstufe 12.", 4990, None),
    ("Fahrradlampe LED Set", "Busch & Müller", "fahrrad", "radhaus", "StVZO zugelassen.", 3490, None),
    ("Luftpumpe Standpumpe", "SKS", "fahrrad", "radhaus", "Mit Manometer.", 2990, None),
    ("Lastenrad elektrisch", "Urban Arrow", "fahrrad", "radhaus", "Für Einkauf und Kinder.", 499900, None),
    ("Smartphone Galaxy A15", "Samsung", "elektronik", "technik", "128 GB Speicher.", 19900, None),
    ("Smartphone Pixel 8", "Google", "elektronik", "technik", "Kamera mit Nachtsicht.", 59900, None),
    ("Handyhülle Leder", "Technik Eck", "elektronik", "technik", "Passt für viele Modelle.", 1990, None),
    ("Kopfhörer kabellos", "Sony", "elektronik", "technik", "Mit Geräuschunterdrückung.", 14900, None),
    ("Notebook 14 Zoll", "Lenovo", "elektronik", "technik", "Leicht und leise.", 69900, None),
    ("Fernseher 55 Zoll 4K", "Philips", "elektronik", "technik", "Mit Ambilight.", 54900, None),
    ("Ladekabel USB-C", "Anker", "elektronik", "technik", "Zwei Meter lang.", 1290, (200, "m")),
    ("Powerbank 10000 mAh", "Anker", "elektronik", "technik", "Lädt zwei Geräte.", 2990, None),
    ("Sneaker Retro weiß", "Adidas", "schuhe", "schuhwerk", "Klassiker aus Leder.", 9990, None),
    ("Laufschuhe Trail", "Salomon", "schuhe", "schuhwerk", "Griffige Sohle.", 13900, None),
    ("Wanderschuhe wasserdicht", "Meindl", "schuhe", "schuhwerk", "Für den Odenwald.", 18900, None),
    ("Gummistiefel Kinder", "Romikids", "schuhe", "schuhwerk", "Mit Warmfutter.", 2990, None),
    ("Hausschuhe Filz", "Haflinger", "schuhe", "schuhwerk", "Aus Wollfilz.", 4990, None),
    ("Regenjacke Damen", "Vaude", "mode", "kaufhaus", "Wasserdicht und atmungsaktiv.", 11900, None),
    ("Strickpullover Wolle", "Heinerdesign", "mode", "kaufhaus", "Aus Merinowolle.", 7990, None),
    ("Wintermütze Strick", "Heinerdesign", "mode", "kaufhaus", "Mit Bommel.", 1990, None),
    ("Jeans Slim Fit", "Levis", "mode", "kaufhaus", "Dunkelblau.", 8990, None),
    ("Wanderrucksack 30 Liter", "Deuter", "sport", "kaufhaus", "Der Rucksack für Tagestouren, mit Regenhülle.", 8990, None),
    ("Yogamatte rutschfest", "Heinersport", "sport", "kaufhaus", "Sechs Millimeter dick.", 2990, None),
    ("Fußball Größe 5", "Derbystar", "sport", "kaufhaus", "Für Rasen und Halle.", 2490, None),
    ("Holzeisenbahn Starterset", "Brio", "spielwaren", "spielkiste", "Mit Brücke.", 4990, None),
    ("Puzzle Darmstadt 1000 Teile", "Ravensburger", "spielwaren", "spielkiste", "Mathildenhöhe.", 1490, None),
    ("Kuscheltier Teddybär", "Steiff", "spielwaren", "spielkiste", "Weich und waschbar.", 3990, None),
    ("Bauklötze Buche", "Spielkiste", "spielwaren", "spielkiste", "Fünfzig Steine.", 2990, None),
    ("Brettspiel Siedler", "Kosmos", "spielwaren", "spielkiste", "Für die ganze Familie.", 3490, None),
    ("Sonnencreme LSF 50", "Lavera", "drogerie", "kaufhaus", "Wasserfest.", 1290, (200, "l")),
    ("Zahnbürste Bambus", "Hydrophil", "drogerie", "kaufhaus", "Nachhaltig.", 390, None),
    ("Handseife Lavendel", "Speick", "drogerie", "kaufhaus", "Flüssigseife.", 450, (300, "l")),
    ("Kochbuch Hessische Küche", "Societäts-Verlag", "buecher", "buchladen", "Grüne Soße und mehr.", 2400, None),
    ("Stadtführer Darmstadt", "Justus von Liebig Verlag", "buecher", "buchladen", "Mit Stadtplan.", 1490, None),
    ("Kinderbuch Die kleine Raupe", "Gerstenberg", "buecher", "buchladen", "Ab zwei Jahren.", 990, None),
    ("Krimi Mord in Bessungen", "Emons", "buecher", "buchladen", "Ein Fall für Kommissarin Weber.", 1300, None),
    ("Gartenschlauch 20 Meter", "Gardena", "haushalt", "kaufhaus", "Knickfest.", 3990, (2000, "m")),
    ("Teppich Wolle 2x3 m", "Heinerdesign", "haushalt", "kaufhaus", "Handgeknüpft.", 29900, (60000, "m2")),
    ("Bratpfanne Gusseisen", "Skeppshult", "haushalt", "kaufhaus", "Für alle Herdarten.", 6990, None),
    ("Schneidebrett Nussbaum", "Heinerdesign", "haushalt", "kaufhaus", "Geölt.", 3490, None),
]

# query -> title expected in the top five, on both databases
QUERIES = [
    ("Kaffee", "Kaffee Crema ganze Bohne"),
    ("kaffee bohne", "Kaffee Crema ganze Bohne"),
    ("Kafee", "Kaffee Crema ganze Bohne"),  # typo
    ("Kaffe", "Kaffee Crema ganze Bohne"),
    ("Espreso", "Espresso Bohnen dunkel"),  # typo
    ("Espresso Bohne", "Espresso Bohnen dunkel"),  # plural
    ("entkoffeiniert", "Entkoffeinierter Kaffee gemahlen"),
    ("Kaffeetasse", "Kaffeetasse Steingut blau"),
    ("Kaffeetassen", "Kaffeetasse Steingut blau"),  # plural of a compound
    ("Tassen", "Tasse Darmstadt Skyline"),  # plural
    ("Tasse", "Kaffeetasse Steingut blau"),  # the compound it ends
    ("Becher", "Tasse Darmstadt Skyline"),  # synonym
    ("Teekanne", "Teekanne Glas 1,5 Liter"),
    ("Tekanne", "Teekanne Glas 1,5 Liter"),  # typo
    ("grüner Tee", "Grüner Tee Sencha"),
    ("Gruener Tee", "Grüner Tee Sencha"),  # umlaut spelt out
    ("Vollmilch", "Bio-Vollmilch 3,8 %"),
    ("Milch", "Bio-Vollmilch 3,8 %"),  # the compound it ends
    ("Honig Odenwald", "Honig aus dem Odenwald"),
    ("Olivenoel", "Olivenöl nativ extra"),
    ("Fahrradhelm", "Fahrradhelm Urban"),
    ("Fahradhelm", "Fahrradhelm Urban"),  # typo
    ("Kinderfahrradhelm", "Kinder-Fahrradhelm Drache"),  # compound of known words
    ("Helm", "Fahrradhelm Urban"),
    ("Kinderfahrrad", "Kinderfahrrad 20 Zoll"),
    ("Fahrrad Kinder", "Kinderfahrrad 20 Zoll"),
    ("Fahrradschlösser", "Fahrradschloss Bügel"),  # plural with umlaut
    ("Schloss", "Fahrradschloss Bügel"),
    ("Fahrradlampe", "Fahrradlampe LED Set"),
    ("Farradlampe", "Fahrradlampe LED Set"),  # typo
    ("Luftpumpe", "Luftpumpe Standpumpe"),
    ("Lastenrad", "Lastenrad elektrisch"),
    ("Trekkingrad", "Trekkingrad Alu 28 Zoll"),
    ("Handy", "Smartphone Galaxy A15"),  # synonym
    ("Handy Samsung", "Smartphone Galaxy A15"),
    ("Smartfone", "Smartphone Galaxy A15"),  # typo
    ("Handyhülle", "Handyhülle Leder"),
    ("Kopfhoerer", "Kopfhörer kabellos"),
    ("Headphones", "Kopfhörer kabellos"),  # synonym
    ("Laptop", "Notebook 14 Zoll"),  # synonym
    ("Fernseher", "Fernseher 55 Zoll 4K"),
    ("TV", "Fernseher 55 Zoll 4K"),
    ("Ladekabel", "Ladekabel USB-C"),
    ("Powerbank", "Powerbank 10000 mAh"),
    ("Turnschuhe", "Sneaker Retro weiß"),  # synonym
    ("Turnschuhe weiss", "Sneaker Retro weiß"),
    ("Sneakers", "Sneaker Retro weiß"),
    ("Laufschuh", "Laufschuhe Trail"),
    ("Lafschuhe", "Laufschuhe Trail"),  # typo
    ("Wanderschuhe", "Wanderschuhe wasserdicht"),
    ("Gummistiefel", "Gummistiefel Kinder"),
    ("Hausschuh", "Hausschuhe Filz"),
    ("Regenjacken", "Regenjacke Damen"),
    ("Jacke", "Regenjacke Damen"),
    ("Pulli", "Strickpullover Wolle"),  # synonym in a compound tail
    ("Mütze", "Wintermütze Strick"),
    ("Muetze", "Wintermütze Strick"),
    ("Jeans", "Jeans Slim Fit"),
    ("Rucksack", "Wanderrucksack 30 Liter"),
    ("Rucksak", "Wanderrucksack 30 Liter"),  # typo
    ("Yogamatte", "Yogamatte rutschfest"),
    ("Fussball", "Fußball Größe 5"),
    ("Holzeisenbahn", "Holzeisenbahn Starterset"),
    ("Eisenbahn", "Holzeisenbahn Starterset"),
    ("Puzzle", "Puzzle Darmstadt 1000 Teile"),
    ("Teddy", "Kuscheltier Teddybär"),
    ("Kuscheltiere", "Kuscheltier Teddybär"),
    ("Bauklötze", "Bauklötze Buche"),
    ("Brettspiele", "Brettspiel Siedler"),
    ("Sonnencreme", "Sonnencreme LSF 50"),
    ("Zahnbürsten", "Zahnbürste Bambus"),
    ("Seife", "Handseife Lavendel"),
    ("Kochbuch", "Kochbuch Hessische Küche"),
    ("Kochbücher", "Kochbuch Hessische Küche"),
    ("Stadtführer", "Stadtführer Darmstadt"),
    ("Krimi Bessungen", "Krimi Mord in Bessungen"),
    ("Gartenschlauch", "Gartenschlauch 20 Meter"),
    ("Pfanne", "Bratpfanne Gusseisen"),
    ("Teppich", "Teppich Wolle 2x3 m"),
    ("Abus", "Fahrradhelm Urban"),  # brand
    ("Steiff", "Kuscheltier Teddybär"),
]

FILLER_WORDS = ["Artikel", "Sortiment", "Ware", "Angebot", "Modell", "Serie", "Edition", "Klassik", "Basic",
                "Premium", "Set", "Pack", "Nummer"]


@dataclass
class Catalogue:
    shops: dict[str, Shop]
    categories: dict[str, Category]
    products: dict[str, Product]
    hidden_shop: Shop


def _shop(slug: str, name: str, district: str, status: str = ShopStatus.LIVE) -> Shop:
    org = Organisation.objects.create(name=name, slug=f"org-{slug}", kind=OrganisationKind.SHOP)
    return Shop.objects.create(organisation=org, slug=slug, name=name, street="Marktplatz 1", postal_code="64283",
                               district=district, status=status)


def build_catalogue(*, fillers: int = 300, seed: int = 3) -> Catalogue:
    rng = random.Random(seed)
    now = timezone.now()
    categories = {slug: Category.objects.create(slug=slug, name_de=de, name_en=en, order=i)
                  for i, (slug, de, en) in enumerate(CATEGORIES)}
    shops = {slug: _shop(slug, name, district) for slug, name, district in SHOPS}
    hidden = _shop("entwurf", "Geschäft im Entwurf", "Innenstadt", ShopStatus.DRAFT)
    rows = []
    for title, brand, category, shop, description, price, unit in NAMED:
        rows.append((shops[shop], title, brand, categories[category], description, price, unit, True))
    # The hidden shop sells what the queries look for, with the same words: it must never show.
    for title, brand, category, _shop_slug, description, price, unit in NAMED[:10]:
        rows.append((hidden, title, brand, categories[category], description, price, unit, False))
    for i in range(fillers):
        shop = rng.choice(list(shops.values()))
        category = rng.choice(list(categories.values()))
        title = f"{rng.choice(FILLER_WORDS)} {rng.choice(FILLER_WORDS)} {i}"
        rows.append((shop, title, "", category, "Ein Artikel aus dem Sortiment.", rng.randint(100, 20000), None,
                     False))
    products = Product.unscoped_objects.bulk_create([
        Product(organisation_id=shop.organisation_id, shop=shop, title=title, brand=brand, category=category,
                description=description, net_quantity=Decimal(unit[0]) if unit else None,
                base_unit=unit[1] if unit else BaseUnit.NONE)
        for shop, title, brand, category, description, _price, unit, _named in rows])
    variants = []
    for product, (_s, _t, _b, _c, _d, price, _u, _named) in zip(products, rows, strict=True):
        variants.append(Variant(organisation_id=product.organisation_id, product=product, sku=f"SKU-{product.pk}",
                                price_cents=price, on_hand=rng.choice([0, 2, 5]),
                                stock_updated_at=now - dt.timedelta(minutes=5)))
    Variant.unscoped_objects.bulk_create(variants)
    index_products()
    named = {p.title: p for p in products if p.shop_id != hidden.pk and p.title in {n[0] for n in NAMED}}
    return Catalogue(shops=shops, categories=categories, products=named, hidden_shop=hidden)
