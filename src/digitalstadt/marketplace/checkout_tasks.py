from django.tasks import task


@task()
def expire_holds() -> int:
    """Release the stock of orders whose hold ran out; safe to run twice and at any time
    (the periodic command `marketplace_expire_holds` runs the same)."""
    from .checkout import order_holds_expire

    return order_holds_expire()


@task()
def issue_invoice(shop_order_id: int) -> str:
    """The invoice of a shop order paid online; safe to run twice (issued once)."""
    from .invoices import invoice_issue_if_possible
    from .models import ShopOrder

    shop_order = ShopOrder.unscoped_objects.select_related("shop").get(pk=shop_order_id)
    invoice = invoice_issue_if_possible(shop_order=shop_order, actor=None)
    return invoice.number if invoice else "no tax id"


@task()
def notify_order_placed(order_id: int) -> str:
    """The shopper's and the shops' notices of a new order (Postfach and e-mail)."""
    from .checkout import notify_placed

    notify_placed(order_id=order_id)
    return "sent"
