"""What appointments registers into core's registry (called from AppointmentsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import StaffArea, register_audit_actions, staff_areas

AUDIT_ACTIONS = (
    ("booking.held", _("Termin vorgemerkt")),
    ("booking.hold_extended", _("Vormerkung verlängert")),
    ("booking.details_submitted", _("Angaben zum Termin eingegeben")),
    ("booking.confirmed", _("Termin bestätigt")),
    ("booking.cancelled", _("Termin abgesagt")),
    ("booking.rescheduled", _("Termin verschoben")),
    ("booking.expired", _("Nicht bestätigte Terminvormerkung verfallen")),
    ("booking.no_shows_marked", _("Nicht erschienene Termine markiert")),
    ("waitlist.joined", _("Auf die Warteliste eingetragen")),
    ("waitlist.left", _("Von der Warteliste ausgetragen")),
    ("waitlist.offered", _("Termin von der Warteliste angeboten")),
    ("waitlist.offer_expired", _("Angebot von der Warteliste verfallen")),
    ("queue.checked_in", _("Am Standort eingecheckt")),
    ("queue.walk_in", _("Wartenummer ohne Termin gezogen")),
    ("queue.called", _("Wartenummer aufgerufen")),
    ("queue.recalled", _("Wartenummer erneut aufgerufen")),
    ("queue.served", _("Wartenummer bedient")),
    ("queue.missed", _("Wartenummer nicht erschienen")),
    ("queue.walk_in_outside_hours", _("Wartenummer außerhalb der Öffnungszeiten ausgegeben")),
    ("appointments.day_plan_viewed", _("Tagesplan angesehen")),
    ("appointments.slots_generated", _("Terminzeiten erzeugt oder angepasst")),
    ("appointments.cancelled_by_office", _("Termin vom Amt abgesagt")),
    # office_services.location_changed writes "appointments.<what>": the location's own
    # settings, or "<form kind>_added"/"_removed" for a kind of office_views.FORMS.
    ("appointments.location_changed", _("Standort-Einstellungen geändert")),
    ("appointments.schalter_added", _("Schalter angelegt")),
    ("appointments.schalter_removed", _("Schalter ab- oder wieder eingeschaltet")),
    ("appointments.leistung_added", _("Leistung am Standort hinzugefügt")),
    ("appointments.leistung_removed", _("Leistung am Standort entfernt")),
    ("appointments.oeffnungszeit_added", _("Öffnungszeit hinzugefügt")),
    ("appointments.oeffnungszeit_removed", _("Öffnungszeit entfernt")),
    ("appointments.schliesstag_added", _("Schließtag eingetragen")),
    ("appointments.schliesstag_removed", _("Schließtag entfernt")),
    ("appointments.date_rule_added", _("Abweichende Öffnung an bestimmten Tagen eingetragen")),
    ("appointments.date_rule_removed", _("Abweichende Öffnung an bestimmten Tagen entfernt")),
    ("appointments.kept_by_office", _("Betroffener Termin vom Amt beibehalten")),
    ("appointments.alternative_offered", _("Ersatztermin vom Amt angeboten")),
    ("appointments.alternative_accepted", _("Ersatztermin angenommen")),
)


def _counter_staff(user) -> bool:
    from .permissions import COUNTER_ROLES, locations_for_staff

    return locations_for_staff(user=user, roles=COUNTER_ROLES).exists()


def _counter_counts(user) -> list:
    """Today at the locations this person works at: appointments still to come and
    people waiting now."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone
    from django.utils.translation import gettext

    from .models import Booking, BookingStatus, Ticket, TicketStatus
    from .permissions import COUNTER_ROLES, locations_for_staff

    locations = locations_for_staff(user=user, roles=COUNTER_ROLES)
    today = timezone.localdate()
    start = datetime.combine(today, time.min).replace(tzinfo=timezone.get_current_timezone())
    booked = Booking.objects.filter(location__in=locations, starts_at__gte=start,
                                    starts_at__lt=start + timedelta(days=1))
    return [(gettext("Termine heute"), booked.filter(status__in=[BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN,
                                                                  BookingStatus.SERVED, BookingStatus.NO_SHOW]).count()),
            (gettext("warten gerade"), Ticket.objects.filter(location__in=locations, day=today,
                                                             status=TicketStatus.WAITING).count())]


def _counter_links(user) -> list:
    """Each location's day plan, and its settings where the person is office admin."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from .permissions import ADMIN_ROLES, COUNTER_ROLES, locations_for_staff

    admin_ids = set(locations_for_staff(user=user, roles=ADMIN_ROLES).values_list("pk", flat=True))
    links = []
    for location in locations_for_staff(user=user, roles=COUNTER_ROLES).order_by("name_de"):
        links.append((gettext("Tagesplan – %(location)s") % {"location": location.name},
                      reverse("appointments-staff:day-plan", kwargs={"slug": location.slug})))
        if location.pk in admin_ids:
            links.append((gettext("Öffnungszeiten und Schalter – %(location)s") % {"location": location.name},
                          reverse("appointments-office:settings", kwargs={"slug": location.slug})))
    return links


def _id_card_address(*, user, move):
    """After a move the ID card gets the new address as a sticker: only at the counter."""
    from django.urls import reverse
    from django.utils.http import urlencode
    from django.utils.translation import gettext

    from digitalstadt.register.types import FollowUp

    from .models import LocationService

    if not LocationService.objects.filter(service__slug=ID_CARD_ADDRESS_SERVICE, location__is_active=True).exists():
        return None
    url = reverse("appointments:start") + "?" + urlencode({"leistung": ID_CARD_ADDRESS_SERVICE,
                                                           f"personen_{ID_CARD_ADDRESS_SERVICE}": 1})
    return FollowUp(title=gettext("Neue Anschrift im Personalausweis"),
                    text=gettext("Ihre neue Anschrift kommt als Aufkleber auf den Ausweis (Personalausweis und "
                                 "Reisepass). Das geht nur vor Ort und dauert wenige Minuten; bringen Sie die "
                                 "Ausweise mit."),
                    url=url, link_text=gettext("Termin dafür buchen"))


ID_CARD_ADDRESS_SERVICE = "anschrift-ausweis"


def _offers_changed(**kwargs) -> None:
    """Which services are bookable where is part of cached catalogue pages (core.fragments)."""
    from digitalstadt.core.fragments import bump

    bump("catalog")


def register() -> None:
    from django.db.models.signals import post_delete, post_save

    from digitalstadt.register.registry import MoveFollowUp, move_followups

    from .models import Location, LocationService

    for model in (Location, LocationService):
        post_save.connect(_offers_changed, sender=model, dispatch_uid=f"appointments-fragments-save-{model.__name__}")
        post_delete.connect(_offers_changed, sender=model,
                            dispatch_uid=f"appointments-fragments-delete-{model.__name__}")

    register_audit_actions(AUDIT_ACTIONS)
    move_followups.register(MoveFollowUp("appointments.id_card_address", _id_card_address, order=5))
    staff_areas.register(StaffArea("appointments.counter", _("Termine, Tagesplan und Aufruf"),
                                   "appointments-staff:index",
                                   _("Einchecken, Wartenummern, Aufruf, Statistik und Standort-Einstellungen"),
                                   _counter_staff, 200, counts=_counter_counts, links=_counter_links))
