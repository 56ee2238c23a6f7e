"""The landlord's page: confirm a move-in online and pass the code to the tenants."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from digitalstadt.accounts.types import AssuranceLevel
from digitalstadt.core.ratelimit import hit

from . import selectors, services
from .forms import LandlordConfirmationForm

CONFIRMATIONS_PER_DAY = 20


# A confirmation lets a move be registered without paper: the landlord proves who they
# are with the online ID, as for the tenant's own registration.
LANDLORD_ASSURANCE = AssuranceLevel.EID_SUBSTANTIAL


@login_required
def landlord_confirmation(request):
    if not request.user.has_assurance(LANDLORD_ASSURANCE):
        return render(request, "register/landlord_needs_eid.html", {"level": LANDLORD_ASSURANCE.label}, status=403)
    form = LandlordConfirmationForm(request.POST or None, initial={"landlord_name": request.user.get_full_name()})
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        # Only confirmations count towards the daily limit, not typing mistakes.
        if valid and not hit(scope="landlord-confirmation", key=str(request.user.pk), limit=CONFIRMATIONS_PER_DAY,
                             period=24 * 3600):
            form.add_error(None, _("Sie haben heute schon viele Bestätigungen abgegeben. Bitte versuchen Sie es "
                                   "morgen wieder oder wenden Sie sich an das Bürger- und Ordnungsamt."))
            status = 429
        elif valid:
            data = form.cleaned_data
            confirmation = services.landlord_confirmation_create(
                user=request.user, landlord_name=data["landlord_name"], landlord_address=data["landlord_address"],
                is_owner=data["is_owner"], owner_name=data.get("owner_name", ""), street=data["street_obj"],
                house_number=data["house_number"], address_extra=data.get("address_extra", ""),
                moved_in=data["moved_in"], tenants=data["tenants"])
            messages.success(request, _("Ihre Bestätigung ist eingegangen. Geben Sie den Code an die einziehenden "
                                        "Personen weiter."))
            return redirect("register:landlord-done", code=confirmation.code)
        else:
            status = 400
    return render(request, "register/landlord_form.html", {"form": form}, status=status)


@login_required
def landlord_done(request, code):
    confirmation = selectors.landlord_confirmations_by(user=request.user).filter(code=code).first()
    if confirmation is None:
        from django.http import Http404

        raise Http404
    return render(request, "register/landlord_done.html", {
        "confirmation": confirmation, "code": services.format_code(confirmation.code),
        "tenants": confirmation.tenants.splitlines(),
        "earlier": selectors.landlord_confirmations_by(user=request.user).exclude(pk=confirmation.pk)[:10]})
