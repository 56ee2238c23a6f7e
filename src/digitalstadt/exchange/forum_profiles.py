"""Members' public handles and display names: "Anna M." with the handle `anna-m`,
stable once made (mentions keep working when a name changes). Never the e-mail."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

__all__ = ["display_name_for", "profile_for", "profiles_by_handle"]


def display_name_for(user: Any) -> str:
    first = (user.first_name or "").strip()
    last = (user.last_name or "").strip()
    if first:
        return f"{first} {last[0]}." if last else first
    return f"Mitglied {user.pk}"


def _handle_base(user: Any) -> str:
    first = slugify((user.first_name or "").strip())[:30]
    last = slugify((user.last_name or "").strip())[:1]
    base = "-".join(p for p in (first, last) if p)
    return base if len(base) >= 2 else f"mitglied-{user.pk}"


def profile_for(user: Any):
    """The member's profile, made on first use."""
    from .models import ForumProfile

    profile = ForumProfile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    base = _handle_base(user)
    for n in range(1, 200):
        handle = base if n == 1 else f"{base}{n}"
        if ForumProfile.objects.filter(handle=handle).exists():
            continue
        try:
            with transaction.atomic():
                return ForumProfile.objects.create(user=user, handle=handle, display_name=display_name_for(user),
                                                   created_at=timezone.now())
        except IntegrityError:
            found = ForumProfile.objects.filter(user=user).first()
            if found is not None:
                return found
    raise RuntimeError("no free forum handle")


def profiles_by_handle(handles) -> dict:
    from .models import ForumProfile

    return {p.handle: p for p in ForumProfile.objects.filter(handle__in=list(handles)).select_related("user")}
