from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from digitalstadt.core.messages import add_error_messages
from digitalstadt.mailbox.selectors import messages_for_user

from . import services
from .eid import enabled_plugins, get_plugin
from .forms import ApiTokenForm, EidSimulatorForm, InvitationForm, OrganisationForm, ProfileForm, RoleForm
from .models import Membership, Organisation, OrgRole
from .selectors import (
    has_second_factor,
    api_token_of,
    organisation_work_areas,
    api_tokens_of,
    invitation_of,
    open_invitations_of,
    can_manage_organisation,
    membership_for,
    memberships_of,
    organisations_for_user,
    staff_roles,
)


# What each role may do, shown where roles are given (invitation form, role list).
ROLE_EXPLANATIONS = [
    (OrgRole.OWNER.label, _l("alles, auch weitere Inhaber/innen ernennen und die Organisation abgeben; "
                             "braucht die Zwei-Faktor-Anmeldung für API-Schlüssel")),
    (OrgRole.ADMIN.label, _l("Personen einladen und entfernen, Rollen vergeben (außer Inhaber/in), "
                             "API-Schlüssel erzeugen und widerrufen")),
    (OrgRole.MEMBER.label, _l("sieht die Organisation und ihre Mitglieder, verwaltet nichts")),
    (OrgRole.SALES.label, _l("wie Mitarbeiter/in; im Marktplatz: Bestellungen und Bestand des Geschäfts")),
    (OrgRole.DRIVER.label, _l("wie Mitarbeiter/in; im Lieferdienst: die eigenen Touren fahren")),
]


@login_required
def overview(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.user_update_profile(user=user, **form.cleaned_data)
            messages.success(request, _("Ihre Angaben wurden gespeichert."))
            return redirect("accounts:overview")
    else:
        form = ProfileForm(initial={"first_name": user.first_name, "last_name": user.last_name,
                                    "language": user.language})
    from allauth.mfa.models import Authenticator

    return render(request, "accounts/overview.html", {
        "form": form,
        "recent_messages": messages_for_user(user=user)[:5],
        "organisations": organisations_for_user(user=user),
        "staff_roles": staff_roles(user=user),
        "has_totp": Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        "eid_plugins": enabled_plugins(),
    }, status=400 if form.errors else 200)


@login_required
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
        else:
            messages.success(request, _("Die Organisation „%(name)s“ wurde angelegt.") % {"name": org.name})
            return redirect("accounts:organisation", slug=org.slug)
    return render(request, "accounts/organisation_form.html", {"form": form}, status=400 if form.errors else 200)


def _organisation_for_member(request, slug) -> tuple[Organisation, Membership]:
    org = Organisation.objects.filter(slug=slug).first()
    membership = membership_for(user=request.user, organisation=org) if org else None
    if membership is None:
        # Same answer whether the organisation exists or not.
        raise Http404
    return org, membership


@login_required
def organisation_detail(request, slug):
    org, membership = _organisation_for_member(request, slug)
    can_manage = can_manage_organisation(user=request.user, organisation=org)
    invite_form = InvitationForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if invite_form.is_valid():
            try:
                services.invitation_create(actor=request.user, organisation=org, **invite_form.cleaned_data)
            except ValidationError as exc:
                # Shown next to the form, and the page answers 400 (nothing was sent).
                invite_form.add_error(None, exc)
            else:
                messages.success(request, _("Die Einladung an %(email)s wurde verschickt.")
                                 % {"email": invite_form.cleaned_data["email"]})
                return redirect("accounts:organisation", slug=org.slug)
    return _render_organisation(request, org, membership, can_manage=can_manage, invite_form=invite_form)


def _render_organisation(request, org, membership, *, can_manage, invite_form=None, token_form=None,
                         new_token=None, status=None):
    if can_manage and invite_form is None:
        invite_form = InvitationForm()
    context = {
        "organisation": org,
        "membership": membership,
        "can_manage": can_manage,
        "memberships": memberships_of(organisation=org),
        "invitations": open_invitations_of(organisation=org) if can_manage else [],
        "invite_form": invite_form,
        "token_form": token_form or ApiTokenForm(organisation=org),
        "tokens": api_tokens_of(organisation=org) if can_manage else [],
        "has_second_factor": has_second_factor(user=request.user),
        "roles": OrgRole.choices,
        "role_explanations": ROLE_EXPLANATIONS,
        "new_token": new_token,
        "work_areas": organisation_work_areas(user=request.user, organisation=org),
    }
    if status is None:
        status = 400 if (invite_form is not None and invite_form.errors) or (token_form and token_form.errors) else 200
    response = render(request, "accounts/organisation_detail.html", context, status=status)
    if new_token:
        # The secret exists only in this response: not in the session, not in any cache.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def membership_role(request, slug, pk):
    org, _m = _organisation_for_member(request, slug)
    membership = get_object_or_404(Membership, pk=pk, organisation=org)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie eine gültige Rolle."))
    else:
        try:
            services.membership_change_role(actor=request.user, membership=membership, role=form.cleaned_data["role"])
        except ValidationError as exc:
            add_error_messages(request, exc)
        else:
            messages.success(request, _("Die Rolle wurde geändert."))
    return redirect("accounts:organisation", slug=org.slug)


@login_required
@require_POST
def membership_remove(request, slug, pk):
    org, _m = _organisation_for_member(request, slug)
    membership = get_object_or_404(Membership, pk=pk, organisation=org)
    leaving = membership.user_id == request.user.pk
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as exc:
        add_error_messages(request, exc)
        return redirect("accounts:organisation", slug=org.slug)
    if leaving:
        messages.success(request, _("Sie haben die Organisation verlassen."))
        return redirect("accounts:overview")
    messages.success(request, _("Die Person wurde aus der Organisation entfernt."))
    return redirect("accounts:organisation", slug=org.slug)


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    org, _m = _organisation_for_member(request, slug)
    invitation = invitation_of(organisation=org, pk=pk)
    if invitation is None:
        raise Http404
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        add_error_messages(request, exc)
    else:
        messages.success(request, _("Die Einladung wurde zurückgezogen."))
    return redirect("accounts:organisation", slug=org.slug)


def invitation_accept(request, token):
    """The link in the invitation e-mail. Before signing in, the page says who invites
    to which organisation in which role, and offers to sign in or to register with the
    invited address (prefilled); afterwards it accepts."""
    invitation = services.invitation_by_token(token=token)
    valid = invitation is not None and invitation.is_open
    if not request.user.is_authenticated:
        from urllib.parse import urlencode

        from allauth.account.models import EmailAddress

        here = request.get_full_path()
        known = valid and EmailAddress.objects.filter(email__iexact=invitation.email).exists()
        return render(request, "accounts/invitation_accept.html", {
            "invitation": invitation if valid else None,
            "inviter": _inviter_name(invitation) if valid else "",
            "role_explanation": _role_explanation(invitation.role) if valid else "",
            "anonymous": True,
            "has_account": known,
            "login_query": urlencode({"next": here}),
            "signup_query": urlencode({"next": here, "email": invitation.email}) if valid else "",
        }, status=200 if valid else 410)
    if request.method == "POST":
        try:
            membership = services.invitation_accept(actor=request.user, token=token)
        except (ValidationError, PermissionDenied):
            pass  # The page below says why (used, expired, or meant for another address).
        else:
            messages.success(request, _("Willkommen bei %(org)s!") % {"org": membership.organisation.name})
            return redirect("accounts:organisation", slug=membership.organisation.slug)
    invitation = services.invitation_by_token(token=token)
    valid = invitation is not None and invitation.is_open
    email_matches = valid and invitation.email.lower() == request.user.email.lower()
    return render(request, "accounts/invitation_accept.html", {
        "invitation": invitation if valid else None,
        "inviter": _inviter_name(invitation) if valid else "",
        "role_explanation": _role_explanation(invitation.role) if valid else "",
        "email_matches": email_matches,
    }, status=410 if not valid else 200 if email_matches else 403)


def _inviter_name(invitation) -> str:
    inviter = invitation.invited_by
    if inviter is None:
        return ""
    return inviter.get_full_name() or inviter.email


def _role_explanation(role: str) -> str:
    label = OrgRole(role).label
    return next((str(text) for role_label, text in ROLE_EXPLANATIONS if role_label == label), "")


@login_required
def api_token_create(request, slug):
    org, membership = _organisation_for_member(request, slug)
    if request.method != "POST":
        # E.g. the language switch after a token was shown: back to the organisation page.
        return redirect("accounts:organisation", slug=org.slug)
    if not can_manage_organisation(user=request.user, organisation=org):
        raise PermissionDenied
    form = ApiTokenForm(request.POST, organisation=org)
    if form.is_valid():
        try:
            _token, secret = services.api_token_create(actor=request.user, organisation=org,
                                                       name=form.cleaned_data["name"],
                                                       scopes=form.cleaned_data["scopes"],
                                                       valid_days=form.cleaned_data["valid_days"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            # Shown once, in this response; only its SHA-256 is stored.
            return _render_organisation(request, org, membership, can_manage=True, new_token=secret, status=201)
    return _render_organisation(request, org, membership, can_manage=True, token_form=form)


@login_required
def api_token_revoke(request, slug, token_uuid):
    org, _m = _organisation_for_member(request, slug)
    token = api_token_of(organisation=org, uuid=token_uuid)
    if token is None:
        raise Http404
    if request.method != "POST":
        # Asks once more: the machines that use the key stop working at once.
        if not can_manage_organisation(user=request.user, organisation=org):
            raise PermissionDenied
        return render(request, "accounts/api_token_revoke.html", {"organisation": org, "token": token})
    try:
        services.api_token_revoke(actor=request.user, token=token)
    except ValidationError as exc:
        add_error_messages(request, exc)
    else:
        messages.success(request, _("Der API-Schlüssel wurde widerrufen."))
    return redirect("accounts:organisation", slug=org.slug)


@login_required
def eid_start(request, plugin):
    eid = get_plugin(plugin)
    if eid is None:
        raise Http404
    return eid.start(request)


@login_required
def eid_simulator(request):
    eid = get_plugin("simulator")
    if eid is None:
        raise Http404
    form = EidSimulatorForm(request.POST or None, initial={"subject": f"sim-{request.user.pk}"})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_raise_assurance(user=request.user, level=form.cleaned_data["level"],
                                          source="eid:simulator", eid_subject=form.cleaned_data["subject"])
        except ValidationError as exc:
            add_error_messages(request, exc)
        else:
            messages.success(request, _("Ihre Identität wurde bestätigt (Simulation)."))
            return redirect("accounts:overview")
    return render(request, "accounts/eid_simulator.html", {"form": form}, status=400 if form.errors else 200)
