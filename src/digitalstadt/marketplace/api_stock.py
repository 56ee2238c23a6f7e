"""Stock and catalogue endpoints for tills (added to marketplace.api.router)."""

from .api import router  # noqa: F401
