"""Registrations of the marketplace's import part (called from hooks.register)."""


def register() -> None:
    pass
