"""Park & shop pages: a shop's vouchers (rule, budget, funding, issued and redeemed
vouchers, monthly statement as HTML and CSV) and a car-park operator's monthly
statement of the vouchers redeemed at its car parks. Thin: parse, call one service,
render; the services check who may do it."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from digitalstadt.accounts.types import OrganisationKind
from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.spreadsheet import csv_writer

from . import voucher_selectors as selectors
from . import voucher_services as services


class ProgrammeForm(forms.Form):
    min_order_euros = forms.IntegerField(label=_l("Mindestbestellwert (Euro)"), min_value=0, max_value=100000,
                                         initial=20)
    minutes = forms.IntegerField(label=_l("Freie Parkminuten je Gutschein"), min_value=1, max_value=1440, initial=30)
    max_value_cents = forms.IntegerField(label=_l("Höchstwert je Gutschein (Cent)"), min_value=10, max_value=10000,
                                         initial=200, help_text=_l("So viel zahlt Ihr Budget höchstens für einen "
                                                                   "Gutschein, z. B. 200 für 2,00 €."))
    validity_days = forms.IntegerField(label=_l("Gültigkeit (Tage)"), min_value=1, max_value=366, initial=14)
    active_from = forms.DateField(label=_l("Aktiv ab"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    active_until = forms.DateField(label=_l("Aktiv bis"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    is_active = forms.BooleanField(label=_l("Gutscheine ausgeben"), required=False, initial=True)


FUNDING_CHOICES = [(5000, "50 €"), (10000, "100 €"), (25000, "250 €"), (50000, "500 €")]


class FundingForm(forms.Form):
    amount_cents = forms.TypedChoiceField(label=_l("Betrag"), choices=FUNDING_CHOICES, coerce=int,
                                          widget=forms.RadioSelect)


def _shop(request, slug: str):
    from digitalstadt.marketplace.selectors import shop_by_slug

    shop = shop_by_slug(slug=slug)
    if shop is None:
        raise Http404
    if not services.can_manage(user=request.user, organisation=shop.organisation):
        raise PermissionDenied(_("Nur Inhaber/innen und die Administration dieses Geschäfts dürfen Parkgutscheine "
                                 "verwalten."))
    return shop


def _month(request):
    value = request.GET.get("monat", "")
    month = selectors.month_of(value)
    if month is None:
        raise Http404
    return month


@login_required
@require_http_methods(["GET", "POST"])
def retailer(request, shop: str):
    shop_obj = _shop(request, shop)
    programme = selectors.programme_of(organisation=shop_obj.organisation)
    initial = {}
    if programme is not None:
        initial = {"min_order_euros": programme.min_order_cents // 100, "minutes": programme.minutes,
                   "max_value_cents": programme.max_value_cents, "validity_days": programme.validity_days,
                   "active_from": programme.active_from, "active_until": programme.active_until,
                   "is_active": programme.is_active}
    form = ProgrammeForm(request.POST or None, initial=initial or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.programme_save(organisation=shop_obj.organisation, actor=request.user,
                                    min_order_cents=data["min_order_euros"] * 100, minutes=data["minutes"],
                                    max_value_cents=data["max_value_cents"], validity_days=data["validity_days"],
                                    active_from=data["active_from"], active_until=data["active_until"],
                                    is_active=data["is_active"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Die Regel für Ihre Parkgutscheine ist gespeichert."))
            return redirect("parking-vouchers:retailer", shop=shop_obj.slug)
    return render(request, "parking/vouchers/retailer.html", {
        "shop": shop_obj, "programme": programme, "form": form, "funding_form": FundingForm(),
        "vouchers": selectors.vouchers_of(organisation=shop_obj.organisation, limit=20),
        "fundings": selectors.fundings_of(organisation=shop_obj.organisation, limit=10)})


@login_required
@require_POST
def fund(request, shop: str):
    from digitalstadt.payments.services import payment_start

    shop_obj = _shop(request, shop)
    form = FundingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie einen Betrag."))
        return redirect("parking-vouchers:retailer", shop=shop_obj.slug)
    try:
        _funding, payment = services.budget_funding_start(organisation=shop_obj.organisation, actor=request.user,
                                                          amount_cents=form.cleaned_data["amount_cents"])
        start = payment_start(payment=payment, provider="epay", actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        add_error_messages(request, exc)
        return redirect("parking-vouchers:retailer", shop=shop_obj.slug)
    return redirect(start.redirect_url)


def _csv(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _euro(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


@login_required
def retailer_statement(request, shop: str):
    shop_obj = _shop(request, shop)
    month = _month(request)
    statement = selectors.retailer_statement(organisation=shop_obj.organisation, month=month)
    if request.GET.get("format") == "csv":
        return _csv(f"parkgutscheine-{shop_obj.slug}-{month.slug}.csv",
                    [_("Eingelöst am"), _("Gutschein"), _("Bestellung"), _("Einlöseweg"), _("Ort"),
                     _("Betreiber"), _("Betrag (EUR)")],
                    [[r["at"].strftime("%d.%m.%Y %H:%M"), r["code"], r["order"], r["channel"], r["where"],
                      r["operator"], _euro(r["amount_cents"])] for r in statement.rows])
    return render(request, "parking/vouchers/retailer_statement.html", {
        "shop": shop_obj, "statement": statement,
        "programme": selectors.programme_of(organisation=shop_obj.organisation)})


def _operator(request, slug: str):
    from digitalstadt.accounts.selectors import organisation_by_slug

    organisation = organisation_by_slug(slug=slug) if isinstance(slug, str) and len(slug) <= 80 else None
    if organisation is None or organisation.kind != OrganisationKind.CARPARK_OPERATOR:
        raise Http404
    if not services.can_manage(user=request.user, organisation=organisation):
        raise PermissionDenied(_("Nur Inhaber/innen und die Administration des Betreibers sehen diese Abrechnung."))
    return organisation


@login_required
def operator_statement(request, operator: str):
    organisation = _operator(request, operator)
    month = _month(request)
    statement = selectors.operator_statement(operator=organisation, month=month)
    if request.GET.get("format") == "csv":
        return _csv(f"parkgutscheine-{organisation.slug}-{month.slug}.csv",
                    [_("Eingelöst am"), _("Gutschein"), _("Parkhaus"), _("Geschäft"), _("Betrag (EUR)")],
                    [[r["at"].strftime("%d.%m.%Y %H:%M"), r["code"], r["carpark"], r["shop"],
                      _euro(r["amount_cents"])] for r in statement.rows])
    return render(request, "parking/vouchers/operator_statement.html",
                  {"operator": organisation, "statement": statement})
