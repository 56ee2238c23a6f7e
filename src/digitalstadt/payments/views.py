"""Payment pages: the payer's payment page with GiroCode, the staff reconciliation page,
and the providers' webhook endpoint. Thin: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .registry import back_link_for

from digitalstadt.core.audit import audit_log
from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.permissions import staff_required

from . import selectors, services
from .conf import creditor
from .forms import AssignForm, ResolveForm, StatementUploadForm
from .girocode import epc_qr_svg
from .models import PaymentStatus
from .permissions import can_manage_payments
from .providers import available_providers
from .references import format_iban


@login_required
def payment_detail(request, uuid):
    payment = selectors.payment_of_payer(user=request.user, uuid=uuid)
    if payment is None:
        raise Http404
    context = {"payment": payment, "creditor": creditor(), "online_providers": [],
               "back_link": back_link_for(payment=payment, user=request.user)}
    if payment.status in (PaymentStatus.OPEN, PaymentStatus.PARTIALLY_PAID):
        context["online_providers"] = [p for p in available_providers() if p.key != "giro"]
        # Only the city's own money may be transferred to the city's account: a shop's
        # order is paid online to the shop (its payee), never by bank transfer.
        if payment.payee == "city":
            transfer = selectors.bank_transfer_data(payment=payment)
            context.update(transfer=transfer, iban_display=format_iban(transfer.iban),
                           girocode=epc_qr_svg(transfer, title=_("GiroCode für die Überweisung")))
    return render(request, "payments/detail.html", context)


@login_required
@require_POST
def payment_start(request, uuid, provider):
    payment = selectors.payment_of_payer(user=request.user, uuid=uuid)
    if payment is None:
        raise Http404
    try:
        start = services.payment_start(payment=payment, provider=provider, actor=request.user)
    except ValidationError as exc:
        add_error_messages(request, exc)
        return redirect("payments:detail", uuid=payment.uuid)
    if start.kind == "redirect":
        return redirect(start.redirect_url)
    return redirect("payments:detail", uuid=payment.uuid)


def _payment_staff(view):
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not can_manage_payments(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


@_payment_staff
def staff_overview(request):
    form = StatementUploadForm()
    status = 200
    if request.method == "POST":
        form = StatementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = services.statement_import_camt053(content=upload.read(), filename=upload.name,
                                                           actor=request.user, source="upload")
            except ValidationError as exc:
                form.add_error("file", exc)
                status = 400
            else:
                messages.success(request, _(
                    "Kontoauszug importiert: %(credits)d Gutschriften, davon %(matched)d zugeordnet und "
                    "%(flagged)d zu prüfen.") % {"credits": record.credits_total, "matched": record.matched_count,
                                                 "flagged": record.flagged_count})
                return redirect("payments-staff:overview")
        else:
            status = 400
    flagged = list(selectors.flagged_transactions()[:200])
    refunds = list(selectors.open_refunds()[:200])
    # The lists show payers' names and IBANs: a staff read of personal data.
    audit_log(actor=request.user, action="payments.flagged_viewed", data={
        "transactions": [t.pk for t in flagged], "refunds": [r.pk for r in refunds]})
    return render(request, "payments/staff/overview.html", {
        "form": form, "flagged": flagged, "imports": selectors.recent_imports(), "resolve_form": ResolveForm(),
        "refunds": refunds,
    }, status=status)


@_payment_staff
@require_POST
def staff_refund_paid(request, pk):
    try:
        refund = services.refund_mark_paid(refund_id=pk, actor=request.user)
    except ValidationError as exc:
        add_error_messages(request, exc)
    except IndexError:
        raise Http404 from None
    else:
        from .templatetags.payments import euro

        messages.success(request, _("Die Erstattung über %(amount)s ist als ausgezahlt vermerkt.") % {
            "amount": euro(refund.amount_cents)})
    return redirect("payments-staff:overview")


@_payment_staff
@require_POST
def staff_resolve(request, pk):
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte vermerken Sie, wie der Zahlungseingang geklärt wurde."))
        return redirect("payments-staff:overview")
    try:
        services.transaction_resolve(transaction_id=pk, actor=request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        add_error_messages(request, exc)
    else:
        messages.success(request, _("Der Zahlungseingang ist als geklärt vermerkt."))
    return redirect("payments-staff:overview")


@_payment_staff
@require_POST
def staff_assign(request, pk):
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte geben Sie die Zahlungsreferenz an."))
        return redirect("payments-staff:overview")
    try:
        tx = services.transaction_assign(transaction_id=pk, reference=form.cleaned_data["reference"],
                                         actor=request.user)
    except ValidationError as exc:
        add_error_messages(request, exc)
    else:
        messages.success(request, _("Der Zahlungseingang ist der Zahlung %(ref)s zugeordnet (%(status)s).") % {
            "ref": tx.payment.reference, "status": tx.get_match_status_display()})
    return redirect("payments-staff:overview")


@csrf_exempt
@require_POST
def webhook(request, provider):
    try:
        result = services.webhook_event_handle(provider=provider, body=request.body, headers=request.headers)
    except IntegrityError:
        # A concurrent event settled the payment first (database guard): nothing was
        # stored, the provider retries and the retry is booked as a duplicate.
        return HttpResponse("conflict, retry", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse(result.message, status=result.status_code, content_type="text/plain; charset=utf-8")
