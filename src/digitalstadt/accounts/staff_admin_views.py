"""The staff administration page under /verwaltung/mitarbeitende/ (platform admins; the
staff MFA middleware guards it like every staff page) and the invited person's page to
set a password. Views parse input, call one service and render; the services check
permissions again and write the audit entries."""

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.permissions import platform_admin_required

from . import staff_services
from .models import StaffRole
from .staff_admin_forms import SetPasswordForm, StaffInviteForm, StaffRoleForm
from .staff_selectors import role_catalogue, staff_account, staff_accounts


def _account_or_404(pk: int):
    account = staff_account(pk=pk)
    if account is None:
        raise Http404
    return account


@platform_admin_required
def staff_list(request):
    return render(request, "accounts/staff_admin/list.html", {"accounts": staff_accounts()})


@platform_admin_required
def staff_invite(request):
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = staff_services.staff_invite(
                actor=request.user, email=data["email"], first_name=data["first_name"],
                last_name=data["last_name"], role=data["role"], office=data["office"],
                location_id=data["location"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s wurde angelegt; die Einladung an %(email)s ist unterwegs. "
                                        "Der Link gilt 72 Stunden.")
                             % {"name": invitation.user.get_full_name(), "email": invitation.user.email})
            return redirect("staff-accounts:detail", pk=invitation.user.pk)
    return render(request, "accounts/staff_admin/invite.html", {"form": form, "roles": role_catalogue()},
                  status=400 if form.errors else 200)


@platform_admin_required
def staff_detail(request, pk):
    account = _account_or_404(pk)
    form = StaffRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff_role = staff_services.staff_role_grant(actor=request.user, user=account, role=data["role"],
                                                         office=data["office"], location_id=data["location"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Die Rolle „%(role)s“ wurde vergeben.") % {"role": staff_role})
            return redirect("staff-accounts:detail", pk=account.pk)
    return render(request, "accounts/staff_admin/detail.html", {
        "account": account, "form": form, "roles": role_catalogue(),
        "is_self": account.pk == request.user.pk,
    }, status=400 if form.errors else 200)


@require_POST
@platform_admin_required
def staff_role_revoke(request, pk, role_pk):
    account = _account_or_404(pk)
    staff_role = StaffRole.objects.filter(pk=role_pk, user=account).select_related("office", "location").first()
    if staff_role is None:
        raise Http404
    try:
        staff_services.staff_role_revoke(actor=request.user, staff_role=staff_role)
    except (ValidationError, PermissionDenied) as exc:
        add_error_messages(request, exc)
    else:
        messages.success(request, _("Die Rolle „%(role)s“ wurde entzogen.") % {"role": staff_role})
    return redirect("staff-accounts:detail", pk=account.pk)


def _confirmed_action(request, pk, *, service, template, done):
    """GET asks once more, POST does it (a reset or deactivation is not undone by a click)."""
    account = _account_or_404(pk)
    if request.method == "POST":
        try:
            service(actor=request.user, user=account)
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
        else:
            messages.success(request, done % {"name": account.get_full_name() or account.email})
        return redirect("staff-accounts:detail", pk=account.pk)
    return render(request, template, {"account": account})


@platform_admin_required
def staff_mfa_reset(request, pk):
    return _confirmed_action(
        request, pk, service=staff_services.staff_mfa_reset, template="accounts/staff_admin/mfa_reset.html",
        done=_("Die Zwei-Faktor-Anmeldung von %(name)s wurde zurückgesetzt. Bei der nächsten Anmeldung richtet "
               "die Person sie neu ein."))


@platform_admin_required
def staff_deactivate(request, pk):
    return _confirmed_action(
        request, pk, service=staff_services.staff_account_deactivate,
        template="accounts/staff_admin/deactivate.html",
        done=_("Das Konto von %(name)s wurde deaktiviert. Eine Anmeldung ist nicht mehr möglich."))


@require_POST
@platform_admin_required
def staff_invitation_resend(request, pk):
    account = _account_or_404(pk)
    try:
        staff_services.staff_invitation_resend(actor=request.user, user=account)
    except (ValidationError, PermissionDenied) as exc:
        add_error_messages(request, exc)
    else:
        messages.success(request, _("Eine neue Einladung an %(email)s ist unterwegs; der alte Link gilt nicht "
                                    "mehr.") % {"email": account.email})
    return redirect("staff-accounts:detail", pk=account.pk)


def staff_invitation_accept(request, token):
    """The invited person sets a password (public page; the link is the proof)."""
    invitation = staff_services.staff_invitation_by_token(token=token)
    if invitation is None:
        return render(request, "accounts/staff_admin/invitation_invalid.html", status=404)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff_services.staff_invitation_accept(token=token, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            if request.user.is_authenticated:
                logout(request)  # somebody else's session in this browser
            messages.success(request, _("Ihr Passwort ist gespeichert. Bitte melden Sie sich jetzt an; danach "
                                        "richten Sie die Zwei-Faktor-Anmeldung ein."))
            return redirect(reverse("account_login") + "?next=" + reverse("staff:home"))
    response = render(request, "accounts/staff_admin/invitation_accept.html",
                      {"form": form, "invitation": invitation}, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"
    return response


def totp_deactivate(request):
    """allauth's "deactivate authenticator app" page, but staff learn at once (before
    allauth asks for their password again) that they cannot switch off their last
    second factor; the adapter refuses it too (MFAAdapter.can_delete_authenticator)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.views import deactivate_totp

    from .adapter import MFAAdapter

    user = request.user
    if user.is_authenticated:
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is not None and not staff_services.second_factor_removable(user=user, authenticator=totp):
            return render(request, "mfa/totp/deactivate_form.html", {
                "refusal": MFAAdapter.error_messages["cannot_delete_authenticator"]}, status=403)
    return deactivate_totp(request)
