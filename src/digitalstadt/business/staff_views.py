"""The business development office's work area: partners' role requests, decided one by
one (approve, reject with a reason, revoke). Under /verwaltung/, so the second factor is
enforced by the staff middleware."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.params import query_choice
from digitalstadt.core.permissions import staff_required

from . import partner_services
from .forms import DecisionForm
from .partner_selectors import role_for_office, roles_for_office
from .types import PartnerRoleStatus


def business_development_required(view):
    @wraps(view)
    @staff_required
    def wrapper(request, *args, **kwargs):
        from digitalstadt.accounts.selectors import user_has_staff_role

        if not user_has_staff_role(user=request.user, role="business_development"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@business_development_required
def role_list(request):
    status = query_choice(request.GET, "status", PartnerRoleStatus.choices, default="")
    return render(request, "business/staff_roles.html", {
        "roles": list(roles_for_office(status=status or None)[:200]), "status": status,
        "statuses": PartnerRoleStatus.choices})


@business_development_required
def role_detail(request, pk):
    role = role_for_office(pk=pk)
    if role is None:
        raise Http404
    return render(request, "business/staff_role_detail.html", {"role": role, "form": DecisionForm()})


ACTIONS = {"approve": partner_services.partner_role_approve, "reject": partner_services.partner_role_reject,
           "revoke": partner_services.partner_role_revoke}
DONE = {"approve": _l("Die Rolle ist freigegeben; die Partnerorganisation wird benachrichtigt."),
        "reject": _l("Der Antrag ist abgelehnt; die Partnerorganisation wird benachrichtigt."),
        "revoke": _l("Die Rolle ist entzogen; die Partnerorganisation wird benachrichtigt.")}


@require_POST
@business_development_required
def role_decide(request, pk):
    role = role_for_office(pk=pk)
    if role is None:
        raise Http404
    action = request.POST.get("action", "")
    form = DecisionForm(request.POST)
    if action not in ACTIONS:
        form.add_error(None, _("Bitte wählen Sie freigeben, ablehnen oder entziehen."))
    if form.is_valid():
        try:
            ACTIONS[action](actor=request.user, role=role, note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
            return render(request, "business/staff_role_detail.html", {"role": role, "form": form}, status=400)
        messages.success(request, DONE[action])
        return redirect("staff-business:role", pk=role.pk)
    return render(request, "business/staff_role_detail.html", {"role": role, "form": form}, status=400)
