"""Car parks for tests (real rows, no mocks)."""

from __future__ import annotations

from decimal import Decimal

from digitalstadt.parking.models import CarPark

_counter = {"n": 0}


def carpark_make(**fields) -> CarPark:
    _counter["n"] += 1
    n = _counter["n"]
    defaults = {"slug": f"parkhaus-{n}", "name": f"Parkhaus {n}", "street": f"Teststraße {n}", "postal_code": "64283",
                "city": "Darmstadt", "latitude": Decimal("49.872800"), "longitude": Decimal("8.651100"),
                "capacity": 400, "open_24_7": True, "feed_plugin": "simulator", "feed_enabled": True,
                "simulator_kind": "shopping"}
    defaults.update(fields)
    return CarPark.objects.create(**defaults)
