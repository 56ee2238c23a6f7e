"""The feedback form (participant) and the aggregated results (organiser; business
development staff under /verwaltung/, behind the second factor)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from digitalstadt.core.audit import audit_log
from digitalstadt.core.permissions import staff_required

from . import attendance_services
from .attendance_selectors import own_registration
from .feedback_selectors import date_feedback_results, series_feedback_results, user_may_see_feedback
from .feedback_services import COMMENT_MAX, feedback_open_for, feedback_submit
from .models import EventDate, EventSeries

SCORES = [(str(n), str(n)) for n in range(5, 0, -1)]


class FeedbackForm(forms.Form):
    overall = forms.ChoiceField(label=gettext_lazy("Wie war die Veranstaltung insgesamt? (5 = sehr gut, 1 = schlecht)"),
                                choices=SCORES, widget=forms.RadioSelect,
                                error_messages={"required": gettext_lazy("Bitte wählen Sie eine Bewertung von 1 bis 5."),
                                                "invalid_choice": gettext_lazy("Bitte wählen Sie eine Bewertung von 1 bis 5.")})
    usefulness = forms.ChoiceField(label=gettext_lazy("Wie nützlich ist das Gelernte für Ihre Arbeit? (5 = sehr, 1 = gar nicht)"),
                                   choices=SCORES, widget=forms.RadioSelect,
                                   error_messages={"required": gettext_lazy("Bitte wählen Sie eine Bewertung von 1 bis 5."),
                                                   "invalid_choice": gettext_lazy("Bitte wählen Sie eine Bewertung von 1 bis 5.")})
    would_recommend = forms.ChoiceField(label=gettext_lazy("Würden Sie die Veranstaltung weiterempfehlen?"),
                                        choices=[("ja", gettext_lazy("ja")), ("nein", gettext_lazy("nein"))],
                                        widget=forms.RadioSelect,
                                        error_messages={"required": gettext_lazy("Bitte wählen Sie ja oder nein."),
                                                        "invalid_choice": gettext_lazy("Bitte wählen Sie ja oder nein.")})
    comment = forms.CharField(label=gettext_lazy("Anmerkungen (freiwillig)"), required=False,
                              max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=gettext_lazy("Bitte nennen Sie hier keine Namen: die Anmerkungen sieht der "
                                                     "Veranstalter ohne Ihren Namen."))


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request, registration_id):
    registration = own_registration(user=request.user, registration_id=registration_id)
    if registration is None:
        raise Http404
    if not feedback_open_for(registration):
        return render(request, "business/attendance/feedback_closed.html", {"registration": registration})
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback_submit(user=request.user, registration_id=registration.pk, overall=data["overall"],
                            usefulness=data["usefulness"], would_recommend=data["would_recommend"] == "ja",
                            comment=data["comment"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                form.add_error(None, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Vielen Dank für Ihre Rückmeldung!"))
            return redirect("business:ticket", registration_id=registration.pk)
    return render(request, "business/attendance/feedback_form.html",
                  {"registration": registration, "form": form}, status=400 if form.errors else 200)


def _render_results(request, *, results, event_date=None, series=None, staff=False):
    audit_log(actor=request.user, action="business.feedback_viewed", subject=event_date or series)
    return render(request, "business/attendance/feedback_results.html", {
        "results": results, "event_date": event_date, "series": series or event_date.series, "staff": staff})


@login_required
def date_results(request, date_id):
    try:
        event_date = attendance_services.organiser_date(user=request.user, date_id=date_id)
    except PermissionDenied:
        raise Http404 from None
    return _render_results(request, results=date_feedback_results(user=request.user, event_date=event_date),
                           event_date=event_date)


@login_required
def series_results(request, series_id):
    series = EventSeries.objects.select_related("organiser").filter(pk=series_id).first()
    if series is None or not attendance_services.user_may_organise(user=request.user,
                                                                   organisation=series.organiser):
        raise Http404
    return _render_results(request, results=series_feedback_results(user=request.user, series=series),
                           series=series)


# --- business development staff (/verwaltung/weiterbildung/) -----------------------


def _staff_may(request) -> bool:
    from digitalstadt.accounts.selectors import user_has_staff_role

    return user_has_staff_role(user=request.user, role="business_development")


@staff_required
def staff_series_list(request):
    if not _staff_may(request):
        raise PermissionDenied
    series = list(EventSeries.objects.select_related("organiser").order_by("title")[:200])
    return render(request, "business/attendance/staff_feedback_list.html", {"series_list": series})


@staff_required
def staff_series_results(request, series_id):
    series = EventSeries.objects.select_related("organiser").filter(pk=series_id).first()
    if series is None or not user_may_see_feedback(user=request.user, organisation=series.organiser):
        raise Http404
    return _render_results(request, results=series_feedback_results(user=request.user, series=series),
                           series=series, staff=True)


@staff_required
def staff_date_results(request, date_id):
    event_date = EventDate.objects.select_related("series__organiser").filter(pk=date_id).first()
    if event_date is None or not user_may_see_feedback(user=request.user, organisation=event_date.series.organiser):
        raise Http404
    return _render_results(request, results=date_feedback_results(user=request.user, event_date=event_date),
                           event_date=event_date, staff=True)
