"""What a service plugin declares: its form steps, prefill, checks, fee, decision.

A plugin is code; rates, fees, zones and texts it uses are data (catalog fees with a
code and validity period, the register). One plugin per service slug, registered with
`@register`. The engine (applications.services) calls only the methods below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from digitalstadt.accounts.types import AssuranceLevel
from digitalstadt.core.registry import Registry

# One plugin per service slug. Every registered plugin is enabled: a service is offered
# online when the catalogue marks it so and its plugin exists.
service_plugins: Registry["ServicePlugin"] = Registry("service_plugins", id_attr="slug",
                                                      description="online services (applications)")


def register(cls: type["ServicePlugin"]) -> type["ServicePlugin"]:
    return service_plugins.register(cls)


def get_plugin(slug: str) -> "ServicePlugin | None":
    return service_plugins.get(slug)


@dataclass(frozen=True)
class Step:
    key: str
    title: Any
    form_class: type[forms.Form]
    intro: Any = ""


@dataclass
class FeeLine:
    label: str
    amount_cents: int


@dataclass
class FeeQuote:
    lines: list[FeeLine] = field(default_factory=list)
    is_demo: bool = False

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    def as_json(self) -> list[dict]:
        return [{"label": line.label, "amount_cents": line.amount_cents} for line in self.lines]


def to_json(value: Any) -> Any:
    """A cleaned form value as JSON (dates as ISO strings, decimals as strings)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    return value


def display_value(form_field: forms.Field, value: Any) -> str:
    """How a stored value reads in the summary and in the case file."""
    if value in (None, "", []):
        return "–"
    if isinstance(form_field, forms.BooleanField):
        return _("Ja") if value else _("Nein")
    if isinstance(form_field, forms.ChoiceField):
        choices = {str(k): v for k, v in form_field.choices}
        if isinstance(value, list):
            return ", ".join(str(choices.get(str(v), v)) for v in value)
        return str(choices.get(str(value), value))
    if isinstance(form_field, forms.DateField):
        try:
            return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


class ServicePlugin:
    slug: ClassVar[str]
    # The identity assurance the service needs (AssuranceLevel value).
    assurance_level: ClassVar[str] = AssuranceLevel.EMAIL
    # Processing starts only when the fee is paid.
    waits_for_payment: ClassVar[bool] = True
    # The decision is issued without a case worker once the case is ready (paid).
    automatic_decision: ClassVar[bool] = False
    # What the citizen pays is a tax assessed in the decision (e.g. the dog tax), not a
    # fee: pages then say "Steuer", never "Gebühren".
    charges_tax: ClassVar[bool] = False
    # Evidence uploads as a step (the list comes from the catalogue's evidence).
    asks_for_evidence: ClassVar[bool] = True
    decision_template: ClassVar[str] = "applications/pdf/decision_generic.html"
    decision_document_type: ClassVar[str] = "Bescheid"
    decision_title: ClassVar[str] = "Bescheid"
    # The letter's subject line; default "<title>: <service name>".
    decision_subject: ClassVar[str] = ""

    def steps(self) -> list[Step]:
        raise NotImplementedError

    def shows_evidence_step(self, *, data: dict) -> bool:
        """Whether the upload step is part of this application (e.g. only when the
        answers so far need a proof)."""
        return self.asks_for_evidence

    def offered_evidence_names(self, *, data: dict) -> set[str] | None:
        """The catalogue evidence (German names) the upload step offers; None: all."""
        return None

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps() if s.key == key), None)

    # --- forms -------------------------------------------------------------------

    def prefill(self, *, user: Any) -> dict[str, dict]:
        """Initial values per step from the account (and the register where linked)."""
        return {}

    def form_kwargs(self, *, step: Step, data: dict, user: Any) -> dict:
        """Extra keyword arguments for a step's form (e.g. choices that depend on
        earlier steps)."""
        return {}

    def context(self, *, step: Step, data: dict, user: Any) -> dict:
        """Extra template context for a step (e.g. the register record shown read-only)."""
        return {}

    def check(self, *, data: dict, user: Any, day: dt.date) -> None:
        """Checks across steps before submission; raise ValidationError with a message
        the citizen understands."""

    def summary(self, *, data: dict, user: Any) -> list[tuple[str, list[tuple[str, str]]]]:
        """(step title, [(label, value)]) for the summary and the case file."""
        sections = []
        for step in self.steps():
            stored = data.get(step.key, {})
            form = step.form_class(**self.form_kwargs(step=step, data=data, user=user))
            rows = [(str(f.label), display_value(f, stored.get(name))) for name, f in form.fields.items()
                    if name in stored]
            rows += self.extra_summary(step=step, data=data)
            sections.append((str(step.title), rows))
        return sections

    def extra_summary(self, *, step: Step, data: dict) -> list[tuple[str, str]]:
        return []

    # --- money -------------------------------------------------------------------

    def fee(self, *, service: Any, data: dict, day: dt.date) -> FeeQuote:
        """What the application costs, from the catalogue's dated fees."""
        return FeeQuote()

    def charge_note(self, *, service: Any, data: dict, day: dt.date) -> str:
        """For a tax (`charges_tax`): what the summary's box says instead of the fees."""
        return ""

    def fee_line(self, *, service: Any, code: str, day: dt.date, label: str | None = None,
                 quote: FeeQuote) -> FeeLine:
        from digitalstadt.catalog.selectors import fee_for

        fee = fee_for(service=service, code=code, day=day)
        if fee is None:
            raise ValidationError(_("Für diese Leistung ist zurzeit keine Gebühr hinterlegt. "
                                    "Bitte wenden Sie sich an das Amt."))
        quote.is_demo = quote.is_demo or fee.is_demo
        line = FeeLine(label=label or fee.label_de, amount_cents=fee.amount_cents)
        quote.lines.append(line)
        return line

    # --- lifecycle -----------------------------------------------------------------

    def address(self, *, data: dict, user: Any) -> dict:
        """The postal address for letters: the register record, else the first step
        that asks for street, house number and postal code."""
        from django.conf import settings

        from digitalstadt.register.selectors import resident_for_user

        resident = resident_for_user(user=user)
        if resident is not None:
            return {"line": resident.address_line, "city_line": resident.city_line}
        for values in data.values():
            if isinstance(values, dict) and values.get("street") and values.get("house_number"):
                town = values.get("city") or settings.CITY_TOWN
                return {"line": f"{values['street']} {values['house_number']}",
                        "city_line": f"{values.get('postal_code', '')} {town}".strip()}
        return {}

    def applicant_name(self, *, data: dict, user: Any) -> str:
        return user.get_full_name() or user.email

    def on_submit(self, *, case: Any) -> None:
        """Inside the submitting transaction (e.g. take a scarce place under a lock).
        Raise ValidationError to refuse; nothing is saved then."""

    def result_on_submit(self, *, case: Any) -> dict:
        """Service results computed at submission (stored on the case)."""
        return {}

    def on_approved(self, *, case: Any, actor: Any) -> None:
        """After an approval, before the decision is rendered (e.g. create the permit)."""

    def on_decision_issued(self, *, case: Any, document: Any, approved: bool, actor: Any) -> None:
        """After the sealed decision exists (e.g. link it to the permit)."""

    def on_rejected(self, *, case: Any, actor: Any) -> None:
        """After a rejection (e.g. give a reserved place back)."""

    def decision_context(self, *, case: Any) -> dict:
        return {}

    def decision_options(self, *, case: Any) -> list[tuple[str, Any]]:
        """Choices a case worker may add to an approval (key, label), e.g. granting the
        application without a reduction whose proof does not hold."""
        return []

    def apply_decision_options(self, *, case: Any, options: frozenset[str], reason: str) -> None:
        """Change the case's results for the chosen options, before `on_approved`."""

    def case_facts(self, *, case: Any) -> list[tuple[str, str]]:
        """What the citizen most wants to see on the case page (label, value), e.g. the
        pick-up day."""
        return []

    def decision_message(self, *, case: Any) -> tuple[str, dict] | None:
        """A paragraph for the approval's Postfach message: (gettext_noop format string,
        values), translated into the applicant's language when sent."""
        return None

    def rejection_allowed(self) -> bool:
        return True

    # --- before approval and after it ------------------------------------------------

    def approval_checks(self, *, case: Any) -> list[tuple[str, str]]:
        """Warnings that stop an approval until a case worker resolves them: (stable key,
        German message), e.g. an applied address that differs from the register."""
        return []

    def revocable(self, *, case: Any) -> bool:
        """Whether what the approval granted can still be revoked (e.g. a permit)."""
        return False

    def revoke(self, *, case: Any, reason: str, actor: Any) -> None:
        """Revoke what the approval granted."""
        raise NotImplementedError

    # --- cancellation by the applicant (e.g. a booked pick-up) ---------------------------

    # The button on the case page; empty: the service cannot be cancelled online.
    cancel_label: ClassVar[Any] = ""

    def cancellable_until(self, *, case: Any) -> dt.datetime | None:
        """Until when the applicant may cancel the case online (None: not at all)."""
        return None

    def cancel_description(self, *, case: Any) -> str:
        """What cancelling ends, in one sentence for the confirm page."""
        return ""

    def cancel_refused_message(self, *, case: Any) -> str:
        """Why cancelling online is no longer possible, and what to do instead."""
        return _("Dieser Vorgang kann nicht mehr online abgesagt werden. Bitte wenden Sie sich an das Amt.")

    def on_cancelled(self, *, case: Any, actor: Any) -> None:
        """Inside the cancelling transaction: give back what the case holds (e.g. a place)."""
