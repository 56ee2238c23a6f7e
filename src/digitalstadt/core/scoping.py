"""Organisation scoping: rows owned by an organisation are read only inside a scope.

A model owned by an organisation declares ``objects = organisation_scoped()``. Its
default manager then filters every query by the active scope's organisation, and a
query made while no scope is active raises `ScopeError`, so a view or selector that
forgets the organisation filter fails loudly in the first test instead of leaking
another company's rows. (django-scopes; the guarantee is the one pretix relies on.)

- ``with organisation_scope(org):`` in the selector or service that knows the
  organisation (querysets built inside stay filtered when evaluated later);
- ``Model.objects.with_scopes_disabled()`` for the few reads that must look across
  organisations by a secret (an API token's hash, an invitation link), and
  ``with unscoped():`` for platform jobs (retention) and the Django admin.

The base manager stays unscoped, so cascades and related-object access work.
"""

from __future__ import annotations

from contextlib import contextmanager
from collections.abc import Iterator
from typing import Any

from django_scopes import ScopeError, ScopedManager, scope, scopes_disabled

__all__ = ["ScopeError", "organisation_scope", "organisation_scoped", "unscoped"]


def organisation_scoped(field: str = "organisation"):
    return ScopedManager(organisation=field)


@contextmanager
def organisation_scope(organisation: Any) -> Iterator[None]:
    if organisation is None or getattr(organisation, "pk", None) is None:
        raise ScopeError("an organisation scope needs a saved organisation")
    with scope(organisation=organisation.pk):
        yield


@contextmanager
def unscoped() -> Iterator[None]:
    with scopes_disabled():
        yield
