"""The audit log's catalogue: every action key a write uses is registered with a label,
an unknown key is refused, and the audit log page shows the labels."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

from digitalstadt.accounts.models import StaffRoleKind
from digitalstadt.core.audit import audit_log
from digitalstadt.core.models import AuditEntry
from digitalstadt.core.registry import audit_actions

from .conftest import full_login, make_user

SRC = Path(__file__).resolve().parents[2]  # src/digitalstadt

# Calls whose action is not a literal, each with the keys it can write (enumerated in
# the tests below). A new dynamic call site fails the AST test until it is listed here.
DYNAMIC_CALL_SITES = {
    ("appointments/office_services.py", "location_changed"),  # f"appointments.{what}"
    ("core/admin.py", "admin_audit"),  # "admin.created" | "admin.changed" | "admin.deleted"
    ("marketplace/order_services.py", "_audit"),  # _audit(actor, "marketplace.<literal>", ...)
    ("delivery/courier_services.py", "_audit"),  # _audit(actor, "delivery.<literal>", job, ...)
}


def _source_files():
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


class _AuditCalls(ast.NodeVisitor):
    def __init__(self) -> None:
        self.functions: list[str] = ["<module>"]
        self.found: list[tuple[str, ast.Call]] = []

    def visit_FunctionDef(self, node) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        if _called_name(node) in ("audit_log", "admin_audit"):
            self.found.append((self.functions[-1], node))
        self.generic_visit(node)


def _audit_calls():
    """(file, innermost enclosing function, call) for every audit_log(...) and admin_audit(...) call."""
    for path in _source_files():
        visitor = _AuditCalls()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for function, call in visitor.found:
            yield str(path.relative_to(SRC)), function, call


def _action_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "action":
            return keyword.value
    if _called_name(call) == "admin_audit" and len(call.args) >= 3:
        return call.args[2]
    return None


def test_every_literal_action_key_in_the_code_is_in_the_catalogue():
    literal, dynamic, unregistered = set(), set(), []
    for filename, function, call in _audit_calls():
        value = _action_argument(call)
        if value is None:
            continue  # a definition's own parameter list, not a call with an action
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            literal.add(value.value)
            if audit_actions.registered(value.value) is None:
                unregistered.append(f"{filename}:{call.lineno} {value.value!r}")
        else:
            dynamic.add((filename, function))
    assert not unregistered, "audit actions written but not registered: " + ", ".join(unregistered)
    assert len(literal) > 70  # the parser really found the calls
    assert dynamic == DYNAMIC_CALL_SITES


def test_the_dynamic_keys_are_in_the_catalogue():
    from digitalstadt.appointments.office_views import FORMS

    keys = ["appointments.location_changed", "admin.created", "admin.changed", "admin.deleted"]
    keys += [f"appointments.{kind}_{change}" for kind in FORMS for change in ("added", "removed")]
    import re

    orders = (SRC / "marketplace" / "order_services.py").read_text(encoding="utf-8")
    helper_keys = re.findall(r'_audit\(\s*\w+,\s*"([a-z_.]+)"', orders)
    assert len(helper_keys) >= 4  # the pattern really found the helper's calls
    keys += helper_keys
    assert [key for key in keys if audit_actions.registered(key) is None] == []


def test_every_action_has_a_label_and_the_ids_follow_one_pattern():
    import re

    for key, label in audit_actions.choices():
        assert re.fullmatch(r"[a-z_]+\.[a-z_0-9]+", key), key
        assert str(label).strip() and str(label) != key, key


@pytest.mark.django_db
def test_an_unknown_action_key_is_refused_and_nothing_is_written():
    with pytest.raises(ValueError, match="'appointments.made_up'"):
        audit_log(actor=None, system="test", action="appointments.made_up")
    assert not AuditEntry.objects.filter(action="appointments.made_up").exists()


@pytest.fixture
def platform_admin(client, db):
    make_user("plattform@darmstadt.example", role=StaffRoleKind.PLATFORM_ADMIN, totp=True)
    full_login(client, "plattform@darmstadt.example")
    return client


def _entries():
    audit_log(actor=None, system="appointments", action="booking.held")
    audit_log(actor=None, system="appointments", action="booking.cancelled")
    audit_log(actor=None, system="queue", action="queue.called")


def test_the_audit_log_page_shows_labels_with_the_key_and_filters_by_a_select(platform_admin):
    _entries()

    page = platform_admin.get("/verwaltung/protokoll/").content.decode()

    assert "Termin vorgemerkt" in page and "<code class=\"kern-body--small\">booking.held</code>" in page
    assert '<label class="kern-label" for="aktion">' in page
    assert '<select class="kern-form-input__select" id="aktion" name="aktion">' in page
    assert '<option value="booking.held">Termin vorgemerkt</option>' in page
    # Options sorted by label, umlauts next to their letter ("Öffnungszeit" among the Os, not after Z).
    assert page.index(">Öffnungszeit hinzugefügt</option>") < page.index(">Online-Antrag begonnen</option>") \
        < page.index(">Organisation angelegt</option>") < page.index(">Zahlung erstattet</option>")

    exact = platform_admin.get("/verwaltung/protokoll/?aktion=booking.held").content.decode()
    assert '<option value="booking.held" selected>' in exact
    assert "booking.held</code>" in exact and "booking.cancelled</code>" not in exact


def test_the_old_prefix_filter_still_works_and_stays_visible(platform_admin):
    _entries()

    page = platform_admin.get("/verwaltung/protokoll/?aktion=booking.").content.decode()

    assert "booking.held</code>" in page and "booking.cancelled</code>" in page
    assert "queue.called</code>" not in page
    assert '<option value="booking." selected>Schlüssel beginnt mit „booking.“</option>' in page


def test_the_audit_log_page_shows_labels_in_the_users_language(platform_admin):
    _entries()

    page = platform_admin.get("/en/verwaltung/protokoll/").content.decode()

    with translation.override("en"):
        label = str(audit_actions.registered("booking.held").label)
    assert label != "Termin vorgemerkt"
    assert f"{label}<br><code" in page
