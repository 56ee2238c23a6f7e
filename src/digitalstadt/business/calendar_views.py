"""The public event calendar (/weiterbildung/): upcoming dates with filters that work
without JavaScript, a series page, a date page, and the same as iCalendar."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from digitalstadt.core.params import BadParameter, query_choice, query_date

from .calendar_feed import date_jsonld, dates_calendar, series_jsonld, venue_text
from .event_selectors import (CalendarFilter, calendar_dates, free_seats, public_date, public_dates_of_series,
                              public_series)
from .forms import CalendarFilterForm
from .types import EventFormat, Topic


def _filters(data) -> CalendarFilter:
    date_from = query_date(data, "von")
    date_to = query_date(data, "bis")
    if date_from and date_to and date_to < date_from:
        raise BadParameter(_("Das Datum „bis“ liegt vor dem Datum „ab“."), name="bis", value=data.get("bis"))
    return CalendarFilter(topic=query_choice(data, "thema", Topic.choices, default=""),
                          format=query_choice(data, "format", EventFormat.choices, default=""),
                          date_from=date_from, date_to=date_to)


def _rows(dates):
    return [{"date": d, "free": free_seats(event_date=d)} for d in dates]


def calendar(request):
    filters = _filters(request.GET)
    dates = calendar_dates(filters=filters)
    from urllib.parse import urlencode

    return render(request, "business/calendar.html", {
        "rows": _rows(dates), "form": CalendarFilterForm(filters.as_query() or None),
        "filtered": bool(filters.as_query()), "query": urlencode(filters.as_query()),
    })


def calendar_ics(request):
    filters = _filters(request.GET)
    body = dates_calendar(calendar_dates(filters=filters), name=_("Coachings und Webinare"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="weiterbildung.ics"'
    return response


def series_page(request, series):
    series = public_series(slug=series)
    if series is None:
        raise Http404
    dates = public_dates_of_series(series=series)
    return render(request, "business/series.html", {"series": series, "rows": _rows(dates),
                                                    "jsonld": series_jsonld(series, dates),
                                                    "toolkits": _toolkits(series)})


def _toolkits(series) -> list:
    """The knowledge base's toolkits on the series' topic (exchange app)."""
    from digitalstadt.exchange.selectors import toolkits_for_topic

    return toolkits_for_topic(topic=series.topic)


def _date(series, pk):
    event_date = public_date(series_slug=series, pk=pk)
    if event_date is None:
        raise Http404
    return event_date


def date_page(request, series, pk):
    event_date = _date(series, pk)
    return render(request, "business/date.html", {
        "event_date": event_date, "series": event_date.series, "free": free_seats(event_date=event_date),
        "venue_text": venue_text(event_date.venue), "jsonld": date_jsonld(event_date),
        "toolkits": _toolkits(event_date.series)})


def date_ics(request, series, pk):
    event_date = _date(series, pk)
    response = HttpResponse(dates_calendar([event_date], name=event_date.series.title),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="termin-{event_date.pk}.ics"'
    return response
