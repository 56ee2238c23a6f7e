"""Registrations of the marketplace's import part (called from hooks.register): the
"Sortiment importieren" work area on a shop organisation's page, for the roles that may
import (owner, admin, sales). URLs: `market-import:upload` (start), `market-import:local-inventory`
(Google local inventory feed, TSV)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def import_url(organisation) -> str:
    from .models import Shop

    shop = Shop.objects.filter(organisation=organisation).only("slug").first()
    return reverse("market-import:upload", kwargs={"shop": shop.slug}) if shop else ""


def _visible(user, organisation) -> bool:
    from .catalogue_services import can_import
    from .models import Shop

    return can_import(actor=user, organisation=organisation) and Shop.objects.filter(
        organisation=organisation).exists()


def _purge_import_files(*, cutoff) -> int:
    """Uploaded files (they may hold purchase prices and supplier data) are not kept for
    ever: batches older than the period are deleted, imported or not. A platform job:
    across all shops."""
    from .models import ImportBatch

    return ImportBatch.unscoped_objects.filter(created_at__lt=cutoff).delete()[0]


def register() -> None:
    from digitalstadt.core.registry import OrganisationArea, RetentionPolicy, organisation_areas, retention_policies

    retention_policies.register(RetentionPolicy("marketplace_import_files", _("Hochgeladene Importdateien der Geschäfte"),
                                                30, _purge_import_files))
    organisation_areas.register(OrganisationArea(
        id="marketplace.import", label=_("Sortiment importieren"),
        description=_("Artikelliste aus Kasse oder Warenwirtschaft hochladen (CSV, Google-Produktfeed); lokales "
                      "Inventar für Google herunterladen"),
        kinds=("shop",), url=import_url, visible_to=_visible, order=30))
