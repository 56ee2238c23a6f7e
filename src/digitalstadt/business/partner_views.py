"""The partner area (/partner/<org>/): a partner's roles (request one with a reason) and,
once the event-organiser role is approved, its event series, venues and dates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from digitalstadt.accounts.selectors import organisations_for_user
from digitalstadt.core.messages import add_error_messages

from . import event_services, partner_services
from .event_selectors import date_of, dates_of_series, series_of, series_of_by_slug, venue_of, venues_of
from .forms import EventDateForm, PartnerRoleRequestForm, SeriesForm, VenueForm
from .partner_selectors import is_approved_organiser, may_manage_partner, roles_of


def _partner(request, slug):
    """The partner organisation this person manages (404 otherwise, whether it exists or not)."""
    org = organisations_for_user(user=request.user).filter(slug=slug).first()
    if org is None or not may_manage_partner(user=request.user, organisation=org):
        raise Http404
    return org


def _organiser(request, slug):
    org = _partner(request, slug)
    if not is_approved_organiser(organisation=org):
        raise PermissionDenied(_("Ihre Organisation hat noch keine freigegebene Veranstalterrolle."))
    return org


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def partner_home(request, org):
    org = _partner(request, org)
    form = PartnerRoleRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner_services.partner_role_request(actor=request.user, organisation=org, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Ihr Antrag ist eingegangen. Die Wirtschaftsförderung entscheidet darüber "
                                        "und schreibt Ihnen ins Postfach."))
            return redirect("partner:home", org=org.slug)
    return render(request, "business/partner_home.html", {
        "org": org, "roles": roles_of(organisation=org), "form": form,
        "is_organiser": is_approved_organiser(organisation=org),
    }, status=400 if form.errors else 200)


@login_required
def series_list(request, org):
    org = _organiser(request, org)
    return render(request, "business/partner_series_list.html", {
        "org": org, "series_list": series_of(organisation=org), "venues": venues_of(organisation=org)})


@login_required
def series_create(request, org):
    org = _organiser(request, org)
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            series = event_services.series_create(actor=request.user, organisation=org, **form.service_data())
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Die Veranstaltungsreihe „%(title)s“ ist angelegt. Legen Sie jetzt einen "
                                        "Termin an.") % {"title": series.title})
            return redirect("partner:series", org=org.slug, series=series.slug)
    return render(request, "business/partner_series_form.html", {"org": org, "form": form, "series": None},
                  status=400 if form.errors else 200)


def _series(org, slug):
    series = series_of_by_slug(organisation=org, slug=slug)
    if series is None:
        raise Http404
    return series


@login_required
def series_detail(request, org, series):
    org = _organiser(request, org)
    series = _series(org, series)
    form = SeriesForm(request.POST or None, initial=SeriesForm.initial_for(series))
    if request.method == "POST" and form.is_valid():
        try:
            event_services.series_update(actor=request.user, organisation=org, series=series,
                                         **form.service_data())
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect("partner:series", org=org.slug, series=series.slug)
    return render(request, "business/partner_series_form.html", {
        "org": org, "form": form, "series": series, "dates": dates_of_series(organisation=org, series=series),
    }, status=400 if form.errors else 200)


@login_required
def date_create(request, org, series):
    org = _organiser(request, org)
    series = _series(org, series)
    form = EventDateForm(request.POST or None, series=series, venues=venues_of(organisation=org))
    if request.method == "POST" and form.is_valid():
        try:
            event_services.date_create(actor=request.user, organisation=org, series=series, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Der Termin ist angelegt."))
            return redirect("partner:series", org=org.slug, series=series.slug)
    return render(request, "business/partner_date_form.html", {"org": org, "series": series, "form": form,
                                                                "event_date": None},
                  status=400 if form.errors else 200)


@login_required
def date_edit(request, org, pk):
    org = _organiser(request, org)
    event_date = date_of(organisation=org, pk=pk)
    if event_date is None:
        raise Http404
    series = event_date.series
    form = EventDateForm(request.POST or None, series=series, venues=venues_of(organisation=org),
                         initial=EventDateForm.initial_for(event_date))
    if request.method == "POST" and form.is_valid():
        try:
            event_services.date_update(actor=request.user, organisation=org, event_date=event_date,
                                       **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect("partner:series", org=org.slug, series=series.slug)
    return render(request, "business/partner_date_form.html", {"org": org, "series": series, "form": form,
                                                                "event_date": event_date},
                  status=400 if form.errors else 200)


@login_required
def venue_create(request, org):
    org = _organiser(request, org)
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event_services.venue_create(actor=request.user, organisation=org, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
        else:
            messages.success(request, _("Der Veranstaltungsort ist gespeichert."))
            return redirect("partner:series-list", org=org.slug)
    return render(request, "business/partner_venue_form.html", {"org": org, "form": form, "venue": None},
                  status=400 if form.errors else 200)


@login_required
def venue_edit(request, org, pk):
    org = _organiser(request, org)
    venue = venue_of(organisation=org, pk=pk)
    if venue is None:
        raise Http404
    form = VenueForm(request.POST or None, initial=VenueForm.initial_for(venue))
    if request.method == "POST" and form.is_valid():
        try:
            event_services.venue_update(actor=request.user, organisation=org, venue=venue, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
        else:
            messages.success(request, _("Der Veranstaltungsort ist gespeichert."))
            return redirect("partner:series-list", org=org.slug)
    return render(request, "business/partner_venue_form.html", {"org": org, "form": form, "venue": venue},
                  status=400 if form.errors else 200)

