"""The one plugin registry: unique ids, enabled by settings, choices, a check hook; and
what the apps registered into it (staff work areas per role, retention policies)."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from digitalstadt.core import registry as core_registry
from digitalstadt.core.registry import Registry


@dataclass(frozen=True)
class Thing:
    id: str
    label: str


@pytest.fixture
def things():
    made = Registry("test_things", setting="TEST_THINGS")
    made.register(Thing("a", "Alpha"))
    made.register(Thing("b", "Beta"))
    yield made
    core_registry._ALL.pop("test_things")


def test_an_id_registered_twice_is_refused(things):
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        things.register(Thing("a", "Another alpha"))
    assert things.registered("a").label == "Alpha"


def test_a_second_registry_of_the_same_name_is_refused(things):
    with pytest.raises(ImproperlyConfigured):
        Registry("test_things")


def test_only_the_entries_named_in_the_setting_are_enabled_in_its_order(things):
    with override_settings(TEST_THINGS=["b"]):
        assert [t.id for t in things.all()] == ["b"]
        assert things.get("a") is None and things.get("b").label == "Beta"
        assert "a" not in things and "b" in things
        assert things.registered("a").label == "Alpha"  # data naming a disabled plugin still resolves
    with override_settings(TEST_THINGS=["b", "a"]):
        assert things.choices() == [("b", "Beta"), ("a", "Alpha")]


def test_the_check_hook_reports_a_setting_naming_an_unregistered_plugin(things):
    with override_settings(TEST_THINGS=["a", "zz"]):
        errors = core_registry.check_registries()
    assert [e.id for e in errors] == ["digitalstadt.E001"]
    assert "'zz'" in errors[0].msg and "test_things" in errors[0].msg


def test_the_check_hook_runs_each_entrys_own_check(things):
    @dataclass(frozen=True)
    class Broken:
        id: str = "broken"

        def system_check(self):
            return ["needs a secret"]

    things.register(Broken())
    with override_settings(TEST_THINGS=["broken"]):
        errors = things.check()
    assert [e.msg for e in errors] == ["test_things 'broken': needs a secret"]


def test_the_platform_registers_what_core_needs(settings):
    assert core_registry.check_registries() == []
    assert {p.id for p in core_registry.retention_policies.all()} >= {
        "outbox_sent", "outbox_failed", "invitations_closed", "unverified_accounts",
        "accessibility_feedback_handled", "audit_entries", "application_drafts"}
    missing = core_registry.CapabilityRegistry.REQUIRED
    assert all(key in core_registry.capabilities for key in missing)


def test_a_missing_capability_fails_the_check():
    saved = core_registry.capabilities._entries.pop("send_email")
    try:
        assert "digitalstadt.E003" in {e.id for e in core_registry.capabilities.check()}
    finally:
        core_registry.capabilities._entries["send_email"] = saved


def test_eid_plugins_follow_the_setting():
    from digitalstadt.accounts.eid import enabled_plugins, get_plugin

    with override_settings(EID_PLUGINS=["oidc"]):
        assert [p.key for p in enabled_plugins()] == ["oidc"]
        assert get_plugin("simulator") is None


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "on_location", "expected", "absent"), [
    ("counter_staff", True, ["Termine, Tagesplan und Aufruf"], ["Vorgänge (Online-Anträge)", "Protokoll"]),
    ("case_worker", False, ["Vorgänge (Online-Anträge)", "Zahlungen und Kontoauszüge"],
     ["Termine, Tagesplan und Aufruf", "Bewohnerparkausweis prüfen"]),
    ("parking_enforcement", False, ["Bewohnerparkausweis prüfen"], ["Vorgänge (Online-Anträge)", "Zahlungen"]),
    ("platform_admin", False, ["Protokoll (Audit-Log)", "Rückmeldungen zur Barrierefreiheit"],
     ["Vorgänge (Online-Anträge)"]),
])
def test_the_staff_home_lists_the_work_areas_each_app_registered_for_the_role(client, role, on_location, expected,
                                                                              absent):
    from digitalstadt.accounts.models import StaffRole
    from digitalstadt.appointments.tests.factories import make_location

    from .conftest import full_login, make_user

    location = make_location()
    user = make_user(f"{role}@darmstadt.example", totp=True)
    office = location.office if role in {"counter_staff", "case_worker"} and not on_location else None
    StaffRole.objects.create(user=user, role=role, office=office, location=location if on_location else None)
    full_login(client, user.email)
    page = client.get("/verwaltung/").content.decode()
    for label in expected:
        assert label in page
    for label in absent:
        assert label not in page


def test_registering_the_same_entry_again_changes_nothing(things):
    """An app's ready() may run twice (tests that reload apps): the same entries again
    are accepted, another entry under a taken id is not."""
    things.register(Thing("a", "Alpha"))
    assert things.registered("a").label == "Alpha"
    with pytest.raises(ImproperlyConfigured):
        things.register(Thing("a", "Alpha, but another"))


def test_every_apps_hooks_can_run_twice():
    from importlib import import_module

    for app in ("core", "accounts", "mailbox", "applications", "appointments", "payments", "parking", "register",
                "catalog"):
        import_module(f"digitalstadt.{app}.hooks").register()
    assert core_registry.check_registries() == []
