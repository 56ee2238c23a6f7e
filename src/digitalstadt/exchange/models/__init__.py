"""The exchange's models, one module per part: the forum (categories, threads, posts),
members' participation (handles, notification levels, digests, review decisions),
moderation (trust, review queue, flags), the knowledge base (toolkits)."""

from .forum import *  # noqa: F401,F403
from .moderation import *  # noqa: F401,F403
from .knowledge import *  # noqa: F401,F403
from .participation import *  # noqa: F401,F403
from .flags import *  # noqa: F401,F403
