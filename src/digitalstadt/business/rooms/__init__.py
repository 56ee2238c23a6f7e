"""Online rooms for webinars: a registry of room providers (Jitsi with a signed JWT per
participant, BigBlueButton with checksummed API calls, and the platform's own local
room for development and the demo). An EventDate names its provider by id
(`EventDate.room_provider`); ROOM_PROVIDERS lists the enabled ones. The providers
register from business.hooks; services.py decides who may enter and when."""

from __future__ import annotations

from typing import Any

from digitalstadt.core.registry import Registry

__all__ = ["register_providers", "room_providers"]

room_providers: Registry[Any] = Registry(
    "business.room_providers", setting="ROOM_PROVIDERS",
    description="online rooms for webinars (Jitsi, BigBlueButton)")


def register_providers() -> None:
    from .bbb import BigBlueButtonProvider
    from .jitsi import JitsiProvider
    from .simulator import SimulatorProvider

    for provider in (SimulatorProvider, JitsiProvider, BigBlueButtonProvider):
        room_providers.register(provider)
