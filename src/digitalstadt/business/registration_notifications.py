"""E-mails and Postfach messages about registrations, in the participant's language.
Each goes out twice, as the appointments do: a full e-mail through the outbox and a
copy in the participant's Postfach. Written in the transaction of the change.
`notify(..., recipient=user)` writes to another person instead (the company owner who
pays a colleague's seat: "payment_due_payer")."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from digitalstadt.core.urls_helpers import absolute_url


def _when(event_date) -> str:
    start = timezone.localtime(event_date.starts_at)
    end = timezone.localtime(event_date.ends_at)
    return f"{date_format(start, 'DATE_FORMAT')}, {start:%H:%M}–{end:%H:%M}"


def _texts(kind: str, registration, extra: dict) -> tuple[str, str]:
    date = registration.event_date
    title = date.series.title
    when = _when(date)
    mine = absolute_url("business:my-registrations")
    ics = absolute_url("business:registration-ics", kwargs={"registration_id": registration.pk})
    offer = absolute_url("business:registration-offer", kwargs={"registration_id": registration.pk})
    values = {"title": title, "when": when, "link": mine, "ics": ics, "offer": offer, "name": registration.name,
              "company": registration.company.name if registration.company_id else "",
              "until": (date_format(timezone.localtime(registration.offer_expires_at), "DATETIME_FORMAT")
                        if registration.offer_expires_at else ""), **extra}
    texts = {
        "confirmed": (_("Anmeldung bestätigt: %(title)s"),
                      _("Sie sind angemeldet für „%(title)s“ am %(when)s.\n\nIn Ihren Kalender übernehmen:\n%(ics)s"
                        "\n\nIhre Anmeldungen (auch zum Stornieren):\n%(link)s")),
        "waiting": (_("Warteliste: %(title)s"),
                    _("Der Termin „%(title)s“ am %(when)s ist ausgebucht. Sie stehen auf der Warteliste; wird ein "
                      "Platz frei, bieten wir ihn Ihnen per E-Mail an.\n\nIhre Anmeldungen:\n%(link)s")),
        "offered": (_("Ein Platz ist frei: %(title)s"),
                    _("Für „%(title)s“ am %(when)s ist ein Platz frei geworden. Er ist für Sie reserviert bis "
                      "%(until)s. Hier nehmen Sie ihn an oder lehnen ab:\n%(offer)s")),
        "payment_due": (_("Bitte bezahlen: %(title)s"),
                        _("Ihr Platz für „%(title)s“ am %(when)s ist bis %(until)s für Sie reserviert. Bitte bezahlen "
                          "Sie bis dahin:\n%(payment)s")),
        "payment_due_payer": (_("Bitte bezahlen: %(title)s für %(name)s"),
                              _("Der Platz von %(name)s für „%(title)s“ am %(when)s ist bis %(until)s reserviert. "
                                "Bitte bezahlen Sie bis dahin:\n%(payment)s")),
        "company_pays": (_("Platz reserviert: %(title)s"),
                         _("%(company)s hat Sie für „%(title)s“ am %(when)s angemeldet. Ihr Platz ist bis %(until)s "
                           "reserviert; Ihr Unternehmen bezahlt die Teilnahme. Sobald die Zahlung eingegangen ist, "
                           "bestätigen wir Ihre Anmeldung.\n\nIhre Anmeldungen:\n%(link)s")),
        "cancelled": (_("Anmeldung storniert: %(title)s"),
                      _("Ihre Anmeldung für „%(title)s“ am %(when)s ist storniert.%(refund)s")),
        "expired": (_("Platzangebot verfallen: %(title)s"),
                    _("Ihr reservierter Platz für „%(title)s“ am %(when)s ist verfallen, weil er nicht rechtzeitig "
                      "angenommen oder bezahlt wurde.")),
        "date_cancelled": (_("Termin abgesagt: %(title)s"),
                           _("Der Termin „%(title)s“ am %(when)s wurde vom Veranstalter abgesagt.\n\nGrund: %(reason)s"
                             "%(refund)s")),
        "reminder_day": (_("Erinnerung: morgen %(title)s"),
                         _("Zur Erinnerung: „%(title)s“ beginnt am %(when)s.\n\nIn Ihren Kalender übernehmen:\n%(ics)s")),
        "reminder_hour": (_("Gleich geht es los: %(title)s"),
                          _("„%(title)s“ beginnt in einer Stunde (%(when)s).\n\nIhre Anmeldungen:\n%(link)s")),
    }
    subject, body = texts[kind]
    values.setdefault("refund", "")
    values.setdefault("reason", "")
    values.setdefault("payment", "")
    return subject % values, body % values


def notify(kind: str, registration, *, recipient=None, **extra) -> None:
    from digitalstadt.mailbox.services import message_send, outbox_enqueue

    person = recipient or registration.participant
    language = getattr(person, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        if extra.get("refund"):
            extra["refund"] = "\n\n" + _("Den bezahlten Betrag (%(amount)s) erstatten wir Ihnen.") % {
                "amount": f"{extra['refund'] / 100:.2f} €".replace(".", ",")}
        else:
            extra["refund"] = ""
        subject, body = _texts(kind, registration, extra)
        sender = registration.event_date.series.organiser.name
    email = recipient.email if recipient is not None else registration.email
    if email:
        outbox_enqueue(to=email, subject=subject, body_text=body, purpose=f"business:{kind}")
    if person is not None:
        message_send(subject=subject, body=body, sender_name=sender, recipient_user=person,
                     regarding=f"business.registration:{registration.pk}")
