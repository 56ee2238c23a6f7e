"""The dispatcher's work area on a courier service's organisation page (register() is
called from delivery/hooks.register)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import OrganisationArea, organisation_areas


def _url(organisation) -> str:
    return reverse("delivery-dispatch:board", kwargs={"courier": organisation.slug})


def _may_dispatch(user, organisation) -> bool:
    from .dispatch_selectors import may_dispatch

    return may_dispatch(user=user, organisation=organisation)


def _counts(user, organisation):
    from django.utils import timezone

    from .dispatch_selectors import dispatch_board

    board = dispatch_board(courier=organisation, day=timezone.localdate())
    return [(_("Touren heute"), len(board.tours), _url(organisation)),
            (_("Aufträge nicht eingeplant"), len({s.job_id for s in board.unplanned}), _url(organisation))]


DISPATCH_AREA = OrganisationArea(
    "delivery.dispatch", _("Touren disponieren"),
    _("Touren des Tages mit Karte, Stopps verschieben und festlegen, neu planen"),
    kinds=("courier",), url=_url, visible_to=_may_dispatch, order=20, counts=_counts)


def register() -> None:
    organisation_areas.register(DISPATCH_AREA)
