"""The pages of notice and action: the notice form (anyone, for illegal content),
the decision page with its statement of reasons and the appeal (author, notifier), and
the moderators' pages (queue, decision, appeals, log, appointing moderators). Thin:
parse, call one service, render; the services check who may do it."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digitalstadt.core import pow
from digitalstadt.core.audit import audit_log
from digitalstadt.core.params import BadParameter, query_choice, query_int
from digitalstadt.core.ratelimit import client_ip
from digitalstadt.core.registry import capabilities

from . import moderation_selectors as selectors
from . import moderation_services as services
from .flag_permissions import may_flag_post
from .flag_types import AppealOutcome, DecisionOutcome
from .moderation_forms import AppealDecisionForm, AppealForm, AppointForm, DecisionForm, NoticeForm
from .permissions import is_moderator
from .types import PostStatus


def _with_second_factor(view):
    """Moderators only; staff among them need the second factor as on /verwaltung/."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if capabilities.call("user_is_staff", user=request.user) and not capabilities.call(
                "session_passed_second_factor", request=request):
            from django.contrib.auth import logout

            logout(request)
            messages.warning(request, _("Bitte melden Sie sich erneut an und bestätigen Sie die Anmeldung mit dem "
                                        "Code aus Ihrer Authenticator-App."))
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        return view(request, *args, **kwargs)

    return wrapper


def moderator_required(view):
    @wraps(view)
    @_with_second_factor
    def wrapper(request, *args, **kwargs):
        if not is_moderator(request.user):
            raise PermissionDenied(_("Nur für die Moderation des Austauschs."))
        return view(request, *args, **kwargs)

    return wrapper


def _errors_to_form(form, exc) -> None:
    for message in getattr(exc, "messages", [str(exc)]):
        form.add_error(None, message)


def _post(pk: int, *, visible: bool = False):
    post = selectors.post_by_pk(pk=pk)
    if post is None or (visible and post.status != PostStatus.VISIBLE):
        raise Http404
    return post


# --- the notice (public) -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notice_create(request, post):
    post = _post(post, visible=True)
    signed_in = request.user.is_authenticated
    if signed_in and post.author_id == request.user.pk:
        raise PermissionDenied(_("Eigene Beiträge können Sie bearbeiten oder löschen, nicht melden."))
    form = NoticeForm(request.POST or None, signed_in=signed_in, is_first=post.is_first)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            if not signed_in and not pow.solution_verify_once(request.POST.get("altcha", "")):
                form.add_error(None, _("Die Sicherheitsprüfung (Rechenaufgabe) fehlt oder ist abgelaufen. Bitte "
                                       "lassen Sie Ihren Browser die Prüfung erneut ausführen."))
            else:
                try:
                    notice = services.notice_submit(
                        post=post, user=request.user, reason=data["reason"], explanation=data["explanation"],
                        concerns_thread=data.get("concerns_thread", False), is_csam=data["is_csam"],
                        good_faith=data["good_faith"], name=data.get("name", ""), email=data.get("email", ""),
                        rate_key=client_ip(request), ip_address=client_ip(request))
                except (ValidationError, PermissionDenied) as exc:
                    _errors_to_form(form, exc)
                else:
                    request.session["exchange_notice"] = str(notice.uuid)
                    return redirect("exchange-flags:received")
    return render(request, "exchange/flag_form.html", {
        "post": post, "form": form, "signed_in": signed_in,
        "may_flag": signed_in and may_flag_post(request.user, post)}, status=status)


def notice_received(request):
    if not request.session.get("exchange_notice"):
        return redirect("core:home")
    return render(request, "exchange/flag_received.html", {"reference": request.session["exchange_notice"]})


# --- the decision and the appeal (author, notifier) --------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision_detail(request, decision):
    found = selectors.decision_by_uuid(uuid=decision)
    if found is None:
        raise Http404
    role = services.appellant_role(user=request.user, decision=found)
    if role is None and not is_moderator(request.user):
        raise Http404
    form = AppealForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.appeal_submit(user=request.user, decision=found, grounds=form.cleaned_data["grounds"])
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Ihr Einspruch ist eingegangen. Eine andere Person aus der Moderation "
                                            "prüft ihn."))
                return redirect("exchange-flags:decision", decision=found.uuid)
    appeals = found.appeals.filter(appellant=request.user)
    return render(request, "exchange/flag_decision.html", {
        "decision": found, "role": role, "form": form, "appeals": appeals,
        "may_appeal": role is not None and not appeals.exists()}, status=status)


# --- moderators ----------------------------------------------------------------------


@moderator_required
def queue(request):
    return render(request, "exchange/moderation_queue.html", {
        "rows": selectors.queue(), "appeals": selectors.open_appeals(user=request.user)})


@moderator_required
@require_http_methods(["GET", "POST"])
def post_decide(request, post):
    post = _post(post)
    notices = list(selectors.open_notices(post=post))
    # The notifiers' names and e-mails are personal data read by staff: audited.
    if notices:
        audit_log(actor=request.user, action="exchange.notice_read", subject=post, data_subject=post.author,
                  data={"notices": [n.pk for n in notices]})
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision = services.decision_take(actor=request.user, post=post, outcome=data["outcome"],
                                                  facts=data["facts"], terms_rule=data["terms_rule"],
                                                  legal_ground=data["legal_ground"], ip_address=client_ip(request))
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Entschieden: %(outcome)s. Die Beteiligten sind informiert.") % {
                    "outcome": decision.get_outcome_display()})
                return redirect("exchange-moderation:queue")
    return render(request, "exchange/moderation_post.html", {
        "post": post, "notices": notices, "form": form,
        "may_decide": services.may_decide(user=request.user, post=post)}, status=status)


@moderator_required
@require_http_methods(["GET", "POST"])
def appeal_decide(request, appeal):
    found = selectors.appeal_by_uuid(uuid=appeal)
    if found is None:
        raise Http404
    form = AppealDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.appeal_decide(actor=request.user, appeal=found, outcome=form.cleaned_data["outcome"],
                                       reasons=form.cleaned_data["reasons"], ip_address=client_ip(request))
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Über den Einspruch ist entschieden. Die Beteiligten sind informiert."))
                return redirect("exchange-moderation:queue")
    return render(request, "exchange/moderation_appeal.html", {
        "appeal": found, "decision": found.decision, "form": form,
        "may_decide": services.may_decide_appeal(user=request.user, appeal=found)}, status=status)


@moderator_required
def log(request):
    outcomes = [*DecisionOutcome.choices, *AppealOutcome.choices]
    errors = []
    try:
        post = query_int(request.GET, "beitrag")
    except BadParameter as exc:
        post, errors = None, [*errors, str(exc)]
    try:
        moderator = query_int(request.GET, "moderation")
    except BadParameter as exc:
        moderator, errors = None, [*errors, str(exc)]
    try:
        outcome = query_choice(request.GET, "ergebnis", outcomes, default="") or ""
    except BadParameter as exc:
        outcome, errors = "", [*errors, str(exc)]
    return render(request, "exchange/moderation_log.html", {
        "rows": selectors.moderation_log(post=post, moderator=moderator, outcome=outcome), "errors": errors,
        "moderators": selectors.log_moderators(), "outcomes": outcomes,
        "chosen": {"post": post or "", "moderator": moderator, "outcome": outcome}}, status=400 if errors else 200)


def appointer_required(view):
    @wraps(view)
    @_with_second_factor
    def wrapper(request, *args, **kwargs):
        if not services.may_appoint(user=request.user):
            raise PermissionDenied(_("Nur für die Wirtschaftsförderung."))
        return view(request, *args, **kwargs)

    return wrapper


@appointer_required
@require_http_methods(["GET", "POST"])
def moderators(request):
    form = AppointForm(request.POST or None, organisations=selectors.partner_organisations())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.moderator_appoint(actor=request.user, email=form.cleaned_data["email"],
                                           organisation=form.cleaned_data["organisation"])
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Die Person moderiert jetzt das Forum."))
                return redirect("exchange-moderation:moderators")
    return render(request, "exchange/moderation_moderators.html", {
        "form": form, "moderators": selectors.moderators()}, status=status)


@appointer_required
@require_POST
def moderator_remove(request, pk):
    moderator = selectors.moderator_by_pk(pk=pk)
    if moderator is None:
        raise Http404
    services.moderator_remove(actor=request.user, moderator=moderator)
    messages.success(request, _("Die Person moderiert das Forum nicht mehr."))
    return redirect("exchange-moderation:moderators")


