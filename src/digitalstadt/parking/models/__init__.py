"""Parking's models, one module per part: resident permits (issued by the Bürgeramt),
car parks and their occupancy, street parking (Handyparken) and park & shop vouchers."""

from .carparks import *  # noqa: F401,F403
from .permits import *  # noqa: F401,F403
from .street import *  # noqa: F401,F403
from .vouchers import *  # noqa: F401,F403
from .permits import mask_plate, normalise_plate  # noqa: F401
