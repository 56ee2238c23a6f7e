"""The register's extension points (public: other apps register here).

- `register_backends`: the population register the city runs (an external system, e.g.
  reached by XMeld); `DemoRegister` (register.backends) is the local implementation
  that writes the demo register in this database. The setting `REGISTER_BACKEND` names
  the one in use.
- `move_followups`: `MoveFollowUp` entries, each `offer(user=..., move=MoveSummary)` ->
  `FollowUp | None`: what a move affects in the registering app (resident parking, dog
  tax, bulky waste, ID card sticker), for the "after your move" page. Once-only: the
  data comes from the register, the citizen types nothing again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from digitalstadt.core.registry import Registry

from .types import FollowUp, MoveSummary

__all__ = ["MoveFollowUp", "register_backend", "register_backends", "move_followups", "followups_for"]

register_backends: Registry[Any] = Registry("register_backends", id_attr="key",
                                            description="the population register (Melderegister) in use")


def register_backend():
    return register_backends.get(getattr(settings, "REGISTER_BACKEND", "demo"))


@dataclass(frozen=True)
class MoveFollowUp:
    id: str
    offer: Callable[..., FollowUp | None] = field(compare=False)
    order: int = 50


move_followups: Registry[MoveFollowUp] = Registry("move_followups",
                                                  description="what a move affects (the after-your-move page)")


def followups_for(*, user, move: MoveSummary) -> list[FollowUp]:
    found = []
    for entry in sorted(move_followups.all(), key=lambda e: (e.order, e.id)):
        item = entry.offer(user=user, move=move)
        if item is not None:
            found.append(item)
    return found
