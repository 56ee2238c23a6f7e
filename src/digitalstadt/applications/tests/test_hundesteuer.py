"""Dog tax: the statute's 50 % reductions (Begleithund up to 8 years, Wachhund of a
remote farm) with their proof, the upload step only when a proof is needed, "Steuer"
instead of "Gebühren", the keeper's address prefilled, radio errors linked to their
message. The suite's default instant is Tuesday 1 December 2026."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from digitalstadt.applications import services
from digitalstadt.applications.plugins.base import get_plugin
from digitalstadt.catalog.models import Service

from .conftest import make_citizen
from .test_engine import fill

pytestmark = pytest.mark.django_db

KEEPER = {"street": "Heinheimer Straße", "house_number": "20", "postal_code": "64289", "other_dogs": "0"}
BEGLEITHUND_PROOF = "Zeugnis der bestandenen Begleithundeprüfung und Nachweis der Haftpflichtversicherung"
WACHHUND_PROOF = "Nachweis über die Lage des Gehöfts (mehr als 400 m vom Ort entfernt), zum Beispiel ein Lageplan"
INSURANCE = "Nachweis der Haftpflichtversicherung für gefährliche Hunde"


@pytest.fixture
def citizen(city):
    return make_citizen("berta@example.org")


def dog(**extra) -> dict:
    return {"name": "Bello", "breed": "Mischling", "sex": "male", "since": "2026-11-20", "reduction": "none",
            **extra}


def dog_form(data: dict):
    return get_plugin("hundesteuer").step("hund").form_class(data=data)


# --- reductions -----------------------------------------------------------------------------


def test_the_reduction_must_be_answered():
    form = dog_form({k: v for k, v in dog().items() if k != "reduction"})
    assert not form.is_valid()
    assert form.errors["reduction"] == ["Bitte wählen Sie, ob eine Steuerermäßigung zutrifft."]
    assert not dog_form(dog(reduction="halb")).is_valid()


def test_a_begleithund_needs_a_birth_date_and_may_be_eight_but_not_older():
    form = dog_form(dog(reduction="begleithund"))
    assert not form.is_valid()
    assert "Bitte geben Sie das Geburtsdatum des Hundes an" in form.errors["born"][0]
    # Eight years old today (1 December 2026): still reduced.
    assert dog_form(dog(reduction="begleithund", born="2018-12-01")).is_valid()
    older = dog_form(dog(reduction="begleithund", born="2018-11-30"))
    assert not older.is_valid()
    assert older.errors["reduction"] == [
        "Für Hunde, die älter als 8 Jahre sind, gibt es keine Ermäßigung als Begleithund. "
        "Bitte wählen Sie eine andere Möglichkeit."]
    # The age limit is the Begleithund's: an old farm guard dog keeps its reduction.
    assert dog_form(dog(reduction="wachhund", born="2012-05-01")).is_valid()


def test_birth_dates_that_cannot_be_are_refused():
    assert "Zukunft" in dog_form(dog(born="2027-01-01")).errors["born"][0]
    assert "vor seiner Geburt" in dog_form(dog(born="2026-11-25")).errors["born"][0]


@pytest.mark.parametrize("reduction, annual", [("none", 15600), ("begleithund", 7800), ("wachhund", 7800)])
def test_a_reduction_halves_the_tax(citizen, reduction, annual):
    plugin = get_plugin("hundesteuer")
    service = Service.objects.get(slug="hundesteuer")
    data = {"halter": {"other_dogs": 1}, "hund": {"since": "2026-03-10", "reduction": reduction,
                                                  "born": "2020-01-01"}}
    tax = plugin.tax(service=service, data=data, day=dt.date(2026, 12, 1))
    assert tax["annual_cents"] == annual
    assert tax["years"] == [{"year": 2026, "months": 9, "annual_cents": annual, "cents": annual * 9 // 12}]
    if reduction == "none":
        assert "reduction" not in tax
    else:
        assert tax["reduction"]["percent"] == 50 and tax["reduction"]["full_annual_cents"] == 15600


def test_the_percentages_and_age_limit_are_settings(settings):
    settings.DOG_TAX_REDUCTIONS = {"begleithund": {"percent": 25, "max_age_years": 10}}
    form = dog_form(dog(reduction="begleithund", born="2017-06-01"))
    assert form.is_valid(), form.errors
    assert [c for c, _label in form.fields["reduction"].choices] == ["none", "begleithund"]
    assert not dog_form(dog(reduction="wachhund")).is_valid()


# --- the upload step only when a proof is needed -------------------------------------------


def test_no_upload_step_for_a_dog_that_needs_no_proof(client, citizen):
    application = fill(citizen, "hundesteuer", {"halter": KEEPER, "hund": dog()})
    client.force_login(citizen)
    response = client.post(reverse("applications:step", kwargs={"uuid": application.uuid, "step": "hund"}),
                           {**dog(), "action": "next"})
    assert response.url.endswith("/pruefen/")
    summary = client.get(response.url).content.decode()
    assert "Nachweise" not in re.sub(r"<title>.*?</title>", "", summary)
    # The upload page itself leads on to the summary.
    evidence = client.get(reverse("applications:evidence", kwargs={"uuid": application.uuid}))
    assert evidence.status_code == 302 and evidence.url.endswith("/pruefen/")
    case = services.application_submit(application=application, user=citizen)
    assert case.uploads.count() == 0


@pytest.mark.parametrize("answers, proofs", [
    ({"reduction": "begleithund", "born": "2021-04-01"}, [BEGLEITHUND_PROOF]),
    ({"reduction": "wachhund"}, [WACHHUND_PROOF]),
    ({"dangerous": "on"}, [INSURANCE]),
])
def test_a_reduction_or_a_dangerous_dog_asks_for_its_proof_only(client, citizen, answers, proofs):
    from digitalstadt.applications.selectors import missing_evidence

    application = fill(citizen, "hundesteuer", {"halter": KEEPER, "hund": dog(**answers)})
    client.force_login(citizen)
    response = client.post(reverse("applications:step", kwargs={"uuid": application.uuid, "step": "hund"}),
                           {**dog(**answers), "action": "next"})
    assert response.url.endswith("/nachweise/")
    html = client.get(response.url).content.decode()
    offered = {name for name in (INSURANCE, BEGLEITHUND_PROOF, WACHHUND_PROOF) if name in html}
    assert offered == set(proofs)
    assert [e.name_de for e in missing_evidence(application=application)] == proofs
    with pytest.raises(Exception, match="Bitte laden Sie noch diese Nachweise hoch"):
        services.application_submit(application=application, user=citizen)


# --- "Steuer", not "Gebühren" ----------------------------------------------------------------


def test_the_summary_box_speaks_of_the_tax(client, citizen):
    application = fill(citizen, "hundesteuer", {"halter": {**KEEPER, "other_dogs": "1"},
                                               "hund": dog(reduction="wachhund")})
    client.force_login(citizen)
    html = client.get(reverse("applications:summary", kwargs={"uuid": application.uuid})).content.decode()
    box = html[html.index('<h2 class="kern-heading-medium">Steuer</h2>'):]
    assert "Die Anmeldung kostet nichts. Die Hundesteuer setzt das Amt mit dem Steuerbescheid fest: " \
           "voraussichtlich 78,00\xa0€ im Jahr." in box
    assert "Gebühren" not in html
    assert "50 % (Wachhund, nach Prüfung des Nachweises)" in html


def test_the_service_page_lists_the_rates_as_tax(client, city):
    html = client.get(reverse("catalog:detail", kwargs={"slug": "hundesteuer"})).content.decode()
    assert '<h2 class="kern-heading-medium">Steuer</h2>' in html and "Gebühren" not in html
    other = client.get(reverse("catalog:detail", kwargs={"slug": "bewohnerparkausweis"})).content.decode()
    assert '<h2 class="kern-heading-medium">Gebühren</h2>' in other


@pytest.mark.django_db(transaction=True)
def test_the_assessment_prints_the_reduction(citizen, seal):
    from digitalstadt.testing.pdf import pdf_text

    from .conftest import make_case_worker

    from digitalstadt.catalog.models import Evidence

    from .conftest import Upload, tiny_pdf

    application = fill(citizen, "hundesteuer", {"halter": KEEPER, "hund": dog(reduction="begleithund",
                                                                              born="2022-02-02")})
    services.application_upload_evidence(
        application=application, evidence=Evidence.objects.get(name_de=BEGLEITHUND_PROOF),
        uploaded=Upload(tiny_pdf(), "pruefung.pdf"), user=citizen)
    case = services.application_submit(application=application, user=citizen)
    assert case.result["tax"]["annual_cents"] == 6000
    worker = make_case_worker("sami@darmstadt.example", case.office)
    services.case_decide(case=case, approve=True, reason="", actor=worker)
    case.refresh_from_db()
    text = " ".join(pdf_text(case.decision.file.open("rb").read()).split())
    assert "Ermäßigung um 50 % (Begleithund, nach Prüfung des Nachweises)" in text
    assert "120,00 € pro Jahr" in text and "60,00 € pro Jahr" in text


def test_a_case_worker_approves_without_the_reduction_when_the_proof_fails(client, citizen, seal):
    from django.core.exceptions import ValidationError

    from digitalstadt.catalog.models import Evidence
    from digitalstadt.testing.pdf import pdf_text

    from .conftest import Upload, make_case_worker, tiny_pdf

    application = fill(citizen, "hundesteuer", {"halter": KEEPER, "hund": dog(reduction="begleithund",
                                                                              born="2022-02-02")})
    services.application_upload_evidence(
        application=application, evidence=Evidence.objects.get(name_de=BEGLEITHUND_PROOF),
        uploaded=Upload(tiny_pdf(), "pruefung.pdf"), user=citizen)
    case = services.application_submit(application=application, user=citizen)
    worker = make_case_worker("sami@darmstadt.example", case.office)
    assert [key for key, _label in get_plugin("hundesteuer").decision_options(case=case)] == ["without_reduction"]
    # Without a reason: refused, nothing decided.
    with pytest.raises(ValidationError, match="begründen"):
        services.case_decide(case=case, approve=True, reason="", actor=worker,
                             options=frozenset({"without_reduction"}))
    case.refresh_from_db()
    assert case.decision is None and case.result["tax"]["annual_cents"] == 6000
    # An option the plugin does not offer is refused too.
    with pytest.raises(ValidationError):
        services.case_decide(case=case, approve=True, reason="x", actor=worker, options=frozenset({"free"}))
    services.case_decide(case=case, approve=True, reason="Die Prüfung ist älter als zwei Jahre.", actor=worker,
                         options=frozenset({"without_reduction"}))
    case.refresh_from_db()
    assert case.result["tax"]["annual_cents"] == 12000 and "reduction" not in case.result["tax"]
    text = " ".join(pdf_text(case.decision.file.open("rb").read()).split())
    assert "Die beantragte Steuerermäßigung wird nicht gewährt. Begründung: Die Prüfung ist älter als zwei Jahre." \
        in text and "120,00 € pro Jahr" in text


def test_the_staff_decision_form_offers_the_option_only_with_a_reduction(citizen):
    from digitalstadt.applications.staff_views import DecisionForm, _decision_options

    plain = services.application_submit(application=fill(citizen, "hundesteuer", {"halter": KEEPER, "hund": dog()}),
                                        user=citizen)
    assert "option_without_reduction" not in DecisionForm(options=_decision_options(plain)).fields
    form = DecisionForm(data={"outcome": "approve", "reason": "", "option_without_reduction": "on"},
                        options=[("without_reduction", "Ohne Ermäßigung")])
    assert not form.is_valid() and "reason" in form.errors


# --- the address prefilled -------------------------------------------------------------------


def test_the_keeper_address_comes_from_the_register_or_an_earlier_application(citizen, eid_citizen):
    from digitalstadt.applications.models import Application

    service = Service.objects.get(slug="hundesteuer")
    emil = services.application_start(service=service, user=eid_citizen)
    assert emil.data["_prefill"]["halter"] == {"street": "Heinheimer Straße", "house_number": "20",
                                               "postal_code": "64289", "other_dogs": 0}
    # Berta has no eID: nothing to prefill yet ...
    first = services.application_start(service=service, user=citizen)
    assert first.data["_prefill"]["halter"] == {"other_dogs": 0}
    Application.objects.filter(pk=first.pk).delete()
    # ... until she has ordered a bulky-waste pick-up from her home.
    sperrmuell = Service.objects.get(slug="sperrmuell")
    earlier = services.application_start(service=sperrmuell, user=citizen)
    plugin = get_plugin("sperrmuell")
    form = plugin.step("adresse").form_class(data={"street": "Liebigstr.", "house_number": "14",
                                                   "postal_code": "64293"})
    assert form.is_valid()
    services.application_save_step(application=earlier, step_key="adresse", cleaned=form.cleaned_data,
                                   user=citizen)
    assert services.application_start(service=service, user=citizen).data["_prefill"]["halter"] == {
        "other_dogs": 0}  # a draft is not an address she confirmed
    Application.objects.filter(service=service, applicant=citizen).delete()
    Application.objects.filter(pk=earlier.pk).update(status=Application.Status.SUBMITTED)
    again = services.application_start(service=service, user=citizen)
    assert again.data["_prefill"]["halter"] == {"street": "Liebigstraße", "house_number": "14",
                                                "postal_code": "64293", "other_dogs": 0}
    # Nobody else's address leaks into another person's draft.
    other = make_citizen("other@example.org")
    assert services.application_start(service=service, user=other).data["_prefill"]["halter"] == {
        "other_dogs": 0}


# --- radio errors are linked to their message ------------------------------------------------


def test_radio_group_errors_are_linked_with_aria_describedby(client, citizen):
    application = fill(citizen, "hundesteuer", {"halter": KEEPER, "hund": dog()})
    client.force_login(citizen)
    response = client.post(reverse("applications:step", kwargs={"uuid": application.uuid, "step": "hund"}),
                           {"name": "Bello", "breed": "Mischling", "since": "2026-11-20", "action": "next"})
    html = response.content.decode()
    assert 'id="id_sex_error"' in html and 'id="id_reduction_error"' in html
    radios = re.findall(r'<input type="radio" name="(sex|reduction)"[^>]*>', html)
    assert radios
    for tag in re.findall(r'<input type="radio" name="sex"[^>]*>', html):
        assert 'aria-invalid="true"' in tag and 'aria-describedby="id_sex_error"' in tag
    for tag in re.findall(r'<input type="radio" name="reduction"[^>]*>', html):
        assert 'aria-describedby="id_reduction_error id_reduction_helptext"' in tag
    # Without an error, an option is described by the hint only.
    fresh = client.get(reverse("applications:step", kwargs={"uuid": application.uuid, "step": "hund"}))
    for tag in re.findall(r'<input type="radio" name="reduction"[^>]*>', fresh.content.decode()):
        assert 'aria-describedby="id_reduction_helptext"' in tag and "aria-invalid" not in tag
