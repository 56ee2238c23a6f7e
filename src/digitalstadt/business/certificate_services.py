"""Certificates of attendance: after a date, the organiser issues a sealed PDF to every
checked-in participant (one action; issuing again only fills the gaps). Each goes to
the participant's Postfach (which sends the e-mail notice) and stays on their ticket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one
from digitalstadt.core.urls_helpers import absolute_url

from .attendance_services import organiser_date
from .models import EventDate, Registration, RegistrationStatus

DOCUMENT_TYPE = "Teilnahmebescheinigung"


@dataclass(frozen=True)
class IssueResult:
    issued: int
    already: int


def duration_text(event_date: EventDate) -> str:
    minutes = int((event_date.ends_at - event_date.starts_at).total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} Std. {rest} Min."
    return f"{hours} Std." if hours else f"{rest} Min."


def _certificate_context(registration: Registration) -> dict:
    event_date = registration.event_date
    series = event_date.series
    starts = timezone.localtime(event_date.starts_at)
    ends = timezone.localtime(event_date.ends_at)
    return {
        "name": registration.name, "company": registration.company.name if registration.company else "",
        "series": series, "topic": series.get_topic_display(), "format": series.get_format_display(),
        "date_text": formats.date_format(starts, "j. F Y"),
        "time_text": f"{starts:%H:%M}–{ends:%H:%M} Uhr", "duration": duration_text(event_date),
        "organiser": series.organiser.name, "venue": event_date.venue,
        "issued_on": formats.date_format(timezone.localdate(), "j. F Y"),
        "reference": f"TB-{event_date.pk}-{registration.pk}",
    }


def _issue_one(*, registration_id: int, actor: Any) -> bool:
    from digitalstadt.core.services import signed_document_issue
    from digitalstadt.mailbox.services import message_send

    with transaction.atomic():
        registration = lock_one(Registration.objects.filter(pk=registration_id).select_related(
            "event_date__series__organiser", "event_date__venue", "company", "participant"), of=("self",))
        if registration.certificate_document_id is not None or registration.checked_in_at is None:
            return False
        with translation.override("de"):  # the certificate is a German document
            context = _certificate_context(registration)
            document = signed_document_issue(
                template_name="business/pdf/certificate.html", context=context,
                filename=f"teilnahmebescheinigung-{context['reference'].lower()}.pdf",
                title=f"Teilnahmebescheinigung {registration.event_date.series.title}",
                document_type=DOCUMENT_TYPE, issuing_office=context["organiser"],
                owner_user=registration.participant, actor=actor, reason=DOCUMENT_TYPE)
        registration.certificate_document = document
        registration.save(update_fields=["certificate_document"])
        person = registration.participant
        with translation.override(getattr(person, "language", "de") or "de"):
            message_send(
                recipient_user=person, sender_name=context["organiser"], documents=[document],
                subject=_("Ihre Teilnahmebescheinigung: %(title)s") % {"title": registration.event_date.series.title},
                body=_("Guten Tag,\n\nvielen Dank für Ihre Teilnahme an „%(title)s“ am %(date)s. Ihre "
                       "Teilnahmebescheinigung liegt dieser Nachricht bei; sie ist elektronisch gesiegelt.\n\n"
                       "Wie war die Veranstaltung? Ihre Rückmeldung hilft, das Angebot zu verbessern "
                       "(anonym, etwa zwei Minuten):\n%(link)s") % {
                    "title": registration.event_date.series.title, "date": context["date_text"],
                    "link": absolute_url("business:feedback", kwargs={"registration_id": registration.pk})},
                regarding=context["reference"], actor=actor)
        audit_log(actor=actor, action="business.certificate_issued", subject=registration, data_subject=person,
                  data={"date": registration.event_date_id, "document": str(document.uuid)})
    return True


def certificates_issue(*, user: Any, date_id: int) -> IssueResult:
    """Issue certificates to all checked-in participants of a date that has ended.
    Idempotent: whoever has one already is skipped."""
    event_date = organiser_date(user=user, date_id=date_id)
    if event_date.is_cancelled:
        raise ValidationError(_("Der Termin ist abgesagt."))
    if timezone.now() < event_date.ends_at:
        raise ValidationError(_("Bescheinigungen gibt es erst nach dem Ende des Termins."))
    candidates = list(Registration.objects.filter(event_date=event_date, status=RegistrationStatus.CONFIRMED,
                                                  checked_in_at__isnull=False, participant__isnull=False)
                      .values_list("pk", "certificate_document_id"))
    if not candidates:
        raise ValidationError(_("Niemand ist eingecheckt: Bescheinigungen gibt es nur für eingecheckte "
                                "Teilnehmende."))
    issued = sum(_issue_one(registration_id=pk, actor=user) for pk, doc in candidates if doc is None)
    already = len(candidates) - issued
    audit_log(actor=user, action="business.certificates_issued", subject=event_date,
              data={"issued": issued, "already": already})
    return IssueResult(issued=issued, already=already)
