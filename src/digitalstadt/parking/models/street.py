"""Parking: street models."""

__all__: list[str] = []
