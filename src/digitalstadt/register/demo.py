"""Darmstadt demo data for the register (called by `manage.py seed_demo` after the accounts).

Facts from shared/data/darmstadt.md: the nine Stadtteile and the resident-parking zones
with their codes and start dates where known (Kapellplatzviertel "k" Nov 2017,
Woogsviertel Sep 2021, Bessungen-Ost Dec 2022, Martinsviertel-Ost WA1 01.12.2023,
Martinsviertel-West WA2 01.03.2024). The codes WO, BN and BO are invented and marked
`is_demo`.

The street names are real Darmstadt streets, but their postal codes and the
street -> zone mapping (including the house-number split of Heinheimer Straße) are
demo data approximating the real zones, not the official zone plan. All residents
are invented. Bulky-waste pick-up days: one weekday per district, the next ten such
days from tomorrow on, skipping Hessian public holidays; every district keeps the
default cut-off (12:00, two working days before; the EAD's real rule is not known here,
a demo value) and the list of what is and is not collected is demo wording.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from django.db import transaction
from django.utils import timezone

from .models import BulkyWasteItem, District, ParkingZone, PickupDate, Resident, Street, StreetZone

# slug, name, bulky-waste weekday (0 = Monday)
DISTRICTS = [
    ("mitte", "Mitte", 0),
    ("bessungen", "Bessungen", 1),
    ("nord", "Darmstadt-Nord", 2),
    ("ost", "Darmstadt-Ost", 3),
    ("west", "Darmstadt-West", 4),
    ("eberstadt", "Eberstadt", 0),
    ("arheilgen", "Arheilgen", 1),
    ("kranichstein", "Kranichstein", 2),
    ("wixhausen", "Wixhausen", 3),
]

# code, name_de, name_en, valid_from, demo code?
ZONES = [
    ("k", "Kapellplatzviertel", "Kapellplatzviertel", date(2017, 11, 1), False),
    # darmstadt.md gives only the year 2021 for the Mathildenhöhe: no date is invented.
    ("MA", "Mathildenhöhe", "Mathildenhöhe", None, False),
    ("WO", "Woogsviertel", "Woogsviertel", date(2021, 9, 1), True),
    ("BN", "Bessungen-Nord", "Bessungen North", None, True),
    ("BO", "Bessungen-Ost", "Bessungen East", date(2022, 12, 1), True),
    ("JO", "Johannesviertel", "Johannesviertel", None, False),
    ("WA1", "Martinsviertel-Ost", "Martinsviertel East", date(2023, 12, 1), False),
    ("WA2", "Martinsviertel-West", "Martinsviertel West", date(2024, 3, 1), False),
]

# name, postal code, district slug, zone assignments [(code, number_from, number_to)]
STREETS = [
    # Mitte: Kapellplatzviertel
    ("Kapellplatz", "64283", "mitte", [("k", None, None)]),
    ("Große Bachgasse", "64283", "mitte", [("k", None, None)]),
    ("Kleine Bachgasse", "64283", "mitte", [("k", None, None)]),
    ("Soderstraße", "64283", "mitte", [("k", None, None)]),
    ("Kapellstraße", "64283", "mitte", [("k", None, None)]),
    # Mitte: no residents' zone
    ("Luisenplatz", "64283", "mitte", []),
    ("Ernst-Ludwig-Straße", "64283", "mitte", []),
    ("Wilhelminenstraße", "64283", "mitte", []),
    ("Elisabethenstraße", "64283", "mitte", []),
    ("Schulstraße", "64283", "mitte", []),
    ("Marktplatz", "64283", "mitte", []),
    ("Rheinstraße", "64283", "mitte", []),
    ("Grafenstraße", "64283", "mitte", []),
    ("Adelungstraße", "64283", "mitte", []),
    ("Zimmerstraße", "64283", "mitte", []),
    ("Hügelstraße", "64283", "mitte", []),
    ("Neckarstraße", "64283", "mitte", []),
    ("Schleiermacherstraße", "64283", "mitte", []),
    # Darmstadt-Ost: Woogsviertel
    ("Landgraf-Georg-Straße", "64283", "ost", [("WO", None, None)]),
    ("Heinrich-Fuhr-Straße", "64287", "ost", [("WO", None, None)]),
    ("Teichhausstraße", "64287", "ost", [("WO", None, None)]),
    ("Beckstraße", "64287", "ost", [("WO", None, None)]),
    ("Fiedlerweg", "64287", "ost", [("WO", None, None)]),
    # Darmstadt-Ost: Mathildenhöhe
    ("Alexandraweg", "64287", "ost", [("MA", None, None)]),
    ("Olbrichweg", "64287", "ost", [("MA", None, None)]),
    ("Prinz-Christians-Weg", "64287", "ost", [("MA", None, None)]),
    ("Pützerstraße", "64287", "ost", [("MA", None, None)]),
    ("Mathildenhöhweg", "64287", "ost", [("MA", None, None)]),
    # Darmstadt-Ost: no residents' zone
    ("Dieburger Straße", "64287", "ost", []),
    ("Erbacher Straße", "64287", "ost", []),
    ("Roßdörfer Straße", "64287", "ost", []),
    ("Spessartring", "64287", "ost", []),
    # Darmstadt-Nord: Martinsviertel-Ost (Heinheimer Straße only up to no. 60)
    ("Heinheimer Straße", "64289", "nord", [("WA1", 1, 60)]),
    ("Liebfrauenstraße", "64289", "nord", [("WA1", None, None)]),
    ("Lauteschlägerstraße", "64289", "nord", [("WA1", None, None)]),
    ("Barkhausstraße", "64289", "nord", [("WA1", None, None)]),
    ("Riegerplatz", "64289", "nord", [("WA1", None, None)]),
    # Darmstadt-Nord: Martinsviertel-West
    ("Pankratiusstraße", "64289", "nord", [("WA2", None, None)]),
    ("Arheilger Straße", "64289", "nord", [("WA2", None, None)]),
    ("Mauerstraße", "64289", "nord", [("WA2", None, None)]),
    ("Kahlertstraße", "64293", "nord", [("WA2", None, None)]),
    # Darmstadt-Nord: Johannesviertel (Frankfurter Straße only its southern part)
    ("Liebigstraße", "64293", "nord", [("JO", None, None)]),
    ("Kasinostraße", "64293", "nord", [("JO", None, None)]),
    ("Gervinusstraße", "64293", "nord", [("JO", None, None)]),
    ("Bismarckstraße", "64293", "nord", [("JO", None, None)]),
    ("Wilhelm-Leuschner-Straße", "64293", "nord", [("JO", None, None)]),
    ("Johannesplatz", "64293", "nord", [("JO", None, None)]),
    ("Frankfurter Straße", "64293", "nord", [("JO", 1, 50)]),
    # Darmstadt-Nord: no residents' zone
    ("Alsfelder Straße", "64289", "nord", []),
    ("Rhönring", "64289", "nord", []),
    ("Kranichsteiner Straße", "64289", "nord", []),
    ("Pallaswiesenstraße", "64293", "nord", []),
    ("Dornheimer Weg", "64293", "nord", []),
    # Darmstadt-West
    ("Landwehrstraße", "64293", "west", []),
    ("Mainzer Straße", "64293", "west", []),
    ("Feldbergstraße", "64293", "west", []),
    ("Hilpertstraße", "64295", "west", []),
    ("Holzhofallee", "64295", "west", []),
    ("Eschollbrücker Straße", "64295", "west", []),
    ("Heimstättenweg", "64295", "west", []),
    # Bessungen: Bessungen-Nord
    ("Karlstraße", "64285", "bessungen", [("BN", None, None)]),
    ("Hermannstraße", "64285", "bessungen", [("BN", None, None)]),
    ("Wittmannstraße", "64285", "bessungen", [("BN", None, None)]),
    ("Kiesstraße", "64285", "bessungen", [("BN", None, None)]),
    ("Heidelberger Straße", "64285", "bessungen", [("BN", None, None)]),
    # Bessungen: Bessungen-Ost
    ("Ludwigshöhstraße", "64285", "bessungen", [("BO", None, None)]),
    ("Herdweg", "64285", "bessungen", [("BO", None, None)]),
    ("Roquetteweg", "64285", "bessungen", [("BO", None, None)]),
    ("Klappacher Straße", "64285", "bessungen", [("BO", None, None)]),
    ("Orangerieallee", "64285", "bessungen", [("BO", None, None)]),
    # Bessungen: no residents' zone
    ("Moosbergstraße", "64285", "bessungen", []),
    # Outer districts: no residents' parking
    ("Heidelberger Landstraße", "64297", "eberstadt", []),
    ("Oberstraße", "64297", "eberstadt", []),
    ("Pfungstädter Straße", "64297", "eberstadt", []),
    ("Mühltalstraße", "64297", "eberstadt", []),
    ("Frankfurter Landstraße", "64291", "arheilgen", []),
    ("Darmstädter Straße", "64291", "arheilgen", []),
    ("Messeler Straße", "64291", "arheilgen", []),
    ("Untere Mühlstraße", "64291", "arheilgen", []),
    ("Weiterstädter Straße", "64291", "arheilgen", []),
    ("Bartningstraße", "64289", "kranichstein", []),
    ("Jakob-Jung-Straße", "64289", "kranichstein", []),
    ("Grundstraße", "64289", "kranichstein", []),
    ("Borsdorffstraße", "64289", "kranichstein", []),
    ("Im Appensee", "64291", "wixhausen", []),
]

# The demo citizen with eID (account created by the accounts seeder).
EID_DEMO_EMAIL = "eid@digitalstadt.example"
EID_DEMO_SUBJECT = "demo-eid-emil"
EID_DEMO_RESIDENT = {
    "family_name": "Eid", "given_names": "Emil", "birth_date": date(1985, 4, 12), "birth_place": "Darmstadt",
    "street": ("Heinheimer Straße", "64289"), "house_number": "20", "moved_in": date(2019, 9, 1),
}

# family name, given names, birth date, birth place, (street, postal code), house number, moved in, extras
RESIDENTS = [
    # Emil Eid's daughter, registered in his flat: she can move along with him.
    ("Eid", "Mia", date(2016, 3, 8), "Darmstadt", ("Heinheimer Straße", "64289"), "20", date(2019, 9, 1), {}),
    ("Aydın", "Elif", date(1990, 2, 3), "Darmstadt", ("Kapellplatz", "64283"), "7", date(2018, 5, 1), {}),
    ("Becker", "Jonas Matthias", date(1978, 11, 21), "Frankfurt am Main", ("Soderstraße", "64283"), "32",
     date(2012, 3, 15), {}),
    ("Hoffmann", "Clara", date(2001, 6, 30), "Mainz", ("Schulstraße", "64283"), "4", date(2020, 10, 1),
     {"address_extra": "bei Weber"}),
    ("Krämer", "Lena", date(1988, 1, 9), "Darmstadt", ("Landgraf-Georg-Straße", "64283"), "68", date(2016, 8, 1),
     {"birth_name": "Schulz"}),
    ("Nowak", "Piotr", date(1983, 7, 14), "Kraków", ("Heinrich-Fuhr-Straße", "64287"), "11", date(2014, 2, 1),
     {"nationality": "polnisch"}),
    ("Wagner", "Helga", date(1949, 12, 2), "Darmstadt", ("Alexandraweg", "64287"), "9", date(1976, 4, 1),
     {"doctoral_degree": "Dr."}),
    ("Schmitt", "Tobias", date(1995, 9, 17), "Heidelberg", ("Dieburger Straße", "64287"), "120a",
     date(2021, 11, 1), {}),
    ("Yılmaz", "Mehmet", date(1972, 3, 28), "Izmir", ("Liebfrauenstraße", "64289"), "55", date(2003, 7, 1),
     {"nationality": "türkisch"}),
    ("Fischer", "Anna-Lena", date(1999, 4, 5), "Darmstadt", ("Heinheimer Straße", "64289"), "75", date(2022, 1, 15),
     {}),
    ("Meyer", "Paul", date(1993, 8, 8), "Kassel", ("Pankratiusstraße", "64289"), "28", date(2019, 4, 1), {}),
    ("Richter", "Sophie", date(1987, 5, 19), "Wiesbaden", ("Liebigstraße", "64293"), "14", date(2015, 9, 1),
     {"birth_name": "Lang"}),
    ("Schneider", "Felix", date(2002, 12, 24), "Darmstadt", ("Frankfurter Straße", "64293"), "31",
     date(2023, 10, 1), {}),
    ("Weber", "Ingrid", date(1956, 10, 10), "Offenbach am Main", ("Alsfelder Straße", "64289"), "6",
     date(1990, 6, 1), {}),
    ("Koch", "Daniel", date(1980, 1, 31), "Darmstadt", ("Landwehrstraße", "64293"), "3", date(2010, 1, 1), {}),
    ("Rossi", "Giulia", date(1991, 6, 12), "Bologna", ("Holzhofallee", "64295"), "25", date(2017, 2, 1),
     {"nationality": "italienisch"}),
    ("Wolf", "Martin", date(1968, 2, 29), "Darmstadt", ("Heidelberger Straße", "64285"), "88", date(1999, 12, 1),
     {}),
    ("Schäfer", "Marie", date(1997, 3, 3), "Gießen", ("Ludwigshöhstraße", "64285"), "41", date(2020, 3, 1), {}),
    ("Bauer", "Karl-Heinz", date(1951, 9, 9), "Darmstadt", ("Moosbergstraße", "64285"), "12", date(1981, 5, 1),
     {}),
    ("Zimmermann", "Ella", date(2004, 11, 11), "Darmstadt", ("Oberstraße", "64297"), "5", date(2004, 11, 11), {}),
    ("Braun", "Stefan", date(1975, 4, 22), "Darmstadt", ("Heidelberger Landstraße", "64297"), "230",
     date(2008, 8, 1), {}),
    ("Hartmann", "Petra", date(1964, 7, 7), "Darmstadt", ("Frankfurter Landstraße", "64291"), "150",
     date(1995, 3, 1), {"birth_name": "Roth"}),
    ("Lehmann", "Jan", date(1989, 10, 2), "Hanau", ("Untere Mühlstraße", "64291"), "18", date(2018, 7, 1), {}),
    ("Okafor", "Chidi", date(1994, 1, 16), "Lagos", ("Bartningstraße", "64289"), "40", date(2019, 1, 1),
     {"nationality": "nigerianisch"}),
    ("Schulz", "Hannah", date(1986, 8, 25), "Darmstadt", ("Jakob-Jung-Straße", "64289"), "22", date(2013, 4, 1),
     {}),
    ("Klein", "Erwin", date(1958, 5, 5), "Wixhausen", ("Im Appensee", "64291"), "3", date(1958, 5, 5), {}),
    # A secondary residence: never what a Meldebescheinigung for the main residence shows.
    ("Neumann", "Theo", date(2000, 2, 14), "Fulda", ("Kasinostraße", "64293"), "60", date(2021, 10, 1),
     {"kind": Resident.Kind.SECONDARY}),
]

# What the bulky-waste collection takes and leaves (name_de, name_en, accepted). The EAD
# publishes its own list; these are the usual household categories (demo wording).
BULKY_WASTE_ITEMS = [
    ("Möbel (zum Beispiel Sofa, Schrank, Tisch, Stühle)", "Furniture (for example sofa, wardrobe, table, chairs)",
     True),
    ("Matratzen und Lattenroste", "Mattresses and slatted bed bases", True),
    ("Teppiche und Teppichböden (gerollt)", "Rugs and carpets (rolled up)", True),
    ("Koffer, Kinderwagen und Fahrräder", "Suitcases, prams and bicycles", True),
    ("Elektrogeräte (zum Beispiel Kühlschrank, Waschmaschine, Fernseher)",
     "Electrical appliances (for example fridge, washing machine, television)", False),
    ("Bauschutt und Renovierungsabfälle (zum Beispiel Fliesen, Türen, Fenster)",
     "Rubble and renovation waste (for example tiles, doors, windows)", False),
    ("Sondermüll (zum Beispiel Farben, Lacke, Öle, Batterien)",
     "Hazardous waste (for example paints, varnishes, oils, batteries)", False),
    ("Autoreifen und Autoteile", "Car tyres and car parts", False),
    ("Gartenabfälle und Säcke mit Hausmüll", "Garden waste and bags of household rubbish", False),
]

PICKUP_DAYS_AHEAD = 10
PICKUP_CAPACITY = 20


def seed(*, stdout=None) -> None:
    with transaction.atomic():
        districts = {}
        for slug, name, _weekday in DISTRICTS:
            districts[slug], _ = District.objects.get_or_create(slug=slug, defaults={"name": name})
        zones = {}
        for code, name_de, name_en, valid_from, is_demo in ZONES:
            zones[code], _ = ParkingZone.objects.get_or_create(code=code, defaults={
                "name_de": name_de, "name_en": name_en, "valid_from": valid_from, "is_demo": is_demo})
        streets = {}
        for name, postal_code, district, assignments in STREETS:
            street, _ = Street.objects.get_or_create(name=name, postal_code=postal_code,
                                                     defaults={"district": districts[district]})
            streets[name, postal_code] = street
            for code, number_from, number_to in assignments:
                StreetZone.objects.get_or_create(street=street, zone=zones[code], number_from=number_from,
                                                 number_to=number_to)
        _seed_residents(streets)
        _link_eid_demo_account()
        _seed_pickup_dates(districts, after=timezone.localdate())
        for order, (name_de, name_en, accepted) in enumerate(BULKY_WASTE_ITEMS):
            BulkyWasteItem.objects.get_or_create(name_de=name_de, defaults={
                "name_en": name_en, "accepted": accepted, "order": order})
    if stdout:
        stdout.write(
            f"Register demo data ready: {District.objects.count()} districts, {ParkingZone.objects.count()} "
            f"parking zones, {Street.objects.count()} streets, {Resident.objects.count()} residents, "
            f"{PickupDate.objects.count()} pick-up days.")


def _seed_residents(streets: dict[tuple[str, str], Street]) -> None:
    emil = dict(EID_DEMO_RESIDENT)
    emil["street"] = streets[emil["street"]]
    Resident.objects.get_or_create(eid_subject=EID_DEMO_SUBJECT, defaults={**emil, "is_demo": True})
    for family, given, born, birth_place, street, number, moved_in, extra in RESIDENTS:
        Resident.objects.get_or_create(family_name=family, given_names=given, birth_date=born, defaults={
            "birth_place": birth_place, "street": streets[street], "house_number": number,
            "moved_in": moved_in, "is_demo": True, **extra})


def _link_eid_demo_account() -> None:
    from django.core.exceptions import ValidationError

    from digitalstadt.accounts.selectors import user_by_email
    from digitalstadt.accounts.services import user_raise_assurance

    user = user_by_email(email=EID_DEMO_EMAIL)
    if user is None or user.eid_subject:
        return
    try:
        user_raise_assurance(user=user, level=user.assurance_level, source="demo", eid_subject=EID_DEMO_SUBJECT)
    except ValidationError:
        return  # another account already holds the demo subject; never move an eID link


def pickup_days(*, weekday: int, after: date, count: int = PICKUP_DAYS_AHEAD) -> list[date]:
    """The next `count` dates on `weekday` after `after` that are not Hessian public holidays."""
    first = after + timedelta(days=1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    # Ten weeks plus the skipped holidays never reach more than two calendar years.
    feiertage = holidays.Germany(subdiv="HE", years=range(after.year, after.year + 2))
    days = []
    while len(days) < count:
        if day not in feiertage:
            days.append(day)
        day += timedelta(days=7)
    return days


def _seed_pickup_dates(districts: dict[str, District], *, after: date) -> None:
    for slug, _name, weekday in DISTRICTS:
        for day in pickup_days(weekday=weekday, after=after):
            PickupDate.objects.get_or_create(district=districts[slug], date=day,
                                             defaults={"capacity": PICKUP_CAPACITY})
