"""Registrations of the marketplace's orders part (called from hooks.register)."""


def register() -> None:
    pass
