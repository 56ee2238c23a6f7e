"""Demo data of the car parks: Darmstadt's inner-city car parks (shared/data/darmstadt.md,
section 4) run by the demo operator "Parkhausbetreiber (Demo)" (manager login
parkhaus@digitalstadt.example), fed by the simulator, with dated tariffs and eight weeks
of SIMULATED history at 15-minute steps (so the forecast can train). Names, addresses
and the known capacities are from the sources; positions are estimates; capacities
marked estimated, heights, EV chargers, disabled spaces, opening hours and current
prices are invented demo data. Idempotent: a second run adds only the missing history.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from digitalstadt.accounts.services import demo_user_ensure, organisation_ensure

from . import simulator
from .feeds import simulator_profile
from .models import CarPark, CarParkTariff, OccupancyReading

OPERATOR_SLUG = "parkhausbetreiber-demo"
OPERATOR_NAME = "Parkhausbetreiber (Demo)"
MANAGER = "parkhaus@digitalstadt.example"
HISTORY = dt.timedelta(weeks=8)
STEP = dt.timedelta(minutes=15)

SHOP_HOURS = {day: [["07:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}
SHOP_HOURS_SUNDAY = {**SHOP_HOURS, "sun": [["10:00", "22:00"]], "holidays": [["10:00", "22:00"]]}
CENTRE_HOURS = {**{day: [["07:00", "22:30"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")},
                "sun": [], "holidays": []}

# slug, name, street, access note, lat, lon, capacity, capacity estimated, height cm, ev, disabled,
# 24/7, hours, simulator kind, event hall
CARPARKS = [
    ("schlossgaragen", "Schlossgaragen", "Friedensplatz", "unter dem Friedensplatz",
     "49.873600", "8.653000", 615, False, 200, 6, 12, True, {}, "shopping", "darmstadtium"),
    ("parkhaus-zentrum", "Parkhaus Zentrum", "Hügelstraße", "ehemals Quelle",
     "49.869000", "8.653000", 530, False, 200, 4, 10, False, SHOP_HOURS, "shopping", ""),
    ("grafenstrasse", "Parkhaus Grafenstraße", "Grafenstraße", "",
     "49.874200", "8.648200", 463, False, 200, 4, 8, True, {}, "shopping", ""),
    ("darmstadtium", "Tiefgarage darmstadtium", "Schlossgraben 1", "",
     "49.875200", "8.656500", 454, False, 210, 8, 10, True, {}, "event_hall", ""),
    ("luisencenter", "Parkhaus Luisencenter", "Luisenplatz 5", "Zufahrt über den Wilhelminentunnel",
     "49.872000", "8.651500", 1100, False, 200, 10, 20, False, CENTRE_HOURS, "shopping", ""),
    ("wilhelminen-passage", "Wilhelminen-Passage", "Wilhelminenstraße", "",
     "49.870000", "8.651200", 220, True, 190, 2, 4, False, SHOP_HOURS_SUNDAY, "shopping", ""),
    ("staatstheater", "Tiefgarage Staatstheater", "Georg-Büchner-Anlage", "unter der Georg-Büchner-Anlage",
     "49.868600", "8.652800", 380, True, 200, 4, 8, True, {}, "evening", ""),
    ("carree", "Tiefgarage Carree", "Luisenplatz / Rheinstraße", "zwischen Luisenplatz und Centralstation",
     "49.873800", "8.649500", 250, True, 200, 2, 6, False, SHOP_HOURS, "evening", "darmstadtium"),
    ("landwehrstrasse-52", "Parkhaus Landwehrstraße 52", "Landwehrstraße 52", "in der ehemaligen Zeppelinhalle",
     "49.880000", "8.638000", 120, True, 200, 0, 2, True, {}, "commuter", ""),
    ("alice-tiefgarage", "Alice-Tiefgarage", "Dieburger Straße", "am Alice-Hospital",
     "49.877000", "8.666000", 189, False, 200, 2, 6, True, {}, "hospital", ""),
]

Q_PARK_OLD = ("Historischer Tarif (Q-Park, 2009–2011): 1,50 € je angefangene 45 Minuten",
              "Historic tariff (Q-Park, 2009–2011): €1.50 per 45 minutes started")
DEMO_NOW = ("Demo-Tarif: erste Stunde %s, jede weitere Stunde %s, Tageshöchstsatz %s",
            "Demo tariff: first hour %s, each further hour %s, daily maximum %s")


def _eur(cents: int) -> tuple[str, str]:
    return f"{cents // 100},{cents % 100:02d} €", f"€{cents // 100}.{cents % 100:02d}"


def _tariffs(carpark: CarPark) -> list[CarParkTariff]:
    slug = carpark.slug
    out = []
    if slug in ("schlossgaragen", "grafenstrasse", "darmstadtium", "luisencenter", "wilhelminen-passage"):
        out.append(CarParkTariff(carpark=carpark, valid_from=dt.date(2009, 1, 1), valid_until=dt.date(2011, 12, 31),
                                 per_hour_cents=200, description_de=Q_PARK_OLD[0], description_en=Q_PARK_OLD[1]))
    if slug == "luisencenter":
        out.append(CarParkTariff(carpark=carpark, valid_from=dt.date(2005, 1, 1), valid_until=dt.date(2008, 12, 31),
                                 first_hour_cents=160,
                                 description_de="Historischer Tarif (2005): erste Stunde 1,60 €",
                                 description_en="Historic tariff (2005): first hour €1.60"))
    if slug == "alice-tiefgarage":
        out.append(CarParkTariff(carpark=carpark, valid_from=dt.date(2024, 1, 1), first_hour_cents=180,
                                 per_hour_cents=180, description_de="1,80 € je Stunde, rund um die Uhr",
                                 description_en="€1.80 per hour, around the clock"))
        return out
    if slug == "landwehrstrasse-52":
        out.append(CarParkTariff(carpark=carpark, valid_from=dt.date(2024, 1, 1), day_max_cents=300,
                                 description_de="3 € pro Tag, Zahlung bei der Einfahrt",
                                 description_en="€3 per day, paid on entry"))
        return out
    first, further, day = (290, 250, 2000) if slug != "parkhaus-zentrum" else (250, 200, 1600)
    first_de, first_en = _eur(first)
    further_de, further_en = _eur(further)
    day_de, day_en = _eur(day)
    out.append(CarParkTariff(carpark=carpark, valid_from=dt.date(2026, 3, 2), first_hour_cents=first,
                             per_hour_cents=further, day_max_cents=day,
                             description_de=DEMO_NOW[0] % (first_de, further_de, day_de),
                             description_en=DEMO_NOW[1] % (first_en, further_en, day_en)))
    # From the new year a little dearer (dated data: the detail page shows the one valid that day).
    out.append(CarParkTariff(carpark=carpark, valid_from=dt.date(2027, 1, 1), first_hour_cents=first + 10,
                             per_hour_cents=further + 10, day_max_cents=day + 100, position=1,
                             description_de=DEMO_NOW[0] % (_eur(first + 10)[0], _eur(further + 10)[0],
                                                           _eur(day + 100)[0]),
                             description_en=DEMO_NOW[1] % (_eur(first + 10)[1], _eur(further + 10)[1],
                                                           _eur(day + 100)[1])))
    # The tariff before the new one ends the day before it starts.
    out[-2].valid_until = dt.date(2026, 12, 31)
    return out


def _ensure_operator():
    manager = demo_user_ensure(email=MANAGER, first_name="Paul", last_name="Parkhaus",
                               password=os.environ.get("DEMO_PASSWORD", "Darmstadt-Demo-2026"))
    return organisation_ensure(slug=OPERATOR_SLUG, name=OPERATOR_NAME, kind="carpark", owner=manager,
                               street="Luisenplatz 5", postal_code="64283", city="Darmstadt")


def _history(carpark: CarPark, now: dt.datetime) -> int:
    """Fill the simulated history from eight weeks ago (or the newest stored reading) up to now."""
    start = now - HISTORY
    start = start.replace(minute=start.minute - start.minute % 15, second=0, microsecond=0)
    newest = OccupancyReading.objects.filter(carpark=carpark).order_by("-at").values_list("at", flat=True).first()
    if newest is not None and newest >= start:
        start = newest + STEP
    profile = simulator_profile(carpark)
    adapt = connection.ops.adapt_datetimefield_value
    received = adapt(now)
    rows = [(carpark.pk, adapt(at), free, carpark.capacity, "simulator", received)
            for at, free in simulator.series(profile, start, now, STEP)]
    # Plain executemany: the ORM's bulk_create spends seconds building 50,000 model instances.
    table = connection.ops.quote_name(OccupancyReading._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} (carpark_id, at, free, capacity, source, received_at) "
                           "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING", rows)
    return len(rows)


def seed(*, stdout=None, now: dt.datetime | None = None) -> None:
    from .carpark_services import feeds_poll

    now = now or timezone.now()
    with transaction.atomic():
        operator = _ensure_operator()
        added = 0
        for (slug, name, street, note, lat, lon, capacity, estimated, height, ev, disabled, always, hours, kind,
             events) in CARPARKS:
            carpark, created = CarPark.objects.get_or_create(slug=slug, defaults={
                "name": name, "operator": operator, "street": street, "postal_code": "", "city": "Darmstadt",
                "access_note": note, "latitude": Decimal(lat), "longitude": Decimal(lon),
                "position_is_estimate": True, "capacity": capacity, "capacity_is_estimate": estimated,
                "height_limit_cm": height, "ev_chargers": ev, "disabled_spaces": disabled, "open_24_7": always,
                "opening_hours": hours, "feed_plugin": "simulator", "feed_enabled": True,
                "simulator_kind": kind, "simulator_events": events, "is_demo": True})
            if created:
                CarParkTariff.objects.bulk_create(_tariffs(carpark))
            added += _history(carpark, now)
        for carpark in CarPark.objects.filter(is_demo=True):
            last = OccupancyReading.objects.filter(carpark=carpark).order_by("-at").first()
            if last is not None and (carpark.reading_at is None or carpark.reading_at < last.at):
                CarPark.objects.filter(pk=carpark.pk).update(free_now=last.free, reading_at=last.at)
        feeds_poll(now=now)
        # The forecasts learn from the simulated history: the task worker trains them
        # in the background (about half a minute), so the first start is not held up.
        from .forecast_tasks import train_forecasts
        from .models import ForecastModel

        if ForecastModel.objects.filter(carpark__is_demo=True).count() < CarPark.objects.filter(is_demo=True).count():
            transaction.on_commit(train_forecasts.enqueue)
    if stdout is not None:
        stdout.write(f"parking: {CarPark.objects.filter(is_demo=True).count()} car parks (simulated occupancy), "
                     f"{added} simulated readings added")
