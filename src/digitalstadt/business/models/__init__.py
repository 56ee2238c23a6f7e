"""Business's models, one module per part: partner roles, events (series, dates,
venues); registrations, attendance and feedback live in their own modules."""

from .events import *  # noqa: F401,F403
from .partners import *  # noqa: F401,F403
from .registrations import *  # noqa: F401,F403
from .registrations import SEAT_HOLDING  # noqa: F401
