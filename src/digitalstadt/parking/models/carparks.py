"""Parking: carparks models."""

__all__: list[str] = []
