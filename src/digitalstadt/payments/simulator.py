"""A local stand-in for the hosted payment page of the ``epay`` provider (pmPayment /
ePayBL-like), so that online payment works end to end in ``make run``, ``make dev`` and
the tests, where the real provider cannot be reached.

It speaks the provider's protocol and nothing more: the payer arrives by the signed
redirect of ``providers.epay``; the page checks the signature, shows amount, purpose and
payee, and on "Bezahlen" builds the signed notification exactly as the provider would
and hands it to the platform's webhook handling (in-process, because a sync worker that
posted to its own server could wait for itself), then sends the payer back to the
signed return URL. Nothing is booked by this page directly: only the verified
notification books money, as with the real provider.

Off unless ``PSP_SIMULATOR_ENABLED`` (dev, run and test settings); production refuses it.
"""

from __future__ import annotations

import secrets

from django import forms
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .conf import creditor, default_payee, epay_secret, simulator_enabled
from .providers.epay import REQUEST_FIELDS, notification_body, verify_fields
from .selectors import reference_settled
from .services import webhook_event_handle

OUTCOMES = {"paid": _("Zahlung gelingt"), "failed": _("Karte wird abgelehnt")}
METHODS = {"card": _("Kreditkarte"), "giropay": _("giropay")}


class SimulatedPaymentForm(forms.Form):
    method = forms.ChoiceField(label=_("Zahlungsart"), choices=list(METHODS.items()), initial="card",
                               widget=forms.RadioSelect)
    outcome = forms.ChoiceField(label=_("Ergebnis der Demo-Zahlung"), choices=list(OUTCOMES.items()),
                                initial="paid", widget=forms.RadioSelect)


def _signed_request(data) -> dict[str, str] | None:
    """The payment request if its signature is valid and it points back to this site."""
    fields = {name: str(data.get(name, "")) for name in (*REQUEST_FIELDS, "hash")}
    secret = epay_secret()
    if not secret or not verify_fields(fields, REQUEST_FIELDS, secret):
        return None
    if not (fields["amount"].isascii() and fields["amount"].isdigit()) or int(fields["amount"]) <= 0:
        return None
    for name in ("return_url", "notify_url"):
        if not url_has_allowed_host_and_scheme(fields[name], allowed_hosts=None):
            return None
    return fields


def page(request):
    if not simulator_enabled():
        raise Http404
    fields = _signed_request(request.POST if request.method == "POST" else request.GET)
    if fields is None:
        return render(request, "payments/simulator/invalid.html", status=400)
    form = SimulatedPaymentForm(request.POST if request.method == "POST" and "pay" in request.POST else None)
    payee = creditor().name if fields["payee"] == default_payee() else fields["payee"]
    context = {"fields": fields, "amount_cents": int(fields["amount"]), "form": form, "payee_name": payee,
               "request_fields": [(name, fields[name]) for name in (*REQUEST_FIELDS, "hash")]}
    if request.method != "POST":
        return render(request, "payments/simulator/page.html", context)
    if "pay" in request.POST:
        if not form.is_valid():
            return render(request, "payments/simulator/page.html", context, status=400)
        if reference_settled(fields["reference"]):
            # A provider charges a Kassenzeichen once (the payer pressed "back" and paid again).
            return render(request, "payments/simulator/refused.html", {"fields": fields}, status=409)
        status, method = form.cleaned_data["outcome"], form.cleaned_data["method"]
    else:
        status, method = "cancelled", ""
    body = notification_body({"txid": f"SIM-{secrets.token_hex(8).upper()}", "reference": fields["reference"],
                              "amount": fields["amount"], "currency": fields["currency"], "status": status,
                              "method": method}, epay_secret())
    result = webhook_event_handle(provider="epay", body=body,
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    if result.status_code != 200:
        # The platform refused the notification (e.g. already paid, or another amount):
        # the provider would not charge the payer, and says so.
        return render(request, "payments/simulator/refused.html", {"fields": fields}, status=409)
    return HttpResponseRedirect(fields["return_url"])
