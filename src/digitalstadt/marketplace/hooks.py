"""What the marketplace registers into core's registry (called from MarketplaceConfig.ready).

Each part of the app keeps its registrations in its own module (`hooks_*.py`), all
called from `register()` below."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import ApiScope, api_scopes, register_audit_actions

AUDIT_ACTIONS = (
    ("marketplace.shop_created", _("Geschäft angelegt")),
    ("marketplace.shop_changed", _("Geschäftsprofil geändert")),
    ("marketplace.shop_submitted", _("Geschäft zur Prüfung eingereicht")),
    ("marketplace.shop_verified", _("Geschäft geprüft und freigeschaltet")),
    ("marketplace.shop_rejected", _("Geschäft zurückgewiesen")),
    ("marketplace.shop_suspended", _("Geschäft gesperrt")),
    ("marketplace.product_saved", _("Produkt gespeichert")),
    ("marketplace.products_imported", _("Produkte importiert")),
    ("marketplace.stock_updated", _("Bestand aktualisiert")),
    ("marketplace.order_placed", _("Bestellung aufgegeben")),
    ("marketplace.order_paid", _("Bestellung bezahlt")),
    ("marketplace.order_status_changed", _("Status einer Bestellung geändert")),
    ("marketplace.order_cancelled", _("Bestellung storniert")),
    ("marketplace.order_expired", _("Reservierung abgelaufen")),
    ("marketplace.order_picked_up", _("Bestellung abgeholt")),
    ("marketplace.order_refunded", _("Bestellung erstattet")),
    ("marketplace.order_withdrawn", _("Widerruf einer Bestellung")),
    ("marketplace.invoice_issued", _("Rechnung ausgestellt")),
    ("marketplace.customer_viewed", _("Kundendaten einer Bestellung angesehen")),
    # import
    ("marketplace.import_uploaded", _("Importdatei hochgeladen")),
    # --- shops ---
    ("marketplace.shop_review_viewed", _("Prüfung eines Geschäfts angesehen (Verwaltung)")),
)


def register() -> None:
    from . import hooks_checkout, hooks_import, hooks_orders, hooks_search, hooks_shops

    register_audit_actions(AUDIT_ACTIONS)
    api_scopes.register(ApiScope("marketplace:stock:write", _("Sortiment und Bestand pflegen (Kasse, Warenwirtschaft)"),
                                 _("Produkte anlegen und ändern, Bestand und Preise melden "
                                   "(POST/PATCH /api/v1/marketplace/…)")))
    api_scopes.register(ApiScope("marketplace:orders:read", _("Bestellungen lesen"),
                                 _("Bestellungen des Geschäfts abrufen (GET /api/v1/marketplace/orders)")))
    for part in (hooks_shops, hooks_search, hooks_import, hooks_checkout, hooks_orders):
        part.register()
