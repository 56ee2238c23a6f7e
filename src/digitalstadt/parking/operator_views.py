"""A car-park operator's overview of its own car parks (/parkhausbetreiber/<operator>/):
free spaces now, the last reading, staleness and the feed each one uses."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from digitalstadt.accounts.selectors import organisations_for_user

from .carpark_selectors import operator_carparks, stale_minutes
from .feeds import feed_plugins


def _operator(request, slug):
    operator = organisations_for_user(user=request.user).filter(slug=slug, kind="carpark").first()
    if operator is None:
        raise Http404
    return operator


@login_required
def overview(request, operator):
    operator = _operator(request, operator)
    statuses = operator_carparks(operator=operator)
    labels = dict(feed_plugins.choices())
    rows = [(s, labels.get(s.carpark.feed_plugin, s.carpark.feed_plugin)) for s in statuses]
    return render(request, "parking/carparks/operator.html", {
        "operator": operator, "rows": rows, "now": timezone.localtime(), "stale_minutes": stale_minutes()})
