"""Parking: vouchers models."""

__all__: list[str] = []
