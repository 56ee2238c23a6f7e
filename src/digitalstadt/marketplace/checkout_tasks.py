from django.tasks import task


@task()
def expire_holds() -> int:
    """Release the stock of orders whose hold ran out; safe to run twice and at any time
    (the periodic command `marketplace_expire_holds` runs the same)."""
    from .checkout import order_holds_expire

    return order_holds_expire()
