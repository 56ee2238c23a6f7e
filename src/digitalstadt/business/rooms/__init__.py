"""Online rooms for webinars: a registry of room providers (Jitsi with a signed JWT per
participant, BigBlueButton with checksummed API calls). An EventDate names its
provider by id (`EventDate.room_provider`); ROOM_PROVIDERS lists the enabled ones."""

from __future__ import annotations

from typing import Any

from digitalstadt.core.registry import Registry

__all__ = ["room_providers"]

room_providers: Registry[Any] = Registry(
    "business.room_providers", setting="ROOM_PROVIDERS",
    description="online rooms for webinars (Jitsi, BigBlueButton)")
