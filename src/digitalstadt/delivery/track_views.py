"""The shopper's tracking page (the link is in the order confirmation and on the order page)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from .selectors import tracking_for


def job_tracking(request, token):
    tracking = tracking_for(token=token)
    if tracking is None:
        raise Http404
    context = {"tracking": tracking, "job": tracking.job, "poll": tracking.job.status not in (
        "delivered", "returned", "cancelled")}
    if request.htmx:
        return render(request, "delivery/track_status.html", context)
    return render(request, "delivery/track.html", context)
