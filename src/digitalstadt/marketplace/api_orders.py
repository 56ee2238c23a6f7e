"""Order endpoints for shops (added to marketplace.api.router)."""

from .api import router  # noqa: F401
