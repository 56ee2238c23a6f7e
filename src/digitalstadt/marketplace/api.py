"""The marketplace's HTTP API (`/api/v1/marketplace/`): tills and merchandise systems
(organisation tokens with `marketplace:stock:write`), order lists for shops."""

from ninja import Router

router = Router(tags=["marketplace"])

from . import api_orders, api_stock  # noqa: E402,F401  (they add their endpoints to `router`)
