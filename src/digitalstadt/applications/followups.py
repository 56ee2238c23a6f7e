"""What a move affects among the online services ("after your move" page, registered in
register.registry.move_followups). Each offer starts the service with the data the
register now holds: nothing is typed twice."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from digitalstadt.core.money import format_eur
from digitalstadt.register.types import FollowUp


def _start(slug: str) -> str:
    return reverse("applications:start", args=[slug])


def _has_decided(user, plugin: str) -> bool:
    from .models import Case, CaseStatus

    return Case.objects.filter(applicant=user, plugin=plugin, status=CaseStatus.APPROVED).exists()


def parking_permit(*, user, move) -> FollowUp | None:
    if move.new.zone_code:
        return FollowUp(
            title=_("Bewohnerparkausweis für Zone %(zone)s") % {"zone": move.new.zone_code},
            text=_("Ihre neue Anschrift liegt in der Bewohnerparkzone %(zone)s. Sie können den Ausweis gleich "
                   "online beantragen; Ihre neue Anschrift ist schon eingetragen.") % {"zone": move.new.zone_code},
            url=_start("bewohnerparkausweis"), link_text=_("Bewohnerparkausweis beantragen"))
    if move.old.zone_code:
        return FollowUp(title=_("Bewohnerparkausweis"),
                        text=_("Ihre neue Anschrift liegt in keiner Bewohnerparkzone; dort brauchen Sie keinen "
                               "Bewohnerparkausweis."), done=True)
    return None


def dog_tax(*, user, move) -> FollowUp | None:
    if not _has_decided(user, "hundesteuer"):
        return None
    return FollowUp(title=_("Hundesteuer"),
                    text=_("Die Steuerabteilung kennt Ihre neue Anschrift jetzt aus dem Melderegister; Bescheide "
                           "kommen dorthin. Sie müssen nichts tun."), done=True)


def bulky_waste(*, user, move) -> FollowUp | None:
    return FollowUp(
        title=_("Sperrmüll-Abholung in %(district)s") % {"district": move.new.district},
        text=_("Beim Umzug bleiben oft Möbel übrig. Ihr Abholbezirk ist jetzt %(district)s; die Abholung ist "
               "kostenlos.") % {"district": move.new.district},
        url=_start("sperrmuell"), link_text=_("Sperrmüll-Abholung bestellen"))


def certificate(*, user, move) -> FollowUp | None:
    return FollowUp(title=_("Meldebescheinigung mit der neuen Anschrift"),
                    text=_("Falls Ihr Arbeitgeber, Ihre Bank oder eine Behörde einen Nachweis der neuen Anschrift "
                           "braucht: als signiertes PDF sofort in Ihrem Postfach."),
                    url=_start("meldebescheinigung"), link_text=_("Meldebescheinigung beantragen"))


def old_permits(*, user, move) -> FollowUp | None:
    """Permits for the old zone ended with the registration; say so, with the refund."""
    from .models import Case

    case = Case.objects.filter(applicant=user, reference=move.case_reference).first()
    ended = (case.result.get("permits_ended") if case else None) or []
    if not ended:
        return None
    lines = []
    for p in ended:
        text = _("Zone %(zone)s (%(plate)s) endete am %(until)s.") % {
            "zone": p["zone"], "plate": p["plate"],
            "until": formats.date_format(dt.date.fromisoformat(p["until"]), "SHORT_DATE_FORMAT")}
        if p.get("refund_cents"):
            text += " " + _("Für die nicht genutzte Zeit erstatten wir %(amount)s.") % {
                "amount": format_eur(p["refund_cents"])}
        lines.append(text)
    return FollowUp(title=_("Ihr bisheriger Bewohnerparkausweis"), text=" ".join(lines), done=True)
