"""Platform staff verify shops under /verwaltung/marktplatz/ (second factor enforced by
the staff middleware): the queue of submitted shops, a review page, approve, reject
with a note, suspend."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.params import query_choice
from digitalstadt.core.permissions import staff_required

from . import shop_selectors as selectors
from . import shop_services as services
from .models import ShopStatus
from .shop_forms import ConfirmForm, ReviewNoteForm


def verifier_required(view):
    @wraps(view)
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not selectors.user_may_verify_shops(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@verifier_required
def shop_queue(request):
    status = query_choice(request.GET, "status", ShopStatus.choices, default=ShopStatus.SUBMITTED)
    counts = selectors.status_counts()
    return render(request, "marketplace/shops/staff_list.html", {
        "shops": selectors.shops_for_staff(status=status), "status": status,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in ShopStatus.choices]})


@verifier_required
def shop_review(request, slug):
    shop = selectors.shop_for_staff(slug=slug)
    if shop is None:
        raise Http404
    action = request.POST.get("action", "") if request.method == "POST" else ""
    approve_form, note_form = ConfirmForm(prefix="approve"), ReviewNoteForm(prefix="note")
    if action == "approve":
        approve_form = ConfirmForm(request.POST, prefix="approve")
        if approve_form.is_valid():
            return _act(request, shop, lambda: services.shop_approve(actor=request.user, shop=shop),
                        _("Das Geschäft ist freigeschaltet."), approve_form)
    elif action in {"reject", "suspend"}:
        note_form = ReviewNoteForm(request.POST, prefix="note")
        if note_form.is_valid():
            service = services.shop_reject if action == "reject" else services.shop_suspend
            done = _("Das Geschäft ist zurückgewiesen.") if action == "reject" else _("Das Geschäft ist gesperrt.")
            return _act(request, shop, lambda: service(actor=request.user, shop=shop,
                                                       note=note_form.cleaned_data["note"]), done, note_form)
    elif request.method == "GET":
        # Reading the review page shows the owner's name and contact: logged.
        audit_log(actor=request.user, action="marketplace.shop_review_viewed", subject=shop,
                  data={"page": "shop_review"})
    return _render_review(request, shop, approve_form, note_form)


def _render_review(request, shop, approve_form, note_form):
    errors = approve_form.errors or note_form.errors
    return render(request, "marketplace/shops/staff_review.html", {
        "shop": shop, "approve_form": approve_form, "note_form": note_form,
        "checklist": selectors.shop_checklist(shop=shop),
        "hours": selectors.opening_hours_by_day(shop=shop)}, status=400 if errors else 200)


def _act(request, shop, call, done_message, form):
    try:
        call()
    except (ValidationError, PermissionDenied) as exc:
        form.add_error(None, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return _render_review(request, shop, *((form, ReviewNoteForm(prefix="note")) if isinstance(form, ConfirmForm)
                                               else (ConfirmForm(prefix="approve"), form)))
    messages.success(request, done_message)
    return redirect("market-staff:list")
