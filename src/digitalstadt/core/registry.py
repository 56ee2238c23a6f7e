"""One generic plugin registry for every extension point of the platform.

Core never imports an app: an app hands core (and other apps) what they need by
registering into a `Registry` from its `AppConfig.ready()` (or on import of a module
that `ready()` imports). The same class serves core's own extension points (below),
service plugins, payment providers, eID plugins and payment-settled handlers.

- ids are unique per registry: registering an id twice raises `ImproperlyConfigured`
  (a copy-pasted plugin must not silently replace another);
- a registry may name a setting that lists the enabled ids (`EID_PLUGINS = ["oidc"]`);
  without one, every registered entry is enabled;
- `choices()` gives (id, label) pairs for forms;
- `check()` is a Django system check: enabled ids that nothing registered, and each
  entry's own `system_check()` if it has one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

_ALL: dict[str, "Registry"] = {}


class Registry(Generic[T]):
    def __init__(self, name: str, *, setting: str | None = None, enabled: Callable[[], list[str]] | None = None,
                 id_attr: str = "id", description: str = "") -> None:
        if name in _ALL:
            raise ImproperlyConfigured(f"a registry named {name!r} exists already")
        self.name = name
        self.setting = setting
        self._enabled = enabled
        self.id_attr = id_attr
        self.description = description
        self._entries: dict[str, T] = {}
        _ALL[name] = self

    # --- registering ---------------------------------------------------------------

    def register(self, entry: T | None = None, *, id: str | None = None) -> Any:
        """Register `entry` under `id` (default: the entry's `id` attribute). Usable as a
        call or as a decorator on a class (registered as an instance) or function."""

        def add(item: Any) -> Any:
            key = id or getattr(item, self.id_attr, None)
            if not key:
                raise ImproperlyConfigured(f"{self.name}: an entry needs an id ({item!r})")
            entry = item() if isinstance(item, type) else item
            if key in self._entries:
                existing = self._entries[key]
                # The same entry again (an app's ready() run a second time) changes nothing;
                # another entry under a taken id is a mistake.
                if existing is entry or (type(existing) is type(entry) and existing == entry
                                         and not isinstance(item, type)) or type(existing) is item:
                    return item
                raise ImproperlyConfigured(f"{self.name}: the id {key!r} is registered twice")
            self._entries[key] = entry
            return item

        return add if entry is None else add(entry)

    def unregister(self, id: str) -> None:
        """For tests that register a throw-away entry."""
        self._entries.pop(id, None)

    # --- reading -------------------------------------------------------------------

    def enabled_ids(self) -> list[str]:
        if self._enabled is not None:
            return list(self._enabled())
        if self.setting is None:
            return list(self._entries)
        return list(getattr(settings, self.setting, []) or [])

    def is_enabled(self, id: str) -> bool:
        return id in self._entries and id in self.enabled_ids()

    def get(self, id: str) -> T | None:
        """The enabled entry with this id, or None."""
        return self._entries[id] if self.is_enabled(id) else None

    def registered(self, id: str) -> T | None:
        """An entry whether enabled or not (for data that names a plugin turned off since)."""
        return self._entries.get(id)

    def __iter__(self) -> Iterator[T]:
        return iter(self.all())

    def __contains__(self, id: object) -> bool:
        return isinstance(id, str) and self.is_enabled(id)

    def all(self) -> list[T]:
        """Enabled entries, in the order of the setting (else of registration)."""
        return [self._entries[key] for key in self.enabled_ids() if key in self._entries]

    def items(self) -> list[tuple[str, T]]:
        return [(key, self._entries[key]) for key in self.enabled_ids() if key in self._entries]

    def choices(self) -> list[tuple[str, Any]]:
        return [(key, getattr(entry, "label", key)) for key, entry in self.items()]

    # --- checking ------------------------------------------------------------------

    def check(self) -> list[checks.CheckMessage]:
        errors: list[checks.CheckMessage] = []
        for key in self.enabled_ids():
            if key not in self._entries:
                errors.append(checks.Error(
                    f"{self.setting or 'the settings'} name {key!r}, but no app registered it in {self.name!r}",
                    hint=f"registered: {', '.join(sorted(self._entries)) or '(none)'}",
                    id="digitalstadt.E001",
                ))
        for key, entry in self.items():
            own_check = getattr(entry, "system_check", None)
            if callable(own_check):
                for problem in own_check() or []:
                    errors.append(problem if isinstance(problem, checks.CheckMessage) else checks.Error(
                        f"{self.name} {key!r}: {problem}", id="digitalstadt.E002"))
        return errors


def registries() -> dict[str, Registry]:
    return dict(_ALL)


@checks.register()
def check_registries(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for registry in _ALL.values():
        errors += registry.check()
    return errors


# --- what core needs from apps ---------------------------------------------------


@dataclass(frozen=True)
class StaffArea:
    """A work area on the staff home and in the staff navigation.

    `counts(user)` returns what waits there for this person, as (label, number) pairs
    ("offene Vorgänge", 12), or (label, number, url) to link to exactly those, shown
    beside the area; `links(user)` returns direct links
    into it as (label, url) pairs (a location's day plan, its settings). Both are asked
    only for users the area is visible to, and must scope to what the user may see."""

    id: str
    label: Any
    url_name: str
    description: Any = ""
    visible_to: Callable[[Any], bool] = field(default=lambda user: False, compare=False)
    order: int = 100
    counts: Callable[[Any], Iterable[tuple[Any, ...]]] | None = field(default=None, compare=False)
    links: Callable[[Any], Iterable[tuple[Any, str]]] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class OrganisationArea:
    """A work area of an organisation's members (a shop's products, orders and import),
    linked from the organisation's page and the account menu.

    `kinds`: the organisation kinds it applies to ("shop"); `url(organisation)` where it
    starts; `visible_to(user, organisation)` whether this member may use it (roles);
    `counts(user, organisation)` what waits there, as (label, number[, url])."""

    id: str
    label: Any
    description: Any = ""
    kinds: tuple[str, ...] = ()
    url: Callable[[Any], str] = field(default=lambda organisation: "", compare=False)
    visible_to: Callable[[Any, Any], bool] = field(default=lambda user, organisation: True, compare=False)
    order: int = 100
    counts: Callable[[Any, Any], Iterable[tuple[Any, ...]]] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RetentionPolicy:
    """Personal data of one kind, kept `days` (default; settings.RETENTION_DAYS[id]
    overrides) and then deleted by `purge(cutoff=...)`, which returns the count."""

    id: str
    label: Any
    default_days: int
    purge: Callable[..., int] = field(compare=False)


@dataclass(frozen=True)
class PersonalDataHandler:
    """One app's share of a person's data (GDPR Art. 15 and 17): `export(user=)` returns
    what the app holds about the person as JSON-ready data; `erase(user=)` deletes or
    anonymises it and returns a short account (what was removed, and what must be kept
    by law and until when, e.g. invoices for the tax office)."""

    id: str
    label: Any
    export: Callable[..., Any] = field(compare=False)
    erase: Callable[..., Any] = field(compare=False)


@dataclass(frozen=True)
class DashboardFigure:
    """A measured outcome for the public dashboard: `value()` returns the number now (a
    count, or a share from 0 to 1 when `unit` is "share"), computed from the app's data."""

    id: str
    label: Any
    value: Callable[[], float | int | None] = field(compare=False)
    unit: str = "count"
    description: Any = ""
    order: int = 100


@dataclass(frozen=True)
class AuditAction:
    """One kind of audit entry, with the label people read in the audit log."""

    id: str
    label: Any


@dataclass(frozen=True)
class ApiScope:
    """What an API token may do, e.g. `catalog:read`: apps register the scopes their
    endpoints ask for; owners grant them per token.

    `organisation`: an organisation's machine tokens may hold it (tills, car-park
    computers, courier apps). `personal_for(user)`: a staff member's personal token for
    a device (a parking officer's handheld) may hold it, if the person may do that
    themselves; asked again on every call, so a withdrawn role stops the token.
    `organisation_kinds`: only organisations of these kinds (e.g. "carpark", "office")
    may hold it; empty for any kind. Asked when the token is made and on every call."""

    id: str
    label: Any
    description: Any = ""
    organisation: bool = True
    personal_for: Callable[[Any], bool] | None = field(default=None, compare=False)
    organisation_kinds: tuple[str, ...] = ()

    def allows_organisation(self, organisation: Any) -> bool:
        return self.organisation and (not self.organisation_kinds
                                      or getattr(organisation, "kind", None) in self.organisation_kinds)


@dataclass(frozen=True)
class Capability:
    """Something core's own features need from an app, looked up by id: whether a user
    is city staff, the platform admins' addresses, sending an e-mail through the
    outbox. Core's check hook fails when one of REQUIRED_CAPABILITIES is missing."""

    id: str
    function: Callable[..., Any] = field(compare=False)
    label: Any = ""


class CapabilityRegistry(Registry[Capability]):
    REQUIRED = ("user_is_staff", "user_is_platform_admin", "platform_admin_emails", "send_email")

    def call(self, id: str, /, *args: Any, **kwargs: Any) -> Any:
        entry = self.get(id)
        if entry is None:
            raise ImproperlyConfigured(f"no app provides the capability {id!r}")
        return entry.function(*args, **kwargs)

    def check(self) -> list[checks.CheckMessage]:
        errors = super().check()
        for key in self.REQUIRED:
            if key not in self:
                errors.append(checks.Error(f"no app provides the capability {key!r}", id="digitalstadt.E003"))
        return errors


staff_areas: Registry[StaffArea] = Registry("staff_areas", description="work areas per staff role")
organisation_areas: Registry[OrganisationArea] = Registry(
    "organisation_areas", description="work areas of an organisation's members (a shop's products and orders)")
retention_policies: Registry[RetentionPolicy] = Registry("retention_policies",
                                                          description="how long each kind of personal data is kept")
document_access_checks: Registry[Any] = Registry(
    "document_access_checks", description="callables (user=, document=) -> bool that grant reading a document")
document_verification_details: Registry[Any] = Registry(
    "document_verification_details",
    description="callables (document=, user=, ip_address=) -> [(label, value)] for the public verification page")
personal_data_handlers: Registry[PersonalDataHandler] = Registry(
    "personal_data_handlers", description="each app's export and erasure of a person's data (GDPR)")
dashboard_figures: Registry[DashboardFigure] = Registry(
    "dashboard_figures", description="measured outcomes the public dashboard shows")
audit_actions: Registry[AuditAction] = Registry("audit_actions", description="the audit log's catalogue of actions")
api_scopes: Registry[ApiScope] = Registry("api_scopes", description="what an API token may be allowed to do")
capabilities = CapabilityRegistry("capabilities", description="functions core calls without importing an app")


def register_audit_actions(actions: Iterable[tuple[str, Any]]) -> None:
    """Register an app's audit actions, given as (id, label) pairs, from its hooks.py."""
    for action_id, label in actions:
        audit_actions.register(AuditAction(action_id, label))
