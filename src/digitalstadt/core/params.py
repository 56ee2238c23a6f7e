"""One way to read dates, datetimes, ids, UUIDs, choices and short texts from query
strings and form data (`request.GET`, `request.POST`, or any mapping).

Absent or empty parameters give the default. Anything else that does not parse, or lies
outside a sane range, raises `BadParameter` with a message in the user's language;
`core.middleware.BadParameterMiddleware` turns it into a 400 page (JSON under /api/),
so bad input changes nothing and never becomes a 500.

    day = query_date(request.GET, "datum", default=timezone.localdate())
    counter_id = query_int(request.POST, "schalter")
    entry = query_uuid(request.POST, "entry", required=True)

Dates are limited to EARLIEST_DATE..LATEST_DATE, far enough for any real use and far
enough from the limits of `datetime` that a view may add days or time zones without an
OverflowError. Pass `earliest`/`latest` for narrower ranges.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)
# Ids are database keys: at most a signed 64-bit integer.
MAX_ID = 2**63 - 1
# A parameter longer than this is not a value a form of ours could send.
MAX_LENGTH = 1000
_SHOWN = 40  # characters of a bad value repeated in the message

_MISSING = object()
_INTEGER = re.compile(r"-?[0-9]{1,19}")  # more digits cannot be an id (and are no number we use)


class BadParameter(Exception):
    """A query or form parameter that cannot be used. `message` is for the user."""

    def __init__(self, message: str, *, name: str = "", value: Any = None):
        super().__init__(message)
        self.message = message
        self.name = name
        self.value = value

    def __str__(self) -> str:
        return self.message


def shown(value: Any) -> str:
    """A bad value as it may appear in a message: printable and short."""
    text = "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in str(value))
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _raw(data: Mapping, name: str, *, required: bool) -> str | None:
    value = data.get(name, None) if data is not None else None
    if value is None or value == "":
        if required:
            raise BadParameter(_("Die Angabe „%(name)s“ fehlt.") % {"name": name}, name=name)
        return None
    value = str(value)
    if len(value) > MAX_LENGTH:
        raise BadParameter(_("Die Angabe „%(name)s“ ist zu lang.") % {"name": name}, name=name, value=value)
    if "\x00" in value:
        raise BadParameter(_("Die Angabe „%(name)s“ enthält unzulässige Zeichen.") % {"name": name},
                           name=name, value=value)
    return value


def _out_of_range(name: str, value: str, earliest: dt.date, latest: dt.date) -> BadParameter:
    return BadParameter(
        _("Das Datum „%(value)s“ liegt außerhalb des möglichen Bereichs (%(earliest)s bis %(latest)s).") % {
            "value": shown(value), "earliest": date_format(earliest, "SHORT_DATE_FORMAT"),
            "latest": date_format(latest, "SHORT_DATE_FORMAT")},
        name=name, value=value)


def check_date(day: dt.date, *, name: str = "", earliest: dt.date | None = None,
               latest: dt.date | None = None) -> dt.date:
    """`day` if it lies in the range, else BadParameter (for dates from forms too)."""
    earliest, latest = earliest or EARLIEST_DATE, latest or LATEST_DATE
    if not earliest <= day <= latest:
        raise _out_of_range(name, day.isoformat(), earliest, latest)
    return day


def query_date(data: Mapping, name: str, *, default: Any = None, earliest: dt.date | None = None,
               latest: dt.date | None = None, required: bool = False) -> dt.date | Any:
    """`2026-12-01` (ISO 8601, as `<input type="date">` sends it)."""
    value = _raw(data, name, required=required)
    if value is None:
        return default
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadParameter(_("„%(value)s“ ist kein gültiges Datum (erwartet wird zum Beispiel 2026-12-01).") % {
            "value": shown(value)}, name=name, value=value) from None
    return check_date(day, name=name, earliest=earliest, latest=latest)


def query_datetime(data: Mapping, name: str, *, default: Any = None, earliest: dt.date | None = None,
                   latest: dt.date | None = None, required: bool = False) -> dt.datetime | Any:
    """`2026-12-01T10:20` (local time) or with an offset; always returned aware."""
    value = _raw(data, name, required=required)
    if value is None:
        return default
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadParameter(_("„%(value)s“ ist keine gültige Zeitangabe (erwartet wird zum Beispiel "
                             "2026-12-01T10:20).") % {"value": shown(value)}, name=name, value=value) from None
    check_date(moment.date(), name=name, earliest=earliest, latest=latest)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def query_int(data: Mapping, name: str, *, default: Any = None, minimum: int = 1, maximum: int = MAX_ID,
              required: bool = False) -> int | Any:
    """A whole number in minimum..maximum (by default an id: 1..2**63-1)."""
    value = _raw(data, name, required=required)
    if value is None:
        return default
    text = value.strip()
    if not _INTEGER.fullmatch(text):
        raise BadParameter(_("„%(value)s“ ist keine gültige Zahl.") % {"value": shown(value)}, name=name, value=value)
    number = int(text)
    if not minimum <= number <= maximum:
        raise BadParameter(_("Die Zahl %(value)s liegt außerhalb des möglichen Bereichs.") % {
            "value": shown(value)}, name=name, value=value)
    return number


def query_uuid(data: Mapping, name: str, *, default: Any = None, required: bool = False) -> uuid.UUID | Any:
    value = _raw(data, name, required=required)
    if value is None:
        return default
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise BadParameter(_("„%(value)s“ ist keine gültige Kennung.") % {"value": shown(value)},
                           name=name, value=value) from None


def query_choice(data: Mapping, name: str, choices: Iterable, *, default: Any = _MISSING,
                 required: bool = False) -> str | Any:
    """One of `choices` (values, or (value, label) pairs as in a model's choices)."""
    allowed = [c[0] if isinstance(c, (tuple, list)) else c for c in choices]
    value = _raw(data, name, required=required and default is _MISSING)
    if value is None:
        return None if default is _MISSING else default
    if value not in [str(a) for a in allowed]:
        raise BadParameter(_("„%(value)s“ ist für „%(name)s“ nicht möglich.") % {"value": shown(value), "name": name},
                           name=name, value=value)
    return value


def query_text(data: Mapping, name: str, *, default: str = "", max_length: int = 100) -> str:
    """A short free text (a search): stripped, cut to max_length, no NUL bytes."""
    value = data.get(name, None) if data is not None else None
    if value is None:
        return default
    value = str(value)
    if "\x00" in value:  # PostgreSQL refuses NUL in text
        raise BadParameter(_("Die Angabe „%(name)s“ enthält unzulässige Zeichen.") % {"name": name},
                           name=name, value=value)
    return value.strip()[:max_length]
