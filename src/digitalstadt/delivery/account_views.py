"""A courier service's statement (per day or per shop, for a month; CSV for the
accounts) and the proof of a delivery (who took it, signature, photo), for its
managers. Looking at a proof is a read of personal data: it is audited."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.money import format_eur
from digitalstadt.core.params import query_choice, query_int
from digitalstadt.core.spreadsheet import csv_writer

from .dispatch_views import _courier
from .models import Job, JobStatus
from .selectors import statement


def _month(request) -> date:
    today = timezone.localdate()
    year = query_int(request.GET, "jahr", default=today.year, minimum=2020, maximum=2100)
    month = query_int(request.GET, "monat", default=today.month, minimum=1, maximum=12)
    return date(year, month, 1)


@login_required
def statement_page(request, courier):
    courier = _courier(request, courier)
    first = _month(request)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    by = query_choice(request.GET, "nach", [("day", ""), ("shop", "")], default="day")
    rows = statement(courier_id=courier.pk, start=first, end=last, by=by)
    totals = [sum(getattr(r, f) for r in rows) for f in ("delivered", "failed", "returned", "fees_cents")]
    if request.GET.get("format") == "csv":
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        writer.writerow([_("Tag") if by == "day" else _("Geschäft"), _("zugestellt"), _("Fehlversuche"),
                         _("zurück ins Geschäft"), _("Liefergebühren (EUR)")])
        for r in rows:
            writer.writerow([r.label, r.delivered, r.failed, r.returned, f"{r.fees_cents / 100:.2f}".replace(".", ",")])
        response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (f'attachment; filename="abrechnung-{courier.slug}-'
                                           f'{first:%Y-%m}-{by}.csv"')
        return response
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render(request, "delivery/dispatch/statement.html", {
        "courier": courier, "first": first, "rows": rows, "by": by, "totals": totals,
        "total_fees": format_eur(totals[3]), "previous": previous, "following": following})


@login_required
def proof_page(request, courier, job):
    courier = _courier(request, courier)
    found = Job.unscoped_objects.filter(organisation=courier, pk=job, status=JobStatus.DELIVERED).select_related(
        "window", "shop_order__order__shopper").first()
    if found is None:
        raise Http404
    audit_log(actor=request.user, action="delivery.proof_viewed", subject=found,
              data_subject=found.shop_order.order.shopper, data={"shop_order": found.shop_order.number})
    return render(request, "delivery/dispatch/proof.html", {"courier": courier, "job": found})


@login_required
def proof_image(request, courier, job, kind):
    courier = _courier(request, courier)
    found = Job.unscoped_objects.filter(organisation=courier, pk=job, status=JobStatus.DELIVERED).first()
    data = None if found is None else (found.signature_png if kind == "unterschrift" else found.photo_jpeg)
    if not data:
        raise Http404
    response = HttpResponse(bytes(data), content_type="image/png" if kind == "unterschrift" else "image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
