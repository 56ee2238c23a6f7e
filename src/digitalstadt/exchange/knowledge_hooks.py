"""The knowledge base's registrations (called from hooks.register): audit actions, the
business development office's work area, and the public download figures."""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import (
    DashboardFigure,
    PersonalDataHandler,
    StaffArea,
    dashboard_figures,
    personal_data_handlers,
    register_audit_actions,
    staff_areas,
)

AUDIT_ACTIONS = (
    ("exchange.toolkit_version_published", _("Neue Version einer Arbeitshilfe veröffentlicht")),
)


def _may_edit(user) -> bool:
    from .knowledge_services import user_may_edit_toolkits

    return user_may_edit_toolkits(user=user)


def _counts(user):
    from .knowledge_selectors import downloads_total, toolkits

    return [(_("Arbeitshilfen"), len(toolkits()), reverse("knowledge-staff:list")),
            (_("Downloads insgesamt"), downloads_total())]


def _downloads_of(slug: str):
    def value() -> int:
        from django.db.models import Sum

        from .models import ToolkitDownloadDay

        return ToolkitDownloadDay.objects.filter(toolkit__slug=slug).aggregate(n=Sum("count"))["n"] or 0

    return value


def _export(*, user):
    from .models import ToolkitVersion

    return {"published_versions": [
        {"toolkit": v.toolkit.slug, "number": v.number, "published_at": v.published_at.isoformat(),
         "change_note": v.change_note}
        for v in ToolkitVersion.objects.filter(published_by=user).select_related("toolkit").order_by("pk")]}


def _erase(*, user):
    """The published texts stay (they belong to the city); they forget who published them."""
    from .models import ToolkitVersion

    return {"versions_unlinked": ToolkitVersion.objects.filter(published_by=user).update(published_by=None)}


def register() -> None:
    from .toolkit_data import initial_toolkits

    register_audit_actions(AUDIT_ACTIONS)
    staff_areas.register(StaffArea(
        "exchange.knowledge", _("Wissen: Arbeitshilfen"), "knowledge-staff:list",
        _("Checklisten, Vorlagen und Leitfäden für Unternehmen als neue Version veröffentlichen"),
        _may_edit, 620, counts=_counts))
    personal_data_handlers.register(PersonalDataHandler(
        "exchange.knowledge", _("Wissen: veröffentlichte Versionen von Arbeitshilfen"), _export, _erase))
    # One figure per shipped toolkit (known from the data files, so no query at start-up).
    for position, entry in enumerate(initial_toolkits()):
        dashboard_figures.register(DashboardFigure(
            f"exchange.toolkit_downloads.{entry['slug']}", format_lazy(_("Downloads: {title}"), title=entry["title"]),
            _downloads_of(entry["slug"]), description=_("Wie oft die Arbeitshilfe als PDF oder ODT "
                                                        "heruntergeladen wurde (ohne personenbezogene Daten)"),
            order=700 + position))
