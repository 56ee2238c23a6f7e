"""The application engine through its services: drafts, uploads, submission, fees,
payment, case work, decisions; and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from digitalstadt.applications import services
from digitalstadt.applications.models import Application, Case, CaseStatus, EvidenceUpload
from digitalstadt.applications.plugins.base import get_plugin
from digitalstadt.catalog.models import Evidence, Fee, Service
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.models import Message
from digitalstadt.payments.models import PaymentStatus
from digitalstadt.register.models import PickupDate
from digitalstadt.testing.fixtures import run_worker_batch

from .conftest import Upload, make_case_worker, make_citizen, permit_year_fee_cents, tiny_pdf, tiny_png

pytestmark = pytest.mark.django_db

TODAY = lambda: timezone.localdate()  # noqa: E731


def fill(user, slug: str, steps: dict, uploads=()) -> Application:
    """Fill a draft through the services, each step validated by its form like the view."""
    service = Service.objects.get(slug=slug)
    application = services.application_start(service=service, user=user)
    plugin = get_plugin(slug)
    for step in plugin.steps():
        form = step.form_class(data=steps[step.key], **plugin.form_kwargs(step=step, data=application.data, user=user))
        assert form.is_valid(), (step.key, form.errors)
        application = services.application_save_step(application=application, step_key=step.key,
                                                     cleaned=form.cleaned_data, user=user)
    for evidence_name, content, filename in uploads:
        evidence = Evidence.objects.get(service=service, name_de=evidence_name)
        services.application_upload_evidence(application=application, evidence=evidence,
                                             uploaded=Upload(content, filename), user=user)
    return application


def permit_steps(plate="DA-AB 123", use="own", duration="year", street="Heinheimer Straße", number="20",
                 postal_code="64289"):
    return {"adresse": {"street": street, "house_number": number, "postal_code": postal_code},
            "fahrzeug": {"plate": plate, "use": use, "duration": duration, "valid_from": TODAY().isoformat()}}


FAHRZEUGSCHEIN = "Fahrzeugschein (Zulassungsbescheinigung Teil I)"


def pay(case: Case) -> None:
    from digitalstadt.payments.conf import creditor
    from digitalstadt.payments.services import statement_import_camt053
    from digitalstadt.testing.camt import Credit, camt053

    statement_import_camt053(content=camt053(iban=creditor().iban, credits=[
        Credit(f"{case.payment.reference} {case.service.name_de}", case.payment.amount_cents)]), filename="a.xml")


# --- drafts and submission ----------------------------------------------------------------


@pytest.mark.instants()
def test_a_permit_application_freezes_zone_and_fee_and_waits_for_payment(citizen):
    application = fill(citizen, "bewohnerparkausweis", permit_steps(plate="da ab 123"),
                       uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "schein.pdf")])
    assert application.data["fahrzeug"]["plate"] == "DA-AB 123"
    case = services.application_submit(application=application, user=citizen)
    assert case.reference == f"DA-{TODAY().year}-000001"
    assert case.status == CaseStatus.AWAITING_PAYMENT
    fee = permit_year_fee_cents(TODAY())
    assert case.fee_cents == fee and case.payment.amount_cents == fee
    assert case.result["zone"]["code"] == "WA1"
    assert case.uploads.count() == 1
    # A fee change afterwards does not touch the submitted case.
    Fee.objects.filter(service__slug="bewohnerparkausweis", code="year").update(amount_cents=99900)
    case.refresh_from_db()
    assert case.fee_cents == fee and case.payment.amount_cents == fee
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    with pytest.raises(ValidationError):
        services.application_submit(application=application, user=citizen)
    assert Case.objects.count() == 1


def test_the_planned_fee_rise_applies_by_submission_day(citizen):
    application = fill(citizen, "bewohnerparkausweis", permit_steps(), uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")])
    plugin = get_plugin("bewohnerparkausweis")
    service = application.service
    assert plugin.fee(service=service, data=application.data, day=dt.date(2027, 3, 31)).total_cents == 12000
    assert plugin.fee(service=service, data=application.data, day=dt.date(2027, 4, 1)).total_cents == 18000


def test_an_address_without_zone_or_outside_the_city_is_refused_with_a_message(citizen):
    plugin = get_plugin("bewohnerparkausweis")
    step = plugin.step("adresse")
    outside = step.form_class(data={"street": "Unter den Linden", "house_number": "1", "postal_code": "10117"})
    assert not outside.is_valid() and "liegt nicht in Darmstadt" in str(outside.non_field_errors())
    no_zone = step.form_class(data={"street": "Heinheimer Straße", "house_number": "80", "postal_code": "64289"})
    assert not no_zone.is_valid() and "keine Bewohnerparkzone" in str(no_zone.non_field_errors())
    bad_plate = plugin.step("fahrzeug").form_class(data={"plate": "12345", "use": "own", "duration": "year",
                                                         "valid_from": TODAY().isoformat()})
    assert not bad_plate.is_valid() and "Kennzeichen" in str(bad_plate.errors["plate"])


def test_submission_needs_every_step_and_the_required_evidence(citizen):
    service = Service.objects.get(slug="bewohnerparkausweis")
    application = services.application_start(service=service, user=citizen)
    with pytest.raises(ValidationError, match="alle Schritte"):
        services.application_submit(application=application, user=citizen)
    application = fill(citizen, "bewohnerparkausweis", permit_steps(use="company"))
    with pytest.raises(ValidationError, match="Fahrzeugschein"):
        services.application_submit(application=application, user=citizen)
    services.application_upload_evidence(application=application, evidence=Evidence.objects.get(
        service=service, name_de=FAHRZEUGSCHEIN), uploaded=Upload(tiny_pdf(), "s.pdf"), user=citizen)
    # A company car also needs the proof of use.
    with pytest.raises(ValidationError, match="Firmen- oder Leihwagen"):
        services.application_submit(application=application, user=citizen)
    assert not Case.objects.exists()


def test_uploads_are_recognised_by_content_and_stored_under_generated_names(citizen, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 2000
    application = fill(citizen, "bewohnerparkausweis", permit_steps())
    evidence = Evidence.objects.get(service=application.service, name_de=FAHRZEUGSCHEIN)
    for content, name, message in [(b"just text, not a PDF", "schein.pdf", "PDF-, JPEG- oder PNG"),
                                   (b"%PDF-" + b"x" * 3000, "gross.pdf", "zu groß"), (b"", "leer.png", "leer")]:
        with pytest.raises(ValidationError, match=message):
            services.application_upload_evidence(application=application, evidence=evidence,
                                                 uploaded=Upload(content, name), user=citizen)
    assert not EvidenceUpload.objects.exists()
    upload = services.application_upload_evidence(application=application, evidence=evidence,
                                                  uploaded=Upload(tiny_png(), "../../etc/Foto vom Schein.jpg"),
                                                  user=citizen)
    document = upload.document
    assert document.content_type == "image/png" and document.filename == "Foto vom Schein.png"
    assert "Foto" not in document.file.name and document.uuid.hex in document.file.name
    assert str(settings.MEDIA_ROOT) not in str(settings.STATIC_ROOT)


def test_only_the_applicant_touches_a_draft(citizen, city):
    other = make_citizen("other@example.org")
    service = Service.objects.get(slug="sperrmuell")
    application = services.application_start(service=service, user=citizen)
    for call in (lambda: services.application_save_step(application=application, step_key="adresse", cleaned={},
                                                        user=other),
                 lambda: services.application_submit(application=application, user=other),
                 lambda: services.application_discard(application=application, user=other)):
        with pytest.raises(PermissionDenied):
            call()
    assert Application.objects.filter(pk=application.pk).exists()


def test_meldebescheinigung_needs_eid_and_a_register_record(citizen, eid_citizen):
    service = Service.objects.get(slug="meldebescheinigung")
    with pytest.raises(PermissionDenied):
        services.application_start(service=service, user=citizen)
    stranger = make_citizen("eid-no-record@example.org", level="eid_high", eid_subject="nobody")
    application = fill(stranger, "meldebescheinigung", {"bescheinigung": {"kind": "simple"}})
    with pytest.raises(ValidationError, match="Melderegister"):
        services.application_submit(application=application, user=stranger)


@pytest.mark.django_db(transaction=True)
def test_meldebescheinigung_is_decided_automatically_after_payment(eid_citizen, seal):
    application = fill(eid_citizen, "meldebescheinigung", {"bescheinigung": {"kind": "extended", "purpose": "Job"}})
    case = services.application_submit(application=application, user=eid_citizen)
    run_worker_batch()
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_PAYMENT and case.receipt is not None and case.decision is None
    pay(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED and case.payment.status == PaymentStatus.PAID
    run_worker_batch()
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.decision.document_type == "Meldebescheinigung"
    assert case.result["record"]["address_line"] == "Heinheimer Straße 20"
    messages = Message.objects.filter(recipient_user=eid_citizen)
    assert {d.pk for m in messages for d in m.documents.all()} >= {case.receipt_id, case.decision_id}
    assert AuditEntry.objects.filter(action="applications.case_decided", subject_id=str(case.pk),
                                     data__automatic=True).exists()
    _assert_valid_seal(case.decision)


def credit(remittance: str, cents: int) -> None:
    from digitalstadt.payments.conf import creditor
    from digitalstadt.payments.services import statement_import_camt053
    from digitalstadt.testing.camt import Credit, camt053

    statement_import_camt053(content=camt053(iban=creditor().iban, credits=[Credit(remittance, cents)],
                                             day=TODAY()), filename=f"{remittance[:20]}.xml")


def test_money_naming_another_citizens_case_is_never_booked_to_this_payment(citizen, eid_citizen, seal):
    """The reproduction: a Meldebescheinigung paid by a reference issued before the RF
    form (DA-2026-000004-1); a 10 EUR credit "Aktenzeichen DA-2026-000004 1 Exemplar"
    names another citizen's case (same counter value, and the next digit happens to be
    the check digit). It must land in review, not pay the certificate."""
    from digitalstadt.payments.models import MatchStatus, Payment, PaymentTransaction
    from digitalstadt.payments.references import format_legacy_reference
    from digitalstadt.payments.selectors import reference_for_people

    parking = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(),
                                                            uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                          user=citizen)
    certificate = services.application_submit(
        application=fill(eid_citizen, "meldebescheinigung", {"bescheinigung": {"kind": "extended", "purpose": "Job"}}),
        user=eid_citizen)
    payment = certificate.payment
    number = int(parking.reference[-6:])
    legacy = format_legacy_reference(prefix="DA", year=TODAY().year, number=number)
    Payment.objects.filter(pk=payment.pk).update(reference=legacy)  # issued before the RF form
    rf_payment = parking.payment
    assert rf_payment.reference.startswith("RF")

    credit(f"Aktenzeichen {parking.reference} {legacy[-1]} Exemplar", payment.amount_cents)
    credit(f"{legacy}7", payment.amount_cents)  # the right old reference with a digit glued on
    credit(f"{rf_payment.reference}7", rf_payment.amount_cents)  # the same for an RF reference
    credit(parking.reference, rf_payment.amount_cents)  # a case reference alone
    for case in (certificate, parking):
        case.refresh_from_db()
        assert case.status == CaseStatus.AWAITING_PAYMENT and case.decision is None
        assert case.payment.status == PaymentStatus.OPEN and case.payment.amount_received_cents == 0
    review = PaymentTransaction.objects.filter(needs_review=True, match_status=MatchStatus.UNKNOWN, payment=None)
    assert review.count() == 4

    # Two references in one text, or the right one with the wrong amount: review too.
    credit(f"{reference_for_people(rf_payment.reference)} und {legacy}", payment.amount_cents)
    credit(reference_for_people(rf_payment.reference), rf_payment.amount_cents - 1)
    parking.refresh_from_db()
    assert parking.status == CaseStatus.AWAITING_PAYMENT
    assert parking.payment.status == PaymentStatus.PARTIALLY_PAID and parking.payment.needs_review
    assert PaymentTransaction.objects.filter(needs_review=True).count() == 6
    # The exact old reference still pays the certificate.
    credit(f"Meldebescheinigung {legacy}", payment.amount_cents)
    certificate.refresh_from_db()
    assert certificate.payment.status == PaymentStatus.PAID


def test_a_partial_payment_does_not_start_processing(eid_citizen):
    from digitalstadt.payments.conf import creditor
    from digitalstadt.payments.services import statement_import_camt053
    from digitalstadt.testing.camt import Credit, camt053

    case = services.application_submit(application=fill(eid_citizen, "meldebescheinigung",
                                                        {"bescheinigung": {"kind": "simple"}}), user=eid_citizen)
    statement_import_camt053(content=camt053(iban=creditor().iban, credits=[
        Credit(case.payment.reference, case.fee_cents - 1)]), filename="p.xml")
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_PAYMENT and case.payment.status == PaymentStatus.PARTIALLY_PAID


def test_automatic_decision_falls_back_to_the_office_when_the_eid_is_gone(eid_citizen):
    case = services.application_submit(application=fill(eid_citizen, "meldebescheinigung",
                                                        {"bescheinigung": {"kind": "simple"}}), user=eid_citizen)
    pay(case)
    type(eid_citizen).objects.filter(pk=eid_citizen.pk).update(assurance_level="email")
    assert services.case_decide_automatically(case_id=case.pk) == "manual"
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED and case.decision is None


def _assert_valid_seal(document):
    import io as _io

    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from digitalstadt.core import signing

    with document.file.open("rb") as handle:
        pdf = handle.read()
    root = load_cert_from_pemder(str(signing.signing_dir() / signing.DEV_ROOT_FILE))
    signature = PdfFileReader(_io.BytesIO(pdf)).embedded_signatures[0]
    # pyHanko's sync API calls asyncio.run(): not in a thread where an event loop runs (a
    # browser test on the same worker leaves Playwright's loop running).
    from digitalstadt.core.signing import _outside_event_loop

    status = _outside_event_loop(validate_pdf_signature, signature,
                                 ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE


# --- case work -----------------------------------------------------------------------------


def test_case_work_evidence_request_answer_and_permit_decision(citizen, case_worker, seal):
    case = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=citizen)
    with pytest.raises(ValidationError):  # not yet paid: nothing to request
        services.case_request_evidence(case=case, text="Bitte Rückseite", due_date=None, actor=case_worker)
    pay(case)
    case.refresh_from_db()
    services.case_change_status(case=case, status=CaseStatus.IN_REVIEW, actor=case_worker)
    case.refresh_from_db()
    assert case.assigned_to == case_worker
    with pytest.raises(ValidationError):
        services.case_request_evidence(case=case, text="   ", due_date=None, actor=case_worker)
    request = services.case_request_evidence(case=case, text="Bitte die Rückseite des Fahrzeugscheins.",
                                             due_date=TODAY() + dt.timedelta(days=14), actor=case_worker)
    case.refresh_from_db()
    assert case.status == CaseStatus.EVIDENCE_REQUESTED
    assert Message.objects.filter(recipient_user=citizen, subject__startswith="Nachweis benötigt").exists()
    with pytest.raises(ValidationError, match="PDF-, JPEG- oder PNG"):
        services.evidence_request_answer(request=request, text="", files=[Upload(b"GIF89a", "x.gif")], user=citizen)
    with pytest.raises(PermissionDenied):
        services.evidence_request_answer(request=request, text="hi", files=[], user=case_worker)
    services.evidence_request_answer(request=request, text="Anbei", files=[Upload(tiny_png(), "r.png")],
                                     user=citizen)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.uploads.count() == 2
    with pytest.raises(ValidationError, match="Begründung"):
        services.case_decide(case=case, approve=False, reason="", actor=case_worker)
    services.case_decide(case=case, approve=True, reason="", actor=case_worker)
    case.refresh_from_db()
    from digitalstadt.parking.models import ResidentPermit

    permit = ResidentPermit.objects.get(case_reference=case.reference)
    assert (permit.plate, permit.zone.code, permit.document_id) == ("DA-AB 123", "WA1", case.decision_id)
    assert case.decision.document_type == "Bewohnerparkausweis"
    _assert_valid_seal(case.decision)
    # Every status change reached the citizen's Postfach.
    subjects = list(Message.objects.filter(recipient_user=citizen).values_list("subject", flat=True))
    assert any(s.startswith("Neuer Stand") for s in subjects) and any(s.startswith("Bescheid") for s in subjects)
    # The same plate cannot get a second overlapping permit in the zone.
    again = fill(citizen, "bewohnerparkausweis", permit_steps(), uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")])
    with pytest.raises(ValidationError, match="bereits einen Ausweis"):
        services.application_submit(application=again, user=citizen)


def test_case_workers_of_another_office_cannot_act(citizen, city):
    outsider = make_case_worker("outsider@stadt.example", city["wirtschaftsfoerderung"])
    case = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=citizen)
    for call in (lambda: services.case_assign(case=case, assignee=outsider, actor=outsider),
                 lambda: services.case_add_note(case=case, text="x", actor=outsider),
                 lambda: services.case_decide(case=case, approve=True, reason="", actor=outsider),
                 lambda: services.case_decide(case=case, approve=True, reason="", actor=citizen)):
        with pytest.raises(PermissionDenied):
            call()
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_PAYMENT and case.assigned_to is None


@pytest.mark.instants()
def test_hundesteuer_rates_follow_the_statute(citizen):
    plugin = get_plugin("hundesteuer")
    service = Service.objects.get(slug="hundesteuer")
    since = dt.date(TODAY().year, 1, 15)
    cases = [(0, False, 12000), (1, False, 15600), (2, False, 19200), (5, False, 19200), (0, True, 60000),
             (3, True, 60000)]
    for other_dogs, dangerous, annual in cases:
        data = {"halter": {"other_dogs": other_dogs}, "hund": {"since": since.isoformat(), "dangerous": dangerous}}
        tax = plugin.tax(service=service, data=data, day=dt.date(TODAY().year, 3, 1))
        assert tax["annual_cents"] == annual, (other_dogs, dangerous)
        assert tax["years"] == [{"year": TODAY().year, "months": 11, "annual_cents": annual,
                                 "cents": annual * 11 // 12}]
        assert tax["due_cents"] == annual * 11 // 12


def register_dog(citizen, *, since: dt.date, other_dogs: int = 1) -> Case:
    application = fill(citizen, "hundesteuer", {
        "halter": {"street": "Heinheimer Straße", "house_number": "20", "postal_code": "64289",
                   "other_dogs": str(other_dogs)},
        "hund": {"name": "Bello", "breed": "Mischling", "sex": "male", "since": since.isoformat(),
                 "reduction": "none"}})
    case = services.application_submit(application=application, user=citizen)
    assert case.status == CaseStatus.RECEIVED and case.payment is None  # registering is free
    return case


def decision_text(case: Case) -> str:
    from digitalstadt.testing.pdf import pdf_text

    with case.decision.file.open("rb") as handle:
        return pdf_text(handle.read())


@pytest.mark.instants()
def test_hundesteuer_assessment_asks_for_the_tax_when_it_falls_due(citizen, case_worker, seal, clock):
    """A dog that came today: from the month after, the rest of this year is due a month
    after the assessment; a December dog owes nothing this year, and its first year's
    tax falls due on 1 July next year."""
    from digitalstadt.payments.models import Payment
    from digitalstadt.payments.selectors import reference_for_people

    today = clock.today()
    case = register_dog(citizen, since=today)
    assert case.result["tax"]["annual_cents"] == 15600
    services.case_decide(case=case, approve=True, reason="", actor=case_worker)
    case.refresh_from_db()
    payment = Payment.objects.get(reference=case.result["tax_payment"]["reference"])
    assert payment.payer == citizen and case.decision.document_type == "Hundesteuerbescheid"
    text = decision_text(case)
    if today.month < 12:
        months = 12 - today.month
        assert case.result["tax"]["years"] == [{"year": today.year, "months": months, "annual_cents": 15600,
                                                "cents": 15600 * months // 12}]
        assert payment.amount_cents == 15600 * months // 12 == case.result["tax"]["due_cents"]
        assert payment.due_on == today + dt.timedelta(days=30)
        assert f"bis zum {payment.due_on:%d.%m.%Y}" in text
    else:
        next_year = today.year + 1
        assert case.result["tax"]["due_cents"] == 0 and case.result["tax"]["years"] == []
        assert payment.amount_cents == 15600 and payment.due_on == dt.date(next_year, 7, 1)
        assert payment.purpose == f"Hundesteuer {next_year} {case.reference}"
        assert f"Für {today.year} ist keine Steuer zu zahlen" in text
        assert f"Die Steuer für {next_year} von 156,00 € wird am 01.07.{next_year} fällig" in text
    assert reference_for_people(payment.reference) in text


@pytest.mark.instants("1-december", "new-years-eve")
def test_a_december_dog_is_assessed_for_next_year_and_shown_so_before_submitting(citizen, clock):
    """The summary says what the citizen will owe and when, before they submit."""
    plugin = get_plugin("hundesteuer")
    service = Service.objects.get(slug="hundesteuer")
    today = clock.today()
    data = {"halter": {"other_dogs": 0}, "hund": {"since": today.isoformat()}}
    tax = plugin.tax(service=service, data=data, day=today)
    assert tax["due_cents"] == 0
    assert tax["first_year"] == {"year": today.year + 1, "months": 12, "annual_cents": 12000, "cents": 12000,
                                 "due_date": f"{today.year + 1}-07-01"}
    [row] = [r for r in plugin.extra_summary(step=plugin.step("hund"), data=data) if "fällig" in r[0]]
    assert row == (f"Steuer für {today.year + 1} (12 Monate), fällig am Donnerstag, 1. Juli {today.year + 1}",
                   "120,00\xa0€")
    # Registered ahead for a dog arriving in mid-January: taxed from February.
    data["hund"]["since"] = dt.date(today.year + 1, 1, 15).isoformat()
    assert plugin.tax(service=service, data=data, day=today)["first_year"]["months"] == 11


def test_a_late_decision_never_asks_for_payment_within_less_than_a_month(citizen, case_worker, seal, clock):
    """A December registration decided only in August: the 1 July due date has passed,
    so the tax is due a month after the assessment."""
    from digitalstadt.payments.models import Payment

    case = register_dog(citizen, since=clock.today())
    clock.move_to(dt.datetime(clock.today().year + 1, 8, 10, 10, 0, tzinfo=clock.now().tzinfo))
    services.case_decide(case=case, approve=True, reason="", actor=case_worker)
    case.refresh_from_db()
    payment = Payment.objects.get(reference=case.result["tax_payment"]["reference"])
    assert payment.due_on == clock.today() + dt.timedelta(days=30)


@pytest.mark.instants()
@pytest.mark.django_db(transaction=True)
def test_bulky_waste_takes_a_place_and_refuses_a_full_day(citizen, seal):
    steps = {"adresse": {"street": "Heinheimer Straße", "house_number": "20", "postal_code": "64289"}}
    service = Service.objects.get(slug="sperrmuell")
    plugin = get_plugin("sperrmuell")
    application = services.application_start(service=service, user=citizen)
    form = plugin.step("adresse").form_class(data=steps["adresse"])
    assert form.is_valid()
    application = services.application_save_step(application=application, step_key="adresse",
                                                 cleaned=form.cleaned_data, user=citizen)
    kwargs = plugin.form_kwargs(step=plugin.step("abholung"), data=application.data, user=citizen)
    day = kwargs["pickup_choices"][0][0]
    pickup = PickupDate.objects.get(date=day, district__name=kwargs["district_name"])
    form = plugin.step("abholung").form_class(data={"pickup_date": day, "items": "1 Sofa", "volume": "2"}, **kwargs)
    assert form.is_valid(), form.errors
    services.application_save_step(application=application, step_key="abholung", cleaned=form.cleaned_data,
                                   user=citizen)
    # Someone else took the last place meanwhile: the summary flags it, submit refuses.
    PickupDate.objects.filter(pk=pickup.pk).update(booked=pickup.capacity)
    assert "abholung" in services.revalidate(application=application, user=citizen)
    with pytest.raises(ValidationError, match="nicht mehr gültig"):
        services.application_submit(application=application, user=citizen)
    PickupDate.objects.filter(pk=pickup.pk).update(booked=pickup.capacity - 1)
    case = services.application_submit(application=application, user=citizen)
    pickup.refresh_from_db()
    assert pickup.booked == pickup.capacity and case.status == CaseStatus.RECEIVED and case.fee_cents == 0
    run_worker_batch()
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.decision.document_type == "Auftragsbestätigung Sperrmüll"


def test_the_payment_page_leads_back_to_the_application(client, citizen, city):
    case = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=citizen)
    client.force_login(citizen)
    page = client.get(f"/zahlungen/{case.payment.uuid}/").content.decode()
    assert f'href="/antraege/vorgang/{case.reference}/"' in page and f"Zurück zu Ihrem Antrag {case.reference}" in page


def test_staff_reads_are_audited_and_citizens_see_only_their_cases(client, citizen, case_worker, city):
    case = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=citizen)
    upload = case.uploads.get()
    other = make_citizen("nosy@example.org")
    client.force_login(other)
    for url in (f"/antraege/vorgang/{case.reference}/", f"/dokumente/{upload.document.uuid}/",
                f"/zahlungen/{case.payment.uuid}/", f"/antraege/entwurf/{case.application.uuid}/pruefen/",
                f"/verwaltung/vorgaenge/{case.reference}/"):
        response = client.get(url)
        assert response.status_code in (403, 404), (url, response.status_code)
    client.force_login(citizen)
    assert client.get(f"/antraege/vorgang/{case.reference}/").status_code == 200
    assert client.get(f"/dokumente/{upload.document.uuid}/").status_code == 200
    before = AuditEntry.objects.filter(action="applications.case_viewed_by_staff").count()
    client.force_login(case_worker)
    response = client.get(f"/verwaltung/vorgaenge/{case.reference}/")
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="applications.case_viewed_by_staff").latest("id")
    assert AuditEntry.objects.filter(action="applications.case_viewed_by_staff").count() == before + 1
    assert entry.subject_id == str(case.pk) and entry.data_subject_ref.endswith(str(citizen.pk))
    # Staff read case documents only on the staff pages (behind staff MFA), and it is logged.
    assert client.get(f"/dokumente/{upload.document.uuid}/").status_code == 404
    staff_url = f"/verwaltung/vorgaenge/{case.reference}/dokumente/{upload.document.uuid}/"
    assert client.get(staff_url).status_code == 200
    assert AuditEntry.objects.filter(action="document.read_by_staff", subject_id=str(upload.document.pk)).exists()
    # A document of another person is not reachable through this case's URL.
    third = make_citizen("third@example.org")
    foreign = fill(third, "bewohnerparkausweis", permit_steps(plate="DA-Z 1"),
                   uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "x.pdf")]).uploads.get().document
    assert client.get(f"/verwaltung/vorgaenge/{case.reference}/dokumente/{foreign.uuid}/").status_code == 404
    inbox = client.get("/verwaltung/vorgaenge/?status=open")
    assert case.reference in inbox.content.decode()


def test_stale_drafts_and_their_uploads_are_purged(citizen, django_capture_on_commit_callbacks):
    from digitalstadt.core.models import Document
    from digitalstadt.core.retention import purge_expired_data

    stale = fill(citizen, "bewohnerparkausweis", permit_steps(), uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")])
    fresh = services.application_start(service=Service.objects.get(slug="sperrmuell"), user=citizen)
    stored = stale.uploads.get().document.file
    path, storage = stored.name, stored.storage
    assert storage.exists(path)
    Application.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - dt.timedelta(days=91))
    with django_capture_on_commit_callbacks(execute=True):  # files go when the transaction commits
        counts = purge_expired_data()
    assert counts["application_drafts"] == 1
    assert not Application.objects.filter(pk=stale.pk).exists() and Application.objects.filter(pk=fresh.pk).exists()
    assert not Document.objects.filter(file=path).exists() and not storage.exists(path)


def test_the_api_lists_only_my_cases_and_hides_others(client, citizen):
    case = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=citizen)
    assert client.get("/api/v1/applications/cases").status_code == 401
    client.force_login(citizen)
    listed = client.get("/api/v1/applications/cases").json()
    assert [c["reference"] for c in listed] == [case.reference]
    detail = client.get(f"/api/v1/applications/cases/{case.reference}").json()
    assert detail["status"] == "awaiting_payment" and detail["payment_reference"] == case.payment.reference
    assert detail["events"][0]["kind"] == "submitted"
    client.force_login(make_citizen("nosy-api@example.org"))
    assert client.get("/api/v1/applications/cases").json() == []
    assert client.get(f"/api/v1/applications/cases/{case.reference}").status_code == 404


def test_pages_renew_the_session_but_background_requests_do_not(client, citizen, clock):
    from django.contrib.sessions.models import Session

    client.force_login(citizen)
    key = client.session.session_key
    client.get("/antraege/")
    first = Session.objects.get(session_key=key).expire_date
    clock.shift(dt.timedelta(minutes=5))
    for path in ("/manifest.webmanifest", "/sw.js", "/healthz", "/api/v1/applications/cases"):
        client.get(path)
    assert Session.objects.get(session_key=key).expire_date == first
    client.get("/antraege/")
    assert Session.objects.get(session_key=key).expire_date > first


def test_an_oversized_upload_is_refused_before_the_body_is_read(client, citizen, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1000
    application = fill(citizen, "bewohnerparkausweis", permit_steps())
    evidence = Evidence.objects.get(service=application.service, name_de=FAHRZEUGSCHEIN)
    client.force_login(citizen)
    url = f"/antraege/entwurf/{application.uuid}/nachweise/"
    big = Upload(b"%PDF-" + b"x" * 400_000, "big.pdf")
    response = client.post(url, {"evidence": str(evidence.pk), "file": big}, follow=True)
    assert "zu groß" in response.content.decode()
    assert not EvidenceUpload.objects.exists()
    # Without a CSRF token a normal-sized upload is still refused (the guard re-checks CSRF).
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(citizen)
    assert strict.post(url, {"evidence": str(evidence.pk), "file": Upload(tiny_pdf(), "s.pdf")}).status_code == 403
    ok = client.post(url, {"evidence": str(evidence.pk), "file": Upload(tiny_pdf(), "s.pdf")})
    assert ok.status_code == 302 and EvidenceUpload.objects.count() == 1


def test_a_refused_upload_answers_400_with_the_reason_and_stores_nothing(client, citizen):
    application = fill(citizen, "bewohnerparkausweis", permit_steps())
    evidence = Evidence.objects.get(service=application.service, name_de=FAHRZEUGSCHEIN)
    client.force_login(citizen)
    url = f"/antraege/entwurf/{application.uuid}/nachweise/"
    fake = client.post(url, {"evidence": str(evidence.pk), "file": Upload(b"nur Text, kein PDF\n", "schein.pdf")})
    assert fake.status_code == 400 and "anderes Format" in fake.content.decode()
    missing = client.post(url, {"evidence": str(evidence.pk)})
    assert missing.status_code == 400
    assert not EvidenceUpload.objects.exists()
    assert client.get(url).status_code == 200


@pytest.mark.instants()
def test_a_dog_registered_late_is_taxed_for_the_earlier_years_too(citizen):
    plugin = get_plugin("hundesteuer")
    service = Service.objects.get(slug="hundesteuer")
    day = dt.date(TODAY().year, 6, 1)
    data = {"halter": {"other_dogs": 0}, "hund": {"since": dt.date(day.year - 2, 3, 10).isoformat()}}
    tax = plugin.tax(service=service, data=data, day=day)
    assert [(y["year"], y["months"], y["cents"]) for y in tax["years"]] == [
        (day.year - 2, 9, 9000), (day.year - 1, 12, 12000), (day.year, 12, 12000)]
    assert tax["due_cents"] == 33000
    # A dog that comes next month is not taxed yet this year.
    data["hund"]["since"] = dt.date(day.year, 12, 20).isoformat()
    assert plugin.tax(service=service, data=data, day=day)["due_cents"] == 0


def test_case_workers_never_handle_their_own_application(city):
    worker = make_case_worker("own@stadt.example", *city.values())
    type(worker).objects.filter(pk=worker.pk).update(assurance_level="email")
    worker.refresh_from_db()
    case = services.application_submit(application=fill(worker, "bewohnerparkausweis", permit_steps(),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=worker)
    from digitalstadt.applications import selectors

    assert not selectors.can_work_on_case(user=worker, case=case)
    assert selectors.case_for_staff(user=worker, reference=case.reference) is None
    assert not selectors.inbox(user=worker, status="").exists()
    colleague = make_case_worker("colleague@stadt.example", *city.values())
    assert worker not in selectors.case_workers_for(case=case) and colleague in selectors.case_workers_for(case=case)
    with pytest.raises(PermissionDenied):
        services.case_decide(case=case, approve=True, reason="", actor=worker)


def test_an_unpaid_case_can_be_withdrawn_and_its_fee_is_cancelled(citizen):
    case = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=citizen)
    with pytest.raises(PermissionDenied):
        services.case_withdraw(case=case, user=make_citizen("x@example.org"))
    services.case_withdraw(case=case, user=citizen)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.payment.status == PaymentStatus.CANCELLED
    # Money that still arrives is flagged, never counted for the closed case.
    pay(case)
    case.payment.refresh_from_db()
    assert case.payment.status == PaymentStatus.CANCELLED and case.payment.needs_review
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    # A second application for the same plate is fine again once the first is closed.
    again = fill(citizen, "bewohnerparkausweis", permit_steps(), uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")])
    assert services.application_submit(application=again, user=citizen).status == CaseStatus.AWAITING_PAYMENT
    third = fill(citizen, "bewohnerparkausweis", permit_steps(), uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")])
    with pytest.raises(ValidationError, match="läuft bereits ein Antrag"):
        services.application_submit(application=third, user=citizen)


def test_continuing_without_an_answer_closes_the_request(citizen, case_worker):
    case = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=citizen)
    pay(case)
    case.refresh_from_db()
    request = services.case_request_evidence(case=case, text="Bitte Rückseite", due_date=None, actor=case_worker)
    services.case_change_status(case=case, status=CaseStatus.IN_REVIEW, actor=case_worker)
    request.refresh_from_db()
    assert request.answered_at is not None
    with pytest.raises(ValidationError):
        services.evidence_request_answer(request=request, text="zu spät", files=[], user=citizen)
    # A new request is possible (no constraint error).
    services.case_request_evidence(case=case, text="Bitte Vorderseite", due_date=None, actor=case_worker)


def test_a_manual_meldebescheinigung_without_register_record_is_refused_clearly(case_worker, city):
    applicant = make_citizen("moved@example.org", level="eid_high", eid_subject="demo-eid-emil")
    case = services.application_submit(application=fill(applicant, "meldebescheinigung",
                                                        {"bescheinigung": {"kind": "simple"}}), user=applicant)
    pay(case)
    from digitalstadt.register.models import Resident

    Resident.objects.filter(eid_subject="demo-eid-emil").update(eid_subject=None)  # moved away meanwhile
    assert services.case_decide_automatically(case_id=case.pk) == "manual"
    with pytest.raises(ValidationError, match="keinen Meldedatensatz"):
        services.case_decide(case=case, approve=True, reason="", actor=case_worker)
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED and case.decision is None


def test_an_automatic_decision_does_not_override_a_case_worker(eid_citizen, case_worker):
    case = services.application_submit(application=fill(eid_citizen, "meldebescheinigung",
                                                        {"bescheinigung": {"kind": "simple"}}), user=eid_citizen)
    pay(case)
    case.refresh_from_db()
    services.case_change_status(case=case, status=CaseStatus.IN_REVIEW, actor=case_worker)
    assert services.case_decide_automatically(case_id=case.pk) == "not due"
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW


def test_odd_references_are_404_not_errors(client, citizen):
    client.force_login(citizen)
    for path in ("/antraege/vorgang/../", "/antraege/vorgang/x' or 1=1/"):
        assert client.get(path).status_code == 404
    # A NUL byte is refused before any view runs (core.middleware.BadParameterMiddleware).
    assert client.get("/antraege/vorgang/DA-2026-000001%00/").status_code == 400
    assert client.get("/api/v1/applications/cases/DA-2026-000001%00").status_code == 400


def test_withdrawing_in_the_browser_asks_first(client, citizen):
    case = services.application_submit(application=fill(citizen, "bewohnerparkausweis", permit_steps(),
                                                        uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")]),
                                       user=citizen)
    client.force_login(citizen)
    url = f"/antraege/vorgang/{case.reference}/zurueckziehen/"
    assert "storniert" in client.get(url).content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_PAYMENT  # GET changes nothing
    assert client.post(url).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    client.force_login(make_citizen("other-w@example.org"))
    assert client.post(url).status_code == 404


def test_what_is_submitted_is_what_the_summary_showed(client, citizen):
    application = fill(citizen, "bewohnerparkausweis", permit_steps(), uploads=[(FAHRZEUGSCHEIN, tiny_pdf(), "s.pdf")])
    client.force_login(citizen)
    url = f"/antraege/entwurf/{application.uuid}/pruefen/"
    page = client.get(url)
    fingerprint = page.context["form"].initial["fingerprint"]
    # Another tab changes the vehicle meanwhile.
    data = dict(application.data)
    data["fahrzeug"] = {**data["fahrzeug"], "plate": "DA-XY 9"}
    Application.objects.filter(pk=application.pk).update(data=data)
    response = client.post(url, {"confirm": "on", "fingerprint": fingerprint})
    assert response.status_code == 400 and "geändert" in response.content.decode()
    assert not Case.objects.exists()
    # The page now shows the current data; submitting that works.
    fresh = response.context["form"].data["fingerprint"]
    assert fresh != fingerprint
    assert client.post(url, {"confirm": "on", "fingerprint": fresh}).status_code == 302
    assert Case.objects.get().data["fahrzeug"]["plate"] == "DA-XY 9"
