"""Registrations of the marketplace's checkout part (called from hooks.register)."""


def register() -> None:
    pass
