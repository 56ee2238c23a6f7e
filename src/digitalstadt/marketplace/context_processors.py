COUNT_KEY = "marketplace_cart_count"


def cart(request):
    """The number of articles in the shopper's cart, for the header link. Kept in the
    session by the cart's views, so that no page pays a query for it."""
    session = getattr(request, "session", None)
    count = session.get(COUNT_KEY) if session is not None else None
    return {"marketplace_cart_count": count} if count else {}
