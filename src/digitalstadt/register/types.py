"""Values the register hands to other apps (public)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Address:
    street: str
    house_number: str
    address_extra: str
    postal_code: str
    district: str
    district_slug: str
    zone_code: str = ""  # the resident-parking zone, if the address lies in one

    @property
    def line(self) -> str:
        extra = f" ({self.address_extra})" if self.address_extra else ""
        return f"{self.street} {self.house_number}{extra}"


@dataclass(frozen=True)
class MoveSummary:
    """A move within the city as the register recorded it."""

    old: Address
    new: Address
    moved_in: dt.date
    persons: tuple[str, ...] = field(default_factory=tuple)
    case_reference: str = ""


@dataclass(frozen=True)
class FollowUp:
    """One thing a move affects, on the "after your move" page: done by itself
    (`done`, e.g. letters now go to the new address) or an offer with a link."""

    title: str
    text: str
    url: str = ""
    link_text: str = ""
    done: bool = False
