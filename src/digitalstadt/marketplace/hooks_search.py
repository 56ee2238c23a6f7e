"""Registrations of the marketplace's search part (called from hooks.register)."""


def register() -> None:
    pass
