"""The dispatcher's page of a courier service (/kurierdienst/<slug>/touren/): the tours
of one day as ordered stop lists (the primary view) with a map beside them, moving and
locking stops, and re-planning. Every action is a plain POST form that redirects back."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digitalstadt.accounts.selectors import organisations_for_user
from digitalstadt.core.params import query_date, query_int

from . import dispatch_services
from .dispatch_selectors import dispatch_board, may_dispatch
from .models import Stop, Tour



def _courier(request, slug):
    courier = organisations_for_user(user=request.user).filter(slug=slug).first()
    if courier is None or not may_dispatch(user=request.user, organisation=courier):
        raise Http404
    return courier


def _day(data):
    return query_date(data, "tag", default=timezone.localdate())


def _back(courier, day):
    return redirect(f"{reverse('delivery-dispatch:board', kwargs={'courier': courier.slug})}?tag={day.isoformat()}")


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def board(request, courier):
    courier = _courier(request, courier)
    day = _day(request.GET)
    data = dispatch_board(courier=courier, day=day)
    return render(request, "delivery/dispatch/board.html", {
        "courier": courier, "board": data, "day": day, "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "has_stops": any(row.stops for row in data.tours),
    })


def _stop(courier, pk) -> Stop:
    stop = Stop.unscoped_objects.filter(organisation=courier, pk=pk).select_related("organisation").first()
    if stop is None:
        raise Http404
    return stop


@login_required
@require_POST
def stop_move(request, courier, stop):
    courier = _courier(request, courier)
    day = _day(request.POST)
    stop = _stop(courier, stop)
    tour_id = query_int(request.POST, "tour")
    position = query_int(request.POST, "position", minimum=1, maximum=10_000)
    tour = Tour.unscoped_objects.filter(organisation=courier, pk=tour_id).select_related("organisation").first() \
        if tour_id else None
    if tour is None or position is None:
        messages.error(request, _("Bitte wählen Sie eine Tour und eine Position."))
        return _back(courier, day)
    try:
        moved = dispatch_services.stop_move(actor=request.user, stop=stop, tour=tour, position=position)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("Der Stopp ist jetzt Nummer %(position)d der Tour mit %(bike)s.") % {
            "position": moved.sequence, "bike": tour.shift.bike.name})
    return _back(courier, day)


@login_required
@require_POST
def stop_lock(request, courier, stop):
    courier = _courier(request, courier)
    day = _day(request.POST)
    stop = _stop(courier, stop)
    locked = request.POST.get("locked") == "1"
    try:
        changed = dispatch_services.stop_set_locked(actor=request.user, stop=stop, locked=locked)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        if locked:
            messages.success(request, _("Festgelegt: %(count)d Stopps behalten Rad und Reihenfolge.")
                             % {"count": len(changed)})
        else:
            messages.success(request, _("Freigegeben: %(count)d Stopps darf die Planung wieder ändern.")
                             % {"count": len(changed)})
    return _back(courier, day)


@login_required
@require_POST
def replan(request, courier):
    courier = _courier(request, courier)
    day = _day(request.POST)
    from .planning import request_plan

    try:
        request_plan(courier=courier, day=day, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("Die Tourenplanung ist angestoßen. Das Ergebnis erscheint hier, sobald sie "
                                    "fertig ist."))
    return _back(courier, day)
