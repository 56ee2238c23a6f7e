"""Registrations of the marketplace's orders part (called from hooks.register).

The orders part registers nothing of its own yet: its audit actions are in
hooks.AUDIT_ACTIONS (order_status_changed, order_cancelled, order_picked_up,
order_refunded, invoice_issued, customer_viewed) and its API scope
`marketplace:orders:read` is registered there too. The organisation's work area for
shops (shops part) shows what waits through `order_selectors.open_orders_count(organisation=)`
and links to `market-orders:dashboard` (kwarg `shop`: the shop's slug)."""


def register() -> None:
    pass
