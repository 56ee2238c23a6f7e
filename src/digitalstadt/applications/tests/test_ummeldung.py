"""Ummeldung online: the landlord confirms the move-in and gets a code; the citizen with
eID enters new address, day and who moves along, and the code; the move is registered
automatically (register backend), the Meldebestätigung is sealed, the code is spent;
the "after your move" page lists what the move affects. Wrong codes change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from digitalstadt.accounts.models import User
from digitalstadt.applications import services
from digitalstadt.applications.models import CaseStatus
from digitalstadt.register.models import LandlordConfirmation, Resident, ResidentMove, Street
from digitalstadt.register.services import format_code, landlord_confirmation_create
from digitalstadt.testing.fixtures import run_worker_batch

from .conftest import make_citizen
from .test_engine import fill

pytestmark = pytest.mark.django_db
NEW_STREET = ("Liebigstraße", "64293")  # zone JO, district Nord


def landlord_code(*, moved_in, number="14", street=NEW_STREET, tenants=("Emil Eid", "Mia Eid")) -> str:
    from digitalstadt.accounts.types import AssuranceLevel

    landlord = User.objects.filter(email="vermieter@example.org").first() or make_citizen(
        "vermieter@example.org", level=AssuranceLevel.EID_SUBSTANTIAL, eid_subject="demo-eid-vermieter")
    confirmation = landlord_confirmation_create(
        user=landlord, landlord_name="Hausverwaltung Kranich GmbH", landlord_address="Rheinstraße 1, 64283 Darmstadt",
        is_owner=True, owner_name="", street=Street.objects.get(name=street[0], postal_code=street[1]),
        house_number=number, address_extra="2. OG", moved_in=moved_in, tenants=list(tenants))
    return format_code(confirmation.code)


def steps(*, moved_in, code="", way="code", persons=()):
    return {"neue-anschrift": {"street": NEW_STREET[0], "house_number": "14", "postal_code": NEW_STREET[1],
                               "address_extra": "2. OG", "moved_in": moved_in.strftime("%d.%m.%Y")},
            "personen": {"persons": [str(p) for p in persons]},
            "wohnungsgeber": {"way": way, "code": code}}


@pytest.mark.django_db(transaction=True)
def test_with_the_landlords_code_the_move_is_registered_automatically(eid_citizen, seal, client):
    today = timezone.localdate()
    moved_in = today - dt.timedelta(days=3)
    mia = Resident.objects.get(given_names="Mia", family_name="Eid")
    code = landlord_code(moved_in=moved_in)
    case = services.application_submit(application=fill(eid_citizen, "ummeldung",
                                                        steps(moved_in=moved_in, code=code.lower(),
                                                              persons=[mia.pk])), user=eid_citizen)
    assert case.status == CaseStatus.RECEIVED and case.fee_cents == 0
    assert LandlordConfirmation.objects.get().used_by_case == case.reference
    run_worker_batch()
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.decision is not None
    emil = Resident.objects.get(eid_subject="demo-eid-emil")
    mia.refresh_from_db()
    for person in (emil, mia):
        assert (person.street.name, person.house_number, person.address_extra) == ("Liebigstraße", "14", "2. OG")
        assert person.moved_in == moved_in
    assert ResidentMove.objects.filter(case_reference=case.reference).count() == 2
    assert ResidentMove.objects.get(resident=emil).old_street.name == "Heinheimer Straße"

    # The Postfach message leads to what the move affects.
    from digitalstadt.mailbox.models import Message

    decision_message = Message.objects.filter(recipient_user=eid_citizen, subject__startswith="Bescheid").get()
    assert f"/antraege/vorgang/{case.reference}/nach-dem-umzug/" in decision_message.body

    # The after-move page: what the move affects, with the new data.
    client.force_login(eid_citizen)
    page = client.get(f"/antraege/vorgang/{case.reference}/").content.decode()
    assert "Was Ihr Umzug noch betrifft" in page
    after = client.get(f"/antraege/vorgang/{case.reference}/nach-dem-umzug/")
    text = after.content.decode()
    assert after.status_code == 200
    assert "Bewohnerparkausweis für Zone JO" in text and "/antraege/neu/bewohnerparkausweis/" in text
    assert f"Sperrmüll-Abholung in {Street.objects.get(name=NEW_STREET[0]).district.name}" in text
    assert "Meldebescheinigung mit der neuen Anschrift" in text

    # The code is spent: a second registration with it is refused.
    from digitalstadt.register.services import landlord_confirmation_find

    with pytest.raises(ValidationError, match="schon für eine Anmeldung verwendet"):
        landlord_confirmation_find(code=code, street=Street.objects.get(name=NEW_STREET[0]), house_number="14",
                                   moved_in=moved_in)


@pytest.mark.parametrize(("change", "message"), [
    ({"code": "ZZZZZ-99999"}, "Diesen Code kennen wir nicht"),
    ({"day": -1}, "passt nicht zu der Anschrift oder dem Einzugsdatum"),
    ({"code": ""}, "Bitte geben Sie den Code Ihres Wohnungsgebers ein."),
])
def test_a_code_that_does_not_fit_is_explained_and_changes_nothing(eid_citizen, change, message):
    from digitalstadt.applications.plugins.ummeldung import LandlordForm

    moved_in = timezone.localdate() - dt.timedelta(days=3)
    code = landlord_code(moved_in=moved_in)
    street = Street.objects.get(name=NEW_STREET[0])
    form = LandlordForm(data={"way": "code", "code": change.get("code", code)},
                        new_address=(street, "14", moved_in + dt.timedelta(days=change.get("day", 0))))
    assert not form.is_valid()
    assert message in " ".join(form.errors["code"])
    assert LandlordConfirmation.objects.get().used_at is None


def test_the_new_address_must_be_new_in_the_city_and_not_in_the_future(eid_citizen):
    from digitalstadt.applications.plugins.ummeldung import NewAddressForm

    emil = Resident.objects.get(eid_subject="demo-eid-emil")
    today = timezone.localdate()
    same = NewAddressForm(data={"street": "Heinheimer Str.", "house_number": "20", "postal_code": "64289",
                                "moved_in": today.strftime("%d.%m.%Y")}, current=emil)
    assert not same.is_valid() and "schon gemeldet" in str(same.errors)
    future = NewAddressForm(data={"street": "Liebigstraße", "house_number": "14", "postal_code": "64293",
                                  "moved_in": (today + dt.timedelta(days=2)).strftime("%d.%m.%Y")}, current=emil)
    assert not future.is_valid() and "frühestens am Tag des Einzugs" in str(future.errors)
    elsewhere = NewAddressForm(data={"street": "Zeil", "house_number": "1", "postal_code": "60313",
                                     "moved_in": today.strftime("%d.%m.%Y")}, current=emil)
    assert not elsewhere.is_valid() and "nicht in Darmstadt" in str(elsewhere.errors)


@pytest.mark.django_db(transaction=True)
def test_with_an_uploaded_confirmation_a_case_worker_decides(eid_citizen, seal):
    from .conftest import tiny_pdf

    moved_in = timezone.localdate() - dt.timedelta(days=1)
    application = fill(eid_citizen, "ummeldung", steps(moved_in=moved_in, way="upload"),
                       uploads=[("Wohnungsgeberbestätigung (vom Vermieter)", tiny_pdf(), "wgb.pdf")])
    case = services.application_submit(application=application, user=eid_citizen)
    run_worker_batch()
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED  # waits for the registration office
    assert Resident.objects.get(eid_subject="demo-eid-emil").street.name == "Heinheimer Straße"


def test_the_upload_way_needs_the_file(eid_citizen):
    from digitalstadt.applications.selectors import missing_evidence

    moved_in = timezone.localdate() - dt.timedelta(days=1)
    application = fill(eid_citizen, "ummeldung", steps(moved_in=moved_in, way="upload"))
    assert [e.name_de for e in missing_evidence(application=application)] == ["Wohnungsgeberbestätigung (vom Vermieter)"]
    with pytest.raises(ValidationError):
        services.application_submit(application=application, user=eid_citizen)


def test_without_eid_register_record_the_citizen_is_sent_to_the_counter(city):
    from digitalstadt.accounts.types import AssuranceLevel

    newcomer = make_citizen("neu@example.org", level=AssuranceLevel.EID_HIGH, eid_subject="demo-eid-unknown")
    moved_in = timezone.localdate()
    code = landlord_code(moved_in=moved_in)
    with pytest.raises(ValidationError, match="Termin im Bürgerbüro"):
        services.application_submit(application=fill(newcomer, "ummeldung", steps(moved_in=moved_in, code=code)),
                                    user=newcomer)
    assert LandlordConfirmation.objects.get().used_at is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("tenants", "extra", "reason"), [
    (("Mia Eid",), "2. OG", "Emil Eid ist in der Wohnungsgeberbestätigung nicht genannt"),
    (("Emil Eid", "Mia Eid"), "EG rechts", "Lage der Wohnung weicht"),
])
def test_a_code_for_other_people_or_another_flat_goes_to_a_case_worker(eid_citizen, seal, tenants, extra, reason):
    from digitalstadt.applications.models import CaseEvent

    moved_in = timezone.localdate() - dt.timedelta(days=2)
    code = landlord_code(moved_in=moved_in, tenants=tenants)
    data = steps(moved_in=moved_in, code=code)
    data["neue-anschrift"]["address_extra"] = extra
    case = services.application_submit(application=fill(eid_citizen, "ummeldung", data), user=eid_citizen)
    run_worker_batch()
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED
    assert reason in CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.NOTE).internal_text
    assert Resident.objects.get(eid_subject="demo-eid-emil").street.name == "Heinheimer Straße"


@pytest.mark.django_db(transaction=True)
def test_a_self_issued_confirmation_is_never_decided_automatically(eid_citizen, seal):
    moved_in = timezone.localdate()
    confirmation = landlord_confirmation_create(
        user=eid_citizen, landlord_name="Emil Eid", landlord_address="Heinheimer Straße 20", is_owner=True,
        owner_name="", street=Street.objects.get(name=NEW_STREET[0]), house_number="14", address_extra="2. OG",
        moved_in=moved_in, tenants=["Emil Eid"])
    case = services.application_submit(application=fill(eid_citizen, "ummeldung",
                                                        steps(moved_in=moved_in, code=confirmation.code)),
                                       user=eid_citizen)
    run_worker_batch()
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


def test_a_rejected_registration_gives_the_code_back_and_house_numbers_match_loosely(eid_citizen, case_worker, seal):
    moved_in = timezone.localdate() - dt.timedelta(days=1)
    code = landlord_code(moved_in=moved_in, number="14 A")
    data = steps(moved_in=moved_in, code=code, way="code")
    data["neue-anschrift"]["house_number"] = "14a"
    case = services.application_submit(application=fill(eid_citizen, "ummeldung", data), user=eid_citizen)
    assert LandlordConfirmation.objects.get().used_by_case == case.reference
    services.case_decide(case=case, approve=False, reason="Wohnung nicht bezugsfertig", actor=case_worker)
    confirmation = LandlordConfirmation.objects.get()
    assert confirmation.used_at is None and confirmation.used_by_case == ""


def test_only_minors_of_the_family_are_offered_to_move_along(eid_citizen):
    from digitalstadt.register.selectors import household_of

    emil = Resident.objects.get(eid_subject="demo-eid-emil")
    neighbour = Resident.objects.create(family_name="Nachbar", given_names="Nora", birth_date=dt.date(1990, 1, 1),
                                        birth_place="Darmstadt", street=emil.street, house_number="20",
                                        moved_in=dt.date(2020, 1, 1))
    adult_child = Resident.objects.create(family_name="Eid", given_names="Jan", birth_date=dt.date(2001, 1, 1),
                                          birth_place="Darmstadt", street=emil.street, house_number="20",
                                          moved_in=dt.date(2020, 1, 1))
    offered = {r.given_names for r in household_of(resident=emil)}
    assert offered == {"Mia"} and neighbour.given_names not in offered and adult_child.given_names not in offered


def test_landlords_confirm_only_with_the_online_id(client, city):
    plain = make_citizen("ohne-eid@example.org")
    client.force_login(plain)
    response = client.get("/wohnungsgeberbestaetigung/")
    assert response.status_code == 403 and "Vertrauensniveau" in response.content.decode()
    assert client.post("/wohnungsgeberbestaetigung/", {"landlord_name": "X"}).status_code == 403
    assert not LandlordConfirmation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_moving_out_of_the_zone_ends_the_parking_permit_and_refunds_the_unused_days(eid_citizen, case_worker, seal,
                                                                                   client):
    from digitalstadt.parking.models import ResidentPermit
    from digitalstadt.payments.models import Refund
    from digitalstadt.payments.services import refund_mark_paid

    from .conftest import tiny_pdf
    from .test_engine import FAHRZEUGSCHEIN, pay, permit_steps

    permit_case = services.application_submit(application=fill(
        eid_citizen, "bewohnerparkausweis", permit_steps(), uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
        user=eid_citizen)
    pay(permit_case)
    permit_case.refresh_from_db()
    services.case_change_status(case=permit_case, status=CaseStatus.IN_REVIEW, actor=case_worker)
    permit_case.refresh_from_db()
    services.case_decide(case=permit_case, approve=True, reason="", actor=case_worker)
    permit = ResidentPermit.objects.get(holder=eid_citizen)
    assert permit.zone.code == "WA1"
    paid, total = permit_case.payment.amount_received_cents, (permit.valid_until - permit.valid_from).days + 1

    moved_in = timezone.localdate()
    code = landlord_code(moved_in=moved_in)
    case = services.application_submit(application=fill(eid_citizen, "ummeldung", steps(moved_in=moved_in, code=code)),
                                       user=eid_citizen)
    run_worker_batch()
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    permit.refresh_from_db()
    unused = total - ((moved_in - permit.valid_from).days + 1)
    assert permit.valid_until == moved_in
    refund = Refund.objects.get(payment=permit_case.payment)
    assert refund.amount_cents == round(paid * unused / total) and 0 < refund.amount_cents < paid
    assert case.result["permits_ended"][0]["refund_cents"] == refund.amount_cents

    client.force_login(eid_citizen)
    text = client.get(f"/antraege/vorgang/{case.reference}/nach-dem-umzug/").content.decode()
    assert "Zone WA1 (DA-AB 123) endete am" in text and "erstatten wir" in text
    assert "Bewohnerparkausweis für Zone JO" in text  # and the new one is offered

    # The cash office pays it out once; a second claim can never exceed what came in.
    refund_mark_paid(refund_id=refund.pk, actor=case_worker)
    with pytest.raises(ValidationError):
        refund_mark_paid(refund_id=refund.pk, actor=case_worker)
    from digitalstadt.payments.services import refund_request

    extra = refund_request(payment_id=permit_case.payment_id, amount_cents=paid, reason="Test")
    assert extra.amount_cents == paid - refund.amount_cents
    assert refund_request(payment_id=permit_case.payment_id, amount_cents=1, reason="Test") is None


def test_landlord_confirmations_are_kept_a_year(eid_citizen):
    from django.db.models import F

    from digitalstadt.core.retention import purge_expired_data

    moved_in = timezone.localdate()
    landlord_code(moved_in=moved_in)
    landlord_code(moved_in=moved_in, number="16")
    LandlordConfirmation.objects.filter(house_number="16").update(created_at=F("created_at") - dt.timedelta(days=366))
    assert purge_expired_data()["landlord_confirmations"] == 1
    assert list(LandlordConfirmation.objects.values_list("house_number", flat=True)) == ["14"]
