"""Sperrmüll: the cut-off per district, the accepted/not accepted list before ordering
and in the confirmation, online cancellation until the cut-off, the EAD as the office.

The suite's default instant is Tuesday 1 December 2026, 09:30; Darmstadt-Nord (Heinheimer
Straße) has its pick-up days on Wednesdays, from 2 December on."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from digitalstadt.applications import services
from digitalstadt.applications.models import CaseStatus
from digitalstadt.applications.plugins.base import get_plugin
from digitalstadt.catalog.models import Service
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.models import Message
from digitalstadt.register.models import District, PickupDate
from digitalstadt.register.selectors import pickup_cutoff, pickup_dates_open
from digitalstadt.testing.fixtures import run_worker_batch
from digitalstadt.testing.pdf import pdf_text

from .conftest import make_citizen

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
ADDRESS = {"street": "Heinheimer Straße", "house_number": "20", "postal_code": "64289"}
WED_2_DEC = dt.date(2026, 12, 2)
WED_9_DEC = dt.date(2026, 12, 9)


@pytest.fixture
def citizen(city):
    return make_citizen("berta@example.org")


def at(clock, *args) -> None:
    clock.move_to(dt.datetime(*args, tzinfo=BERLIN))


def offered(user, application) -> list[str]:
    plugin = get_plugin("sperrmuell")
    kwargs = plugin.form_kwargs(step=plugin.step("abholung"), data=application.data, user=user)
    return [value for value, _label in kwargs["pickup_choices"]]


def draft_with_address(user):
    plugin = get_plugin("sperrmuell")
    application = services.application_start(service=Service.objects.get(slug="sperrmuell"), user=user)
    form = plugin.step("adresse").form_class(data=ADDRESS)
    assert form.is_valid(), form.errors
    return services.application_save_step(application=application, step_key="adresse", cleaned=form.cleaned_data,
                                          user=user)


def ordered_case(user, day: dt.date):
    plugin = get_plugin("sperrmuell")
    application = draft_with_address(user)
    kwargs = plugin.form_kwargs(step=plugin.step("abholung"), data=application.data, user=user)
    form = plugin.step("abholung").form_class(data={"pickup_date": day.isoformat(), "items": "1 Sofa", "volume": "2"},
                                              **kwargs)
    assert form.is_valid(), form.errors
    services.application_save_step(application=application, step_key="abholung", cleaned=form.cleaned_data,
                                   user=user)
    return services.application_submit(application=application, user=user)


# --- cut-off ------------------------------------------------------------------------------


def test_tomorrow_is_not_offered_at_five_to_eight_the_evening_before(citizen, clock):
    """At 19:55 on Tuesday 1 December, Wednesday's pick-up (cut-off Monday 12:00) is gone;
    the next Wednesday is the first day offered, and it says until when to order."""
    application = draft_with_address(citizen)
    at(clock, 2026, 12, 1, 19, 55)
    days = offered(citizen, application)
    assert WED_2_DEC.isoformat() not in days
    assert days[0] == WED_9_DEC.isoformat()
    plugin = get_plugin("sperrmuell")
    form = plugin.step("abholung").form_class(**plugin.form_kwargs(step=plugin.step("abholung"),
                                                                   data=application.data, user=citizen))
    assert str(form.fields["pickup_date"].help_text) == (
        "Bestellen und absagen können Sie bis 12:00 Uhr, 2 Werktage vor dem Abholtag.")
    # A hand-made POST for the day after is refused with a clear message.
    bound = plugin.step("abholung").form_class(
        data={"pickup_date": WED_2_DEC.isoformat(), "items": "1 Sofa", "volume": "2"},
        **plugin.form_kwargs(step=plugin.step("abholung"), data=application.data, user=citizen))
    assert not bound.is_valid()
    assert "Anmeldeschluss ist vorbei" in bound.errors["pickup_date"][0]


def test_the_cut_off_is_data_per_district(citizen, clock):
    """A district whose cut-off is 20:00 on the day before still offers tomorrow at 19:55,
    and no longer at 20:00 (the boundary itself is past)."""
    District.objects.filter(slug="nord").update(pickup_cutoff_days=1, pickup_cutoff_time=dt.time(20, 0))
    application = draft_with_address(citizen)
    at(clock, 2026, 12, 1, 19, 55)
    assert offered(citizen, application)[0] == WED_2_DEC.isoformat()
    at(clock, 2026, 12, 1, 20, 0)
    assert offered(citizen, application)[0] == WED_9_DEC.isoformat()


@pytest.mark.parametrize("day, cutoff", [
    (dt.date(2026, 12, 9), dt.datetime(2026, 12, 7, 12, 0)),  # Wednesday -> Monday
    (dt.date(2026, 12, 7), dt.datetime(2026, 12, 3, 12, 0)),  # Monday -> Thursday (the weekend is skipped)
    (dt.date(2026, 12, 29), dt.datetime(2026, 12, 24, 12, 0)),  # Tuesday after Christmas: Mon 28, Thu 24
    (dt.date(2027, 5, 28), dt.datetime(2027, 5, 25, 12, 0)),  # Friday after Fronleichnam (Hessian holiday)
])
def test_the_cut_off_counts_working_days_without_hessian_holidays(city, day, cutoff):
    nord = District.objects.get(slug="nord")
    assert pickup_cutoff(district=nord, day=day) == cutoff.replace(tzinfo=BERLIN)


def test_a_day_whose_cut_off_passed_fails_at_submission(citizen, clock):
    """Chosen on Monday morning, submitted after noon: refused, no place taken."""
    at(clock, 2026, 12, 7, 9, 0)
    application = draft_with_address(citizen)
    plugin = get_plugin("sperrmuell")
    kwargs = plugin.form_kwargs(step=plugin.step("abholung"), data=application.data, user=citizen)
    form = plugin.step("abholung").form_class(
        data={"pickup_date": WED_9_DEC.isoformat(), "items": "1 Sofa", "volume": "2"}, **kwargs)
    assert form.is_valid(), form.errors
    services.application_save_step(application=application, step_key="abholung", cleaned=form.cleaned_data,
                                   user=citizen)
    at(clock, 2026, 12, 7, 12, 1)
    with pytest.raises(ValidationError, match="nicht mehr gültig"):
        services.application_submit(application=application, user=citizen)
    assert PickupDate.objects.get(district__slug="nord", date=WED_9_DEC).booked == 0


def test_open_days_respect_the_cut_off_in_the_register(city):
    nord = District.objects.get(slug="nord")
    before = dt.datetime(2026, 12, 7, 11, 59, tzinfo=BERLIN)
    after = dt.datetime(2026, 12, 7, 12, 0, tzinfo=BERLIN)
    assert WED_9_DEC in [d.date for d in pickup_dates_open(district=nord, now=before)]
    assert WED_9_DEC not in [d.date for d in pickup_dates_open(district=nord, now=after)]


# --- what is collected ---------------------------------------------------------------------


def test_the_form_shows_what_is_and_is_not_collected_before_ordering(client, citizen):
    application = draft_with_address(citizen)
    client.force_login(citizen)
    html = client.get(reverse("applications:step", kwargs={"uuid": application.uuid, "step": "abholung"})
                      ).content.decode()
    accepted = html.index("Das wird abgeholt")
    refused = html.index("Das wird nicht abgeholt")
    assert accepted < html.index("Matratzen und Lattenroste") < refused
    assert refused < html.index("Elektrogeräte") and refused < html.index("Autoreifen")
    assert html.index("Autoreifen") < html.index('name="pickup_date"')  # before the order form


@pytest.mark.django_db(transaction=True)
def test_the_confirmation_prints_the_same_list_and_the_ead_as_sender(citizen, seal):
    from digitalstadt.register.models import BulkyWasteItem

    BulkyWasteItem.objects.create(name_de="Klaviere (Testeintrag)", accepted=False, order=99)
    case = ordered_case(citizen, WED_9_DEC)
    assert case.office.slug == "ead"
    run_worker_batch()
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert case.decision.issuing_office.startswith("EAD")
    text = pdf_text(case.decision.file.open("rb").read())
    assert "EAD – Eigenbetrieb für kommunale Aufgaben und Dienstleistungen" in text
    assert "06151 13-46000" in text
    assert "Bürger- und Ordnungsamt" not in text
    assert "Matratzen und Lattenroste" in text and "Klaviere (Testeintrag)" in text
    assert "online im Vorgang bis Montag, 7. Dezember 2026, 12:00 Uhr" in " ".join(text.split())
    message = Message.objects.filter(recipient_user=citizen, subject__startswith="Bescheid").get()
    assert message.sender_name.startswith("EAD")


def test_the_service_page_names_the_ead(client, city):
    html = client.get(reverse("catalog:detail", kwargs={"slug": "sperrmuell"})).content.decode()
    assert "EAD – Eigenbetrieb für kommunale Aufgaben und Dienstleistungen" in html
    assert "Bürger- und Ordnungsamt" not in html


# --- cancellation --------------------------------------------------------------------------


def test_cancelling_before_the_cut_off_frees_the_place(client, citizen, clock):
    case = ordered_case(citizen, WED_9_DEC)
    pickup = PickupDate.objects.get(district__slug="nord", date=WED_9_DEC)
    assert pickup.booked == 1
    client.force_login(citizen)
    page = client.get(reverse("applications:case", kwargs={"reference": case.reference})).content.decode()
    assert "Abholung absagen" in page and "Montag, 7. Dezember 2026, 12:00 Uhr" in page
    assert "EAD – Eigenbetrieb" in page
    # The case page says when the pick-up is, and where.
    assert ('<dt class="kern-description-list-item__key">Abholtag</dt><dd class="kern-description-list-item__value">'
            "Mittwoch, 9. Dezember 2026</dd>") in page
    confirm = client.get(reverse("applications:cancel", kwargs={"reference": case.reference}))
    assert confirm.status_code == 200
    assert "Ja, Abholung absagen" in confirm.content.decode()
    assert case.status == CaseStatus.RECEIVED and pickup.booked == 1  # GET changes nothing

    at(clock, 2026, 12, 7, 11, 59)
    client.force_login(citizen)  # days later: a new session
    response = client.post(reverse("applications:cancel", kwargs={"reference": case.reference}), follow=True)
    assert "Sie haben abgesagt." in response.content.decode()
    case.refresh_from_db()
    pickup.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and pickup.booked == 0 and case.result["pickup_released"]
    assert AuditEntry.objects.filter(action="applications.case_cancelled", subject_id=str(case.pk)).exists()
    message = Message.objects.get(recipient_user=citizen, subject=f"Abgesagt: {case.reference}")
    assert message.sender_name.startswith("EAD")
    # Twice is refused and gives nothing back twice.
    with pytest.raises(ValidationError, match="bereits abgeschlossen"):
        services.case_cancel(case=case, user=citizen)
    pickup.refresh_from_db()
    assert pickup.booked == 0
    assert "Abholung absagen" not in client.get(
        reverse("applications:case", kwargs={"reference": case.reference})).content.decode()


def test_after_the_cut_off_the_button_is_gone_and_a_post_is_refused(client, citizen, clock):
    case = ordered_case(citizen, WED_9_DEC)
    at(clock, 2026, 12, 7, 12, 0)
    client.force_login(citizen)
    page = client.get(reverse("applications:case", kwargs={"reference": case.reference})).content.decode()
    assert "Abholung absagen" not in page
    response = client.post(reverse("applications:cancel", kwargs={"reference": case.reference}), follow=True)
    html = response.content.decode()
    assert ("Der Anmeldeschluss für diesen Abholtag ist vorbei; online absagen geht nicht mehr. Bitte rufen Sie "
            "EAD – Eigenbetrieb für kommunale Aufgaben und Dienstleistungen an: 06151 13-46000.") in html
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED
    assert PickupDate.objects.get(district__slug="nord", date=WED_9_DEC).booked == 1
    assert not AuditEntry.objects.filter(action="applications.case_cancelled").exists()


def test_only_the_applicant_cancels(client, citizen):
    case = ordered_case(citizen, WED_9_DEC)
    other = make_citizen("other@example.org")
    with pytest.raises(PermissionDenied):
        services.case_cancel(case=case, user=other)
    client.force_login(other)
    assert client.post(reverse("applications:cancel", kwargs={"reference": case.reference})).status_code == 404
    assert client.get(reverse("applications:cancel", kwargs={"reference": case.reference})).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


def test_cancel_needs_the_csrf_token(citizen):
    from django.test import Client

    case = ordered_case(citizen, WED_9_DEC)
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.post(reverse("applications:cancel", kwargs={"reference": case.reference})).status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


def test_services_without_online_cancellation_have_no_cancel_page(client, eid_citizen):
    from .test_engine import fill

    eid = eid_citizen
    application = fill(eid, "meldebescheinigung", {"bescheinigung": {"kind": "simple"}})
    case = services.application_submit(application=application, user=eid)
    client.force_login(eid)
    assert client.get(reverse("applications:cancel", kwargs={"reference": case.reference})).status_code == 404
    assert services.case_cancellable_until(case=case) is None
