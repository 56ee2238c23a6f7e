"""Business's public reads for other apps."""

from .topic_selectors import upcoming_dates_for_topic  # noqa: F401
