"""What the exchange registers into core's registry (called from ExchangeConfig.ready)."""

from __future__ import annotations


def register() -> None:
    from . import hooks_moderation

    hooks_moderation.register()
