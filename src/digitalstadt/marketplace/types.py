"""Enums other apps may import (public module)."""

from .models import Fulfilment, OrderStatus, ShopStatus, VatRate

__all__ = ["Fulfilment", "OrderStatus", "ShopStatus", "VatRate"]
