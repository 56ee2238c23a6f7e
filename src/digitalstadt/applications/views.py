"""Citizen pages: start an application, fill its steps, upload evidence, check and
submit, follow the case (status monitor), answer evidence requests."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from digitalstadt.accounts.types import AssuranceLevel
from digitalstadt.payments.selectors import payment_ways
from digitalstadt.catalog.selectors import service_by_slug
from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.ratelimit import hit

from . import selectors, services
from .models import OPEN_STATUSES, CaseEvent, CaseStatus
from .plugins.base import get_plugin
from .services import _as_form_data
from .uploads import max_upload_bytes

EVIDENCE_STEP = services.EVIDENCE_STEP
SUMMARY_STEP = "pruefen"


class UploadForm(forms.Form):
    evidence = forms.ChoiceField(label=_l("Welcher Nachweis?"))
    file = forms.FileField(label=_l("Datei (PDF, JPEG oder PNG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
                           error_messages={"required": _l("Bitte wählen Sie eine Datei aus.")})

    def __init__(self, *args, evidence_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [(str(e.pk), e.name) for e in evidence_items]


class SubmitForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label=_l("Ich versichere, dass meine Angaben vollständig und richtig sind."),
        error_messages={"required": _l("Bitte bestätigen Sie, dass Ihre Angaben richtig sind.")})


class AnswerForm(forms.Form):
    text = forms.CharField(label=_l("Ihre Nachricht an das Amt"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    files = forms.FileField(label=_l("Dateien (PDF, JPEG oder PNG)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))


def upload_guard(view):
    """Size and rate limits BEFORE anything reads the request body: the CSRF check
    would parse it and spool a huge upload to disk. CSRF is checked right after."""
    from functools import wraps

    from django.views.decorators.csrf import csrf_exempt, csrf_protect

    def limited(request, *args, **kwargs):
        # Counted only after the CSRF check: another site cannot use up the quota.
        if request.method == "POST" and not hit(scope="evidence-upload", key=str(request.user.pk), limit=60,
                                                 period=3600):
            messages.error(request, _("Zu viele Versuche. Bitte warten Sie etwas."))
            return redirect(request.path)
        return view(request, *args, **kwargs)

    protected = csrf_protect(limited)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and request.user.is_authenticated:
            from django.template.defaultfilters import filesizeformat

            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > max_upload_bytes() + 256 * 1024:
                messages.error(request, _("Die Datei ist zu groß (höchstens %(limit)s).") % {
                    "limit": filesizeformat(max_upload_bytes())})
                return redirect(request.path)
        return protected(request, *args, **kwargs)

    return wrapper


def _nav(application) -> list[dict]:
    """The steps for the progress bar, with done/current state."""
    plugin = get_plugin(application.plugin)
    keys = [(s.key, s.title) for s in plugin.steps()]
    if plugin.shows_evidence_step(data=application.data) and application.service.evidence.exists():
        keys.append((EVIDENCE_STEP, _l("Nachweise")))
    keys.append((SUMMARY_STEP, _l("Prüfen und absenden")))
    return [{"key": k, "title": t, "done": k in application.completed_steps} for k, t in keys]


def _step_url(application, key: str) -> str:
    if key == EVIDENCE_STEP:
        return reverse("applications:evidence", kwargs={"uuid": application.uuid})
    if key == SUMMARY_STEP:
        return reverse("applications:summary", kwargs={"uuid": application.uuid})
    return reverse("applications:step", kwargs={"uuid": application.uuid, "step": key})


def _next_key(application, key: str) -> str:
    keys = [n["key"] for n in _nav(application)]
    return keys[min(keys.index(key) + 1, len(keys) - 1)]


def _previous_key(application, key: str) -> str | None:
    keys = [n["key"] for n in _nav(application)]
    index = keys.index(key)
    return keys[index - 1] if index > 0 else None


def _draft_or_404(request, uuid):
    application = selectors.draft_of(user=request.user, uuid=uuid)
    if application is None:
        raise Http404
    return application


def _session_context(application, current: str) -> dict:
    nav = _nav(application)
    for number, item in enumerate(nav, start=1):
        item["number"] = number
        item["current"] = item["key"] == current
        item["url"] = _step_url(application, item["key"])
    return {"application": application, "nav": nav, "service": application.service,
            "session_seconds": settings.SESSION_COOKIE_AGE,
            "session_warning_seconds": getattr(settings, "SESSION_WARNING_SECONDS", 300)}


def start(request, slug):
    service = service_by_slug(slug=slug)
    if service is None:
        raise Http404
    plugin = get_plugin(service.slug)
    if plugin is None or not service.online_application:
        raise Http404
    level = AssuranceLevel(plugin.assurance_level)
    context = {"service": service, "plugin": plugin, "level": level,
               "needs_eid": level in (AssuranceLevel.EID_SUBSTANTIAL, AssuranceLevel.EID_HIGH),
               "evidence": service.evidence.all()}
    if request.user.is_authenticated:
        context["has_level"] = request.user.has_assurance(plugin.assurance_level)
        context["draft"] = selectors.drafts_of(user=request.user).filter(service=service).first()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            application = services.application_start(service=service, user=request.user)
        except PermissionDenied:
            messages.warning(request, _("Für diese Leistung müssen Sie Ihre Identität bestätigen "
                                        "(Vertrauensniveau: %(level)s).") % {"level": level.label})
            return redirect("accounts:overview")
        except ValidationError as exc:
            add_error_messages(request, exc)
            return redirect("catalog:detail", slug=service.slug)
        return redirect(_resume_url(application))
    context["payment_ways"] = payment_ways()
    return render(request, "applications/start.html", context)


def _resume_url(application) -> str:
    for item in _nav(application):
        if not item["done"] and item["key"] not in (SUMMARY_STEP,):
            if item["key"] == EVIDENCE_STEP and not selectors.missing_evidence(application=application):
                continue
            return _step_url(application, item["key"])
    return _step_url(application, SUMMARY_STEP)


@login_required
def resume(request, uuid):
    application = _draft_or_404(request, uuid)
    return redirect(_resume_url(application))


@login_required
def step(request, uuid, step):
    application = _draft_or_404(request, uuid)
    plugin = get_plugin(application.plugin)
    current = plugin.step(step)
    if current is None:
        raise Http404
    kwargs = plugin.form_kwargs(step=current, data=application.data, user=request.user)
    action = request.POST.get("action", "next")
    if request.method == "POST":
        form = current.form_class(request.POST, **kwargs)
        if action == "back" and not form.is_valid():
            previous = _previous_key(application, step)
            return redirect(_step_url(application, previous) if previous else
                            reverse("applications:start", kwargs={"slug": application.service.slug}))
        if form.is_valid():
            services.application_save_step(application=application, step_key=step, cleaned=form.cleaned_data,
                                           user=request.user)
            if action == "later":
                services.application_send_resume_link(application=application, user=request.user)
                messages.success(request, _("Ihre Angaben sind gespeichert. Wir haben Ihnen einen Link zum "
                                            "Weitermachen per E-Mail geschickt."))
                return redirect("applications:mine")
            if action == "back":
                previous = _previous_key(application, step)
                return redirect(_step_url(application, previous) if previous else
                                reverse("applications:start", kwargs={"slug": application.service.slug}))
            return redirect(_step_url(application, _next_key(application, step)))
    else:
        stored = application.data.get(step)
        if stored is not None:
            form = current.form_class(initial=stored, **kwargs)
            if step in application.completed_steps:
                # Show what became invalid since (e.g. a pick-up day that filled up).
                bound = current.form_class(data=_as_form_data(current, stored), **kwargs)
                if not bound.is_valid():
                    form = bound
        else:
            form = current.form_class(initial=application.data.get("_prefill", {}).get(step, {}), **kwargs)
    context = _session_context(application, step)
    context.update(form=form, step=current,
                   **plugin.context(step=current, data=application.data, user=request.user))
    return render(request, "applications/step.html", context)


@login_required
@upload_guard
def evidence(request, uuid):
    application = _draft_or_404(request, uuid)
    plugin = get_plugin(application.plugin)
    if EVIDENCE_STEP not in [item["key"] for item in _nav(application)]:
        return redirect(_resume_url(application))  # nothing to prove for these answers
    items = list(application.service.evidence.all())
    offered = plugin.offered_evidence_names(data=application.data)
    if offered is not None:
        items = [e for e in items if e.name_de in offered or application.uploads.filter(evidence=e).exists()]
    required_ids = {e.pk for e in selectors.required_evidence(application=application)}
    form = UploadForm(evidence_items=items)
    if request.method == "POST":
        if request.POST.get("action") == "continue":
            missing = selectors.missing_evidence(application=application)
            if not missing:
                services.application_complete_evidence(application=application, user=request.user)
                return redirect(_step_url(application, SUMMARY_STEP))
            messages.error(request, _("Bitte laden Sie noch diese Nachweise hoch: %(names)s.") % {
                "names": ", ".join(e.name for e in missing)})
            return redirect("applications:evidence", uuid=application.uuid)
        form = UploadForm(request.POST, request.FILES, evidence_items=items)
        if form.is_valid():
            chosen = next(e for e in items if str(e.pk) == form.cleaned_data["evidence"])
            try:
                services.application_upload_evidence(application=application, evidence=chosen,
                                                     uploaded=form.cleaned_data["file"], user=request.user)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(request, _("Die Datei wurde hochgeladen."))
                return redirect("applications:evidence", uuid=application.uuid)
    uploads = application.uploads.select_related("document", "evidence")
    rows = [{"evidence": e, "required": e.pk in required_ids,
             "uploads": [u for u in uploads if u.evidence_id == e.pk]} for e in items]
    context = _session_context(application, EVIDENCE_STEP)
    context.update(form=form, rows=rows, max_bytes=max_upload_bytes())
    # A refused upload (wrong type, too large, no file) is a client error, not a page.
    return render(request, "applications/evidence.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def evidence_remove(request, uuid, upload_id):
    application = _draft_or_404(request, uuid)
    upload = get_object_or_404(application.uploads, pk=upload_id)
    services.application_remove_upload(upload=upload, user=request.user)
    messages.success(request, _("Die Datei wurde entfernt."))
    return redirect("applications:evidence", uuid=application.uuid)


@login_required
def summary(request, uuid):
    application = _draft_or_404(request, uuid)
    plugin = get_plugin(application.plugin)
    data = {k: v for k, v in application.data.items() if not k.startswith("_")}
    form = SubmitForm(request.POST or None)
    problems = services.revalidate(application=application, user=request.user)
    missing_steps = selectors.missing_steps(application=application)
    fee_error = ""
    quote = None
    if not missing_steps and not problems:
        try:
            quote = plugin.fee(service=application.service, data=data, day=timezone.localdate())
        except ValidationError as exc:
            fee_error = " ".join(exc.messages)
    fingerprint = services.application_fingerprint(application=application,
                                                   fee_cents=quote.total_cents if quote else None)
    if request.method != "POST":
        form = SubmitForm(initial={"fingerprint": fingerprint})
    if request.method == "POST" and form.is_valid():
        if not hit(scope="applications-submit", key=str(request.user.pk), limit=20, period=3600):
            messages.error(request, _("Zu viele Versuche. Bitte warten Sie etwas."))
        else:
            try:
                case = services.application_submit(application=application, user=request.user,
                                                   fingerprint=form.cleaned_data["fingerprint"] or None)
            except ValidationError as exc:
                add_error_messages(request, exc)
            except PermissionDenied:
                messages.error(request, _("Für diese Leistung reicht das Vertrauensniveau Ihres Kontos nicht aus."))
            else:
                messages.success(request, _("Ihr Antrag ist eingegangen. Aktenzeichen: %(ref)s") % {
                    "ref": case.reference})
                return redirect("applications:case", reference=case.reference)
    if form.is_bound:
        # The page shows the current summary again: the form carries its fingerprint.
        form.data = form.data.copy()
        form.data["fingerprint"] = services.application_fingerprint(
            application=application, fee_cents=quote.total_cents if quote else None)
    context = _session_context(application, SUMMARY_STEP)
    uploads = application.uploads.select_related("document", "evidence")
    context.update(form=form, sections=plugin.summary(data=data, user=request.user), quote=quote,
                   fee_error=fee_error, problems=[str(plugin.step(k).title) for k in problems],
                   problem_urls=[(str(plugin.step(k).title), _step_url(application, k)) for k in problems],
                   missing_steps=[(str(plugin.step(k).title), _step_url(application, k)) for k in missing_steps],
                   missing_evidence=selectors.missing_evidence(application=application), uploads=uploads,
                   waits_for_payment=plugin.waits_for_payment, automatic=plugin.automatic_decision,
                   charges_tax=plugin.charges_tax,
                   charge_note=plugin.charge_note(service=application.service, data=data, day=timezone.localdate())
                   if plugin.charges_tax and not missing_steps and not problems else "",
                   payment_ways=payment_ways() if plugin.waits_for_payment else "")
    status = 400 if request.method == "POST" else 200
    return render(request, "applications/summary.html", context, status=status)


@login_required
def discard(request, uuid):
    application = _draft_or_404(request, uuid)
    if request.method == "POST":
        services.application_discard(application=application, user=request.user)
        messages.success(request, _("Der Entwurf wurde gelöscht."))
        return redirect("applications:mine")
    return render(request, "applications/discard.html", {"application": application})


@login_required
def mine(request):
    return render(request, "applications/mine.html", {
        "drafts": selectors.drafts_of(user=request.user),
        "cases": selectors.cases_of(user=request.user),
    })


@login_required
@upload_guard
def case_detail(request, reference):
    case = selectors.case_of_applicant(user=request.user, reference=reference)
    if case is None:
        raise Http404
    open_request = case.evidence_requests.filter(answered_at__isnull=True).first()
    form = AnswerForm()
    if request.method == "POST" and open_request is not None:
        form = AnswerForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.evidence_request_answer(request=open_request, text=form.cleaned_data["text"],
                                                 files=request.FILES.getlist("files"), user=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Ihre Antwort ist beim Amt eingegangen."))
                return redirect("applications:case", reference=case.reference)
    events = list(case.events.filter(is_public=True))
    cancel_until = services.case_cancellable_until(case=case)
    state = _live_state(case, events, open_request=open_request, cancellable=cancel_until is not None)
    if request.htmx and request.GET.get("live"):
        since = request.GET.get("since", "")
        if since == state:
            return HttpResponse(status=204)  # unchanged: htmx keeps the page as it is
        if open_request is not None and not since.endswith(f".r{open_request.pk}"):
            # A new request for evidence brings its answer form: the whole page, once
            # (nothing typed can be lost, the form was not there).
            return HttpResponse(headers={"HX-Refresh": "true"})
        template = "applications/_case_live.html"
    else:
        template = "applications/case.html"
    live_url = ""
    if case.status in OPEN_STATUSES:
        live_url = f"{request.path}?{urlencode({'live': 1, 'since': state})}"
    plugin = get_plugin(case.plugin)
    return render(request, template, {
        "cancel_until": cancel_until, "facts": plugin.case_facts(case=case) if plugin else [],
        "cancel_label": plugin.cancel_label if plugin else "",
        "case": case, "events": events, "stages": _stages(case), "open_request": open_request, "form": form,
        "uploads": case.uploads.select_related("document", "evidence"),
        "tax_payment": case.result.get("tax_payment"), "live_url": live_url, "live_seconds": LIVE_SECONDS,
    }, status=400 if form.errors else 200)


# The case page asks for news this often while the case can still change (htmx
# polling: the platform's one way for live parts, decision in docs/decisions).
LIVE_SECONDS = 5


def _live_state(case, events, *, open_request=None, cancellable=False) -> str:
    """What the live part shows, as a short token: unchanged token, nothing to swap."""
    outstanding = case.payment.outstanding_cents if case.payment_id else 0
    return (f"{case.status}.{len(events)}.{case.decision_id or 0}.{case.receipt_id or 0}.{outstanding}"
            f".{int(cancellable)}.r{open_request.pk if open_request else 0}")


@login_required
def after_move(request, reference):
    """"Nach dem Umzug": what the move affects, on one page, with the data prefilled."""
    from digitalstadt.register.registry import followups_for
    from digitalstadt.register.selectors import last_move

    case = selectors.case_of_applicant(user=request.user, reference=reference)
    if case is None or case.plugin != "ummeldung" or case.status != CaseStatus.APPROVED:
        raise Http404
    move = last_move(user=request.user, case_reference=case.reference)
    if move is None:
        raise Http404
    items = followups_for(user=request.user, move=move)
    return render(request, "applications/after_move.html", {
        "case": case, "move": move, "todo": [i for i in items if not i.done], "done": [i for i in items if i.done]})


@login_required
def case_withdraw(request, reference):
    case = selectors.case_of_applicant(user=request.user, reference=reference)
    if case is None:
        raise Http404
    if request.method == "POST":
        try:
            services.case_withdraw(case=case, user=request.user)
        except ValidationError as exc:
            add_error_messages(request, exc)
        else:
            messages.success(request, _("Sie haben den Antrag zurückgezogen. Die Gebühr wurde storniert."))
        return redirect("applications:case", reference=case.reference)
    return render(request, "applications/withdraw.html", {"case": case})


@login_required
def case_cancel(request, reference):
    """Cancel online (e.g. a booked pick-up) until the plugin's deadline: a confirm page,
    then POST. After the deadline the page says why, and a POST is refused."""
    case = selectors.case_of_applicant(user=request.user, reference=reference)
    if case is None:
        raise Http404
    plugin = get_plugin(case.plugin)
    if plugin is None or not plugin.cancel_label:
        raise Http404
    if request.method == "POST":
        try:
            services.case_cancel(case=case, user=request.user)
        except ValidationError as exc:
            add_error_messages(request, exc)
        else:
            messages.success(request, _("Sie haben abgesagt. Eine Bestätigung ist in Ihrem Postfach."))
        return redirect("applications:case", reference=case.reference)
    deadline = services.case_cancellable_until(case=case)
    return render(request, "applications/cancel.html", {
        "case": case, "cancel_label": plugin.cancel_label, "cancel_until": deadline,
        "description": plugin.cancel_description(case=case) if deadline else "",
        "refused": "" if deadline else (
            plugin.cancel_refused_message(case=case) if case.status in services.CANCELLABLE_STATUSES
            else _("Dieser Vorgang ist bereits abgeschlossen oder abgesagt."))})


def _stages(case) -> list[dict]:
    """The parcel-tracking bar: submitted -> paid -> in review -> decided."""
    events = list(case.events.values_list("kind", "status_to"))
    reached = {kind for kind, _ in events} | {status for _, status in events}
    decided = case.status in (CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.CLOSED)
    stages = [{"label": _l("Eingegangen"), "done": True}]
    if case.payment_id:
        stages.append({"label": _l("Bezahlt"), "done": CaseEvent.Kind.PAYMENT in reached or (
            case.status != CaseStatus.AWAITING_PAYMENT)})
    # In review is the current step until the decision (not "done" and Entschieden
    # current); while the office waits for a document, that wait is the current step.
    stages.append({"label": _l("In Bearbeitung"), "done": decided})
    if case.status == CaseStatus.EVIDENCE_REQUESTED:
        stages[-1]["label"] = _l("Wartet auf Ihren Nachweis")
    stages.append({"label": _l("Entschieden"), "done": decided})
    current = next((i for i, s in enumerate(stages) if not s["done"]), None)
    for index, stage in enumerate(stages):
        stage["current"] = index == current
    return stages


@login_required
@require_POST
def keepalive(request):
    """The session warning's "stay signed in" button: touching the session renews it."""
    request.session["keepalive"] = timezone.now().isoformat()
    return JsonResponse({"seconds": settings.SESSION_COOKIE_AGE})
