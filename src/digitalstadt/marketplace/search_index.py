"""The product search index (owned by the search part): other parts call
`index_products` after they create or change products, and `unindex_products` after
deleting them."""

from __future__ import annotations

from collections.abc import Iterable


def index_products(*, product_ids: Iterable[int] | None = None) -> int:
    """(Re)index these products (None: all); returns how many were indexed."""
    raise NotImplementedError("the search part provides the index")


def unindex_products(*, product_ids: Iterable[int]) -> None:
    raise NotImplementedError("the search part provides the index")
