import datetime as dt

from digitalstadt.parking.models import StreetTariff, StreetTariffPeriod, StreetZone


def make_street_zone(code="I", *, price=100, days=range(6), start=8, end=20, max_stay=None, free=0,
                     resident_zone=None, name=None) -> StreetZone:
    zone = StreetZone.objects.create(code=code, name_de=name or f"Zone {code}", resident_zone=resident_zone)
    tariff = StreetTariff.objects.create(zone=zone, valid_from=dt.date(2021, 8, 15), max_stay_minutes=max_stay,
                                         free_minutes=free)
    StreetTariffPeriod.objects.bulk_create([StreetTariffPeriod(tariff=tariff, weekday=d, start_minute=start * 60,
                                                               end_minute=end * 60, price_cents=price)
                                            for d in days])
    return zone
