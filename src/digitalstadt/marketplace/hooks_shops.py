"""Registrations of the marketplace's shops part (called from hooks.register)."""


def register() -> None:
    pass
