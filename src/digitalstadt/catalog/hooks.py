"""What the catalogue registers into core's registry (called from CatalogConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import register_audit_actions

# The catalogue is edited in the Django admin, audited there as core's "admin.*"
# actions; its own service writes register their actions here.
AUDIT_ACTIONS = (
    ("catalog.service_created", _("Leistung angelegt")),
)


def register() -> None:
    register_audit_actions(AUDIT_ACTIONS)
