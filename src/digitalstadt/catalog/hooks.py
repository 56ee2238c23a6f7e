"""What the catalogue registers into core's registry (called from CatalogConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import ApiScope, api_scopes, register_audit_actions

# The catalogue is edited in the Django admin, audited there as core's "admin.*"
# actions; its own service writes register their actions here.
AUDIT_ACTIONS = (
    ("catalog.service_created", _("Leistung angelegt")),
)


def _catalogue_changed(**kwargs) -> None:
    """Cached catalogue pages (core.fragments) are rendered afresh after any write."""
    from digitalstadt.core.fragments import bump

    bump("catalog")


def register() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import Evidence, Fee, LifeSituation, SearchSynonym, Service

    register_audit_actions(AUDIT_ACTIONS)
    api_scopes.register(ApiScope("catalog:read", _("Leistungskatalog lesen"),
                                 _("Alle Leistungen mit Beschreibung, zuständiger Stelle und Weg (GET /api/v1/catalog/services)")))
    for model in (Service, LifeSituation, Fee, Evidence, SearchSynonym):
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"catalog-fragments-save-{model.__name__}")
        post_delete.connect(_catalogue_changed, sender=model,
                            dispatch_uid=f"catalog-fragments-delete-{model.__name__}")
    m2m_changed.connect(_catalogue_changed, sender=LifeSituation.services.through,
                        dispatch_uid="catalog-fragments-situations")
