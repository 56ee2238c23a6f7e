"""Personal API tokens for staff devices (a parking officer's handheld): created by the
staff member after the second factor (these pages are under /verwaltung/), with only
the scopes the person may use themselves; what the device does is audited in the
person's name."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.permissions import staff_required

from . import services
from .selectors import personal_token_of, personal_tokens_of


class PersonalTokenForm(forms.Form):
    name = forms.CharField(label=_l("Gerät (z. B. Handgerät Streife 3)"), max_length=100,
                           error_messages={"required": _l("Bitte geben Sie an, für welches Gerät der Schlüssel ist.")})
    scopes = forms.MultipleChoiceField(label=_l("Was darf das Gerät in Ihrem Namen?"),
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": _l("Bitte wählen Sie mindestens eine Berechtigung.")})
    valid_days = forms.TypedChoiceField(label=_l("Gültig für"), widget=forms.RadioSelect, coerce=int, initial=90,
                                        choices=[(30, _l("30 Tage")), (90, _l("90 Tage")), (365, _l("ein Jahr"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(scope.id, f"{scope.label} ({scope.id})")
                                         for scope in services.personal_scopes(user=user)]


def _render(request, *, form=None, new_token=None, status=200):
    response = render(request, "accounts/personal_tokens.html", {
        "form": form or PersonalTokenForm(user=request.user),
        "tokens": personal_tokens_of(user=request.user),
        "scopes": services.personal_scopes(user=request.user),
        "new_token": new_token,
    }, status=status)
    if new_token:
        response["Cache-Control"] = "no-store"  # the secret exists only in this response
    return response


@staff_required
def personal_tokens(request):
    if request.method != "POST":
        return _render(request)
    form = PersonalTokenForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            _token, secret = services.personal_token_create(actor=request.user, name=form.cleaned_data["name"],
                                                            scopes=form.cleaned_data["scopes"],
                                                            valid_days=form.cleaned_data["valid_days"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            return _render(request, new_token=secret, status=201)
    return _render(request, form=form, status=400)


@staff_required
def personal_token_revoke(request, token_uuid):
    token = personal_token_of(user=request.user, uuid=token_uuid)
    if token is None:
        raise Http404
    if request.method != "POST":
        return render(request, "accounts/api_token_revoke.html", {"token": token, "personal": True})
    try:
        services.api_token_revoke(actor=request.user, token=token)
    except (ValidationError, PermissionDenied) as exc:
        add_error_messages(request, exc)
    else:
        messages.success(request, _("Der API-Schlüssel wurde widerrufen."))
    return redirect("staff-tokens:list")


app_name = "staff-tokens"
urlpatterns = [
    path("", personal_tokens, name="list"),
    path("<uuid:token_uuid>/widerrufen/", personal_token_revoke, name="revoke"),
]
