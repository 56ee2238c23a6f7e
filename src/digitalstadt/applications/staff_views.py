"""Case work (Sachbearbeitung): the office inbox and the case page with its actions.
Every open of a case page is an audited staff read of personal data."""

from __future__ import annotations

import json
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from digitalstadt.catalog.selectors import online_application_services
from digitalstadt.core.audit import audit_log
from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.permissions import staff_required
from digitalstadt.core.ratelimit import client_ip

from . import selectors, services
from .models import CaseStatus
from .plugins.base import get_plugin


def case_worker_required(view):
    @wraps(view)
    @staff_required
    def wrapper(request, *args, **kwargs):
        if not selectors.is_case_worker(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class InboxFilterForm(forms.Form):
    hide_optional = True  # filters are all optional: no "optional" marker on each
    status = forms.ChoiceField(label=_l("Status"), required=False, choices=[
        ("open", _l("alle offenen")), ("", _l("alle")), ("decided", _l("entschieden")),
        *CaseStatus.choices])
    service = forms.ChoiceField(label=_l("Leistung"), required=False)
    assigned = forms.ChoiceField(label=_l("Zuständig"), required=False, choices=[
        ("", _l("alle")), ("me", _l("ich")), ("none", _l("niemand"))])
    overdue = forms.BooleanField(label=_l("nur überfällige"), required=False)
    answered = forms.BooleanField(label=_l("Antwort eingegangen"), required=False)
    q = forms.CharField(label=_l("Aktenzeichen oder Name"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slugs = list(online_application_services())
        self.fields["service"].choices = [("", _l("alle"))] + [(s.slug, s.name) for s in slugs]


class CasePageForm(forms.Form):
    """The case page holds several forms with same-named fields (text, due_date): each
    form gets its own id prefix, so ids stay unique and every label names its own field."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class AssignForm(CasePageForm):
    id_prefix = "assign"
    assignee = forms.ChoiceField(label=_l("Zuständig"), required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(selectors.case_workers_for(case=case))
        self.fields["assignee"].choices = [("", _l("niemand"))] + [
            (str(p.pk), p.get_full_name() or p.email) for p in self.people]


class NoteForm(CasePageForm):
    id_prefix = "note"
    text = forms.CharField(label=_l("Interne Notiz"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _l("Bitte geben Sie einen Text für die Notiz ein.")})


class DueDateForm(CasePageForm):
    id_prefix = "due"
    due_date = forms.DateField(label=_l("Frist"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"invalid": _l("Bitte geben Sie ein gültiges Datum an.")})


def _block_choices(case, kind):
    if case is None:
        return [("", _l("keiner"))]
    return [("", _l("keiner"))] + [(str(b.pk), b.title) for b in services.text_blocks(plugin=case.plugin, kind=kind)]


class EvidenceRequestForm(CasePageForm):
    id_prefix = "request"
    block = forms.ChoiceField(label=_l("Textbaustein"), required=False,
                              help_text=_l("Wird vor Ihren Text gesetzt."))
    text = forms.CharField(label=_l("Was fehlt? (geht an die antragstellende Person)"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}), required=False)
    due_date = forms.DateField(label=_l("Antwort bis"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"invalid": _l("Bitte geben Sie ein gültiges Datum an.")})

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["block"].choices = _block_choices(case, "request")

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                cleaned["text"] = services.with_text_block(plugin=self.case.plugin, kind="request",
                                                           block_id=cleaned.get("block"), text=cleaned.get("text", ""))
            except ValidationError as exc:
                self.add_error("block", exc)
                return cleaned
            if not cleaned["text"]:
                self.add_error("text", _l("Bitte beschreiben Sie, welcher Nachweis fehlt."))
        return cleaned


class DecisionForm(CasePageForm):
    id_prefix = "decision"
    outcome = forms.ChoiceField(label=_l("Entscheidung"), widget=forms.RadioSelect, choices=[
        ("approve", _l("bewilligen")), ("reject", _l("ablehnen"))],
        error_messages={"required": _l("Bitte wählen Sie bewilligen oder ablehnen.")})
    block = forms.ChoiceField(label=_l("Textbaustein für die Begründung"), required=False,
                              help_text=_l("Wird vor Ihren Text gesetzt."))
    reason = forms.CharField(label=_l("Begründung (bei Ablehnung Pflicht, erscheint im Bescheid)"), required=False,
                             max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, options=(), case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["block"].choices = _block_choices(case, "decision")
        for key, label in options:  # the plugin's choices for an approval (decision_options)
            self.fields[f"option_{key}"] = forms.BooleanField(label=label, required=False)

    def clean(self):
        cleaned = super().clean()
        if self.case is not None and "block" in cleaned:
            try:
                cleaned["reason"] = services.with_text_block(plugin=self.case.plugin, kind="decision",
                                                             block_id=cleaned.get("block"),
                                                             text=cleaned.get("reason", ""))
            except ValidationError as exc:
                self.add_error("block", exc)
        if cleaned.get("outcome") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _l("Eine Ablehnung braucht eine Begründung."))
        chosen = self.chosen_options()
        if chosen and cleaned.get("outcome") == "approve" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _l("Bitte begründen Sie die Entscheidung; sie erscheint im Bescheid."))
        return cleaned

    def chosen_options(self) -> frozenset[str]:
        data = getattr(self, "cleaned_data", {})
        return frozenset(name.removeprefix("option_") for name, value in data.items()
                         if name.startswith("option_") and value)


@case_worker_required
def inbox(request):
    form = InboxFilterForm(request.GET or {"status": "open"})
    filters = form.cleaned_data if form.is_valid() else {"status": "open"}
    cases = selectors.inbox(user=request.user, status=filters.get("status", ""),
                            service=filters.get("service", ""), assigned=filters.get("assigned", ""),
                            overdue=bool(filters.get("overdue")), query=filters.get("q", ""),
                            answered=bool(filters.get("answered")))
    page = Paginator(cases, 50).get_page(request.GET.get("seite"))
    # The list shows applicants' names: a staff read of personal data.
    audit_log(actor=request.user, action="applications.inbox_viewed",
              data={"filters": {k: str(v) for k, v in filters.items() if v}, "count": page.paginator.count},
              ip_address=client_ip(request))
    from django.utils import timezone

    return render(request, "applications/staff/inbox.html", {
        "form": form, "page": page, "today": timezone.localdate()})


def _case_or_404(request, reference):
    case = selectors.case_for_staff(user=request.user, reference=reference)
    if case is None:
        raise Http404
    return case


@case_worker_required
def case_detail(request, reference):
    case = _case_or_404(request, reference)
    audit_log(actor=request.user, action="applications.case_viewed_by_staff", subject=case,
              data_subject=case.applicant, ip_address=client_ip(request))
    return _render_case(request, case)


def _decision_options(case) -> list:
    plugin = get_plugin(case.plugin)
    return plugin.decision_options(case=case) if plugin else []


def _render_case(request, case, status=200, **forms_):
    plugin = get_plugin(case.plugin)
    context = {
        "case": case, "sections": plugin.summary(data=case.data, user=case.applicant),
        "events": case.events.select_related("actor"), "uploads": case.uploads.select_related("document", "evidence"),
        "requests": case.evidence_requests.all(),
        "assign_form": forms_.get("assign_form") or AssignForm(case=case, initial={
            "assignee": str(case.assigned_to_id or "")}),
        "note_form": forms_.get("note_form") or NoteForm(),
        "due_form": forms_.get("due_form") or DueDateForm(initial={"due_date": case.due_date}),
        "request_form": forms_.get("request_form") or EvidenceRequestForm(case=case),
        "decision_form": forms_.get("decision_form") or DecisionForm(options=_decision_options(case), case=case),
        "transitions": [(s, TRANSITION_LABELS[s]) for s in sorted(services.MANUAL_TRANSITIONS.get(case.status, ()))],
        "blockers": services.approval_blockers(case=case),
        "revocable": bool(plugin and plugin.revocable(case=case)),
        "four_eyes": services.four_eyes_required(plugin=case.plugin),
        "can_decide": case.status in (CaseStatus.RECEIVED, CaseStatus.IN_REVIEW, CaseStatus.EVIDENCE_REQUESTED),
        "can_request": case.status in (CaseStatus.RECEIVED, CaseStatus.IN_REVIEW),
        "has_export": "export" in case.result,
        "revoke_form": forms_.get("revoke_form") or RevokeForm(),
        "resolve_forms": [(text, ResolveForm(initial={"key": key}, auto_id=f"id_resolve{i}_%s"))
                          for i, (key, text) in enumerate(services.approval_blockers(case=case))],
        "result": case.result,
    }
    return render(request, "applications/staff/case.html", context, status=status)


# Buttons say what they do (not the status they lead to).
TRANSITION_LABELS = {
    CaseStatus.IN_REVIEW: _l("Bearbeitung beginnen"),
    CaseStatus.RECEIVED: _l("Zurück in den Eingang legen"),
    CaseStatus.CLOSED: _l("Vorgang abschließen"),
}
TRANSITION_EXPLAINED = {
    CaseStatus.IN_REVIEW: _l("Der Vorgang wird „in Bearbeitung“; die antragstellende Person erhält eine Nachricht."),
    CaseStatus.RECEIVED: _l("Der Vorgang geht zurück in den Eingang; die antragstellende Person erhält eine "
                            "Nachricht."),
    CaseStatus.CLOSED: _l("Der Vorgang wird abgeschlossen und kann danach nicht mehr bearbeitet werden; die "
                          "antragstellende Person erhält eine Nachricht."),
}


def _confirm(request, case, *, title, explanation, url_name, button, fields=(), preview="", danger=False):
    """The confirmation step of an action: what will happen, the same POST again with
    `confirmed`, or back to the case."""
    audit_log(actor=request.user, action="applications.case_viewed_by_staff", subject=case,
              data_subject=case.applicant, ip_address=client_ip(request))
    return render(request, "applications/staff/confirm.html", {
        "case": case, "title": title, "explanation": explanation, "button": button, "preview": preview,
        "action": reverse(url_name, kwargs={"reference": case.reference}), "danger": danger,
        "hidden": [(name, value) for name, value in fields if name not in ("csrfmiddlewaretoken", "confirmed")],
    })


def _confirmed(request) -> bool:
    return request.POST.get("confirmed") == "1"


def _action(view):
    """POST-only case action: forms re-render with 400 on bad input, service errors
    become messages; success redirects back to the case. A GET (the action's URL stays in
    the address bar after a form error: reload, back/forward, a copied link) leads back
    to the case page instead of a blank 405."""

    @wraps(view)
    @case_worker_required
    def wrapper(request, reference):
        case = _case_or_404(request, reference)
        if request.method != "POST":
            return redirect("staff-applications:case", reference=case.reference)
        try:
            result = view(request, case)
        except ValidationError as exc:
            add_error_messages(request, exc)
            return redirect("staff-applications:case", reference=case.reference)
        if isinstance(result, HttpResponse):  # a confirmation step, or a page to go on to
            return result
        if isinstance(result, dict):
            # The form is shown again with the whole case: a staff read like any other.
            audit_log(actor=request.user, action="applications.case_viewed_by_staff", subject=case,
                      data_subject=case.applicant, ip_address=client_ip(request))
            return _render_case(request, case, status=400, **result)
        return redirect("staff-applications:case", reference=case.reference)

    return wrapper


@_action
def assign(request, case):
    form = AssignForm(request.POST, case=case)
    if not form.is_valid():
        return {"assign_form": form}
    chosen = form.cleaned_data["assignee"]
    person = next((p for p in form.people if str(p.pk) == chosen), None)
    services.case_assign(case=case, assignee=person, actor=request.user)
    messages.success(request, _("Zuständigkeit gespeichert."))


@_action
def assign_me(request, case):
    services.case_assign(case=case, assignee=request.user, actor=request.user)
    messages.success(request, _("Der Vorgang ist Ihnen zugewiesen."))


@_action
def change_status(request, case):
    status = request.POST.get("status", "")
    if status not in TRANSITION_LABELS:
        raise ValidationError(_("Unbekannter Status."))
    if not _confirmed(request):
        return _confirm(request, case, title=TRANSITION_LABELS[status], explanation=TRANSITION_EXPLAINED[status],
                        url_name="staff-applications:status", button=TRANSITION_LABELS[status],
                        fields=[("status", status)])
    services.case_change_status(case=case, status=status, actor=request.user)
    messages.success(request, _("Status geändert. Die antragstellende Person wurde benachrichtigt."))


@_action
def add_note(request, case):
    form = NoteForm(request.POST)
    if not form.is_valid():
        return {"note_form": form}
    services.case_add_note(case=case, text=form.cleaned_data["text"], actor=request.user)
    messages.success(request, _("Notiz gespeichert."))


@_action
def set_due_date(request, case):
    form = DueDateForm(request.POST)
    if not form.is_valid():
        return {"due_form": form}
    services.case_set_due_date(case=case, due_date=form.cleaned_data["due_date"], actor=request.user)
    messages.success(request, _("Frist gespeichert."))


@_action
def request_evidence(request, case):
    form = EvidenceRequestForm(request.POST, case=case)
    if not form.is_valid():
        return {"request_form": form}
    if not _confirmed(request):
        return _confirm(request, case, title=_("Nachweis anfordern"), preview=form.cleaned_data["text"],
                        explanation=_("Diese Anforderung geht in das Postfach der antragstellenden Person. Die "
                                      "Bearbeitungsfrist ruht, bis die Antwort da ist."),
                        url_name="staff-applications:request-evidence", button=_("Anforderung senden"),
                        fields=[("block", ""), ("text", form.cleaned_data["text"]),
                                ("due_date", request.POST.get("due_date", ""))])
    services.case_request_evidence(case=case, text=form.cleaned_data["text"],
                                   due_date=form.cleaned_data["due_date"], actor=request.user)
    messages.success(request, _("Die Anforderung ist im Postfach der antragstellenden Person."))


@_action
def decide(request, case):
    """Draft the decision; the preview page shows the letter and sends it."""
    form = DecisionForm(request.POST, options=_decision_options(case), case=case)
    if not form.is_valid():
        return {"decision_form": form}
    approve = form.cleaned_data["outcome"] == "approve"
    services.case_draft_decision(case=case, approve=approve, reason=form.cleaned_data["reason"], actor=request.user,
                                 options=form.chosen_options() if approve else frozenset())
    return redirect("staff-applications:decision-preview", reference=case.reference)


@case_worker_required
def decision_preview(request, reference):
    case = _case_or_404(request, reference)
    if not case.decision_draft:
        messages.info(request, _("Es gibt keinen Entwurf für einen Bescheid."))
        return redirect("staff-applications:case", reference=case.reference)
    audit_log(actor=request.user, action="applications.case_viewed_by_staff", subject=case,
              data_subject=case.applicant, ip_address=client_ip(request))
    return render(request, "applications/staff/decision_preview.html", {
        "case": case, "draft": case.decision_draft, "preview": services.decision_preview(case=case),
        "problem": services.release_check(case=case, actor=request.user),
        "four_eyes": services.four_eyes_required(plugin=case.plugin)})


@_action
def send_decision(request, case):
    services.case_send_decision(case=case, actor=request.user)
    messages.success(request, _("Der Bescheid wurde erstellt, gesiegelt und zugestellt."))


@_action
def discard_draft(request, case):
    services.case_discard_draft(case=case, actor=request.user)
    messages.success(request, _("Der Entwurf wurde verworfen."))


class ResolveForm(CasePageForm):
    id_prefix = "resolve"
    key = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_l("Wie wurde das geklärt?"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _l("Bitte schreiben Sie auf, wie die Abweichung geklärt "
                                                          "wurde.")})


@_action
def resolve_check(request, case):
    form = ResolveForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Bitte schreiben Sie auf, wie die Abweichung geklärt wurde."))
    services.case_resolve_check(case=case, key=form.cleaned_data["key"], note=form.cleaned_data["note"],
                                actor=request.user)
    messages.success(request, _("Als geklärt vermerkt."))


class RevokeForm(CasePageForm):
    id_prefix = "revoke"
    reason = forms.CharField(label=_l("Grund des Widerrufs (geht an die antragstellende Person)"),
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _l("Bitte geben Sie einen Grund für den Widerruf an.")})


@_action
def revoke(request, case):
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return {"revoke_form": form}
    if not _confirmed(request):
        return _confirm(request, case, title=_("Bescheid widerrufen"), preview=form.cleaned_data["reason"],
                        explanation=_("Der Bewohnerparkausweis gilt danach nicht mehr; die Kontrolle sieht "
                                      "„widerrufen“. Die antragstellende Person erhält den Grund im Postfach."),
                        url_name="staff-applications:revoke", button=_("Endgültig widerrufen"), danger=True,
                        fields=[("reason", form.cleaned_data["reason"])])
    services.case_revoke_grant(case=case, reason=form.cleaned_data["reason"], actor=request.user)
    messages.success(request, _("Widerrufen. Die antragstellende Person wurde benachrichtigt."))


@case_worker_required
def case_document(request, reference, uuid):
    """Evidence, receipt or decision of a case, for the office (staff MFA applies here)."""
    from django.http import FileResponse

    from digitalstadt.core.services import document_open_for_staff

    case = _case_or_404(request, reference)
    document = selectors.case_document(case=case, uuid=uuid)
    if document is None:
        raise Http404
    document_open_for_staff(user=request.user, document=document, ip_address=client_ip(request))
    response = FileResponse(document.file.open("rb"), content_type=document.content_type,
                            as_attachment=request.GET.get("download") == "1", filename=document.filename)
    response["Cache-Control"] = "private, no-store"
    return response


@case_worker_required
def export(request, reference):
    case = _case_or_404(request, reference)
    if "export" not in case.result:
        raise Http404
    audit_log(actor=request.user, action="applications.case_exported", subject=case, data_subject=case.applicant,
              ip_address=client_ip(request))
    response = HttpResponse(json.dumps(case.result["export"], ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-gewerbeanzeige.json"'
    response["Cache-Control"] = "private, no-store"
    return response
