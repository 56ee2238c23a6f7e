"""The last bulky-waste place of a day goes to exactly one applicant (PostgreSQL).

Parallel clients submit applications for the same pick-up day with one place left:
with the row locks (pick-up day, and the case-number counter that also serialises
submissions) exactly one gets it. The negative control takes both locks away and holds
every client between the check and the write until all have checked: then all pass the
check and the database constraint (booked <= capacity) has to refuse all but one.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from digitalstadt.applications import services
from digitalstadt.applications.models import Case
from digitalstadt.applications.plugins.base import get_plugin
from digitalstadt.catalog.models import Service
from digitalstadt.core.locking import negative_control
from digitalstadt.register.models import PickupDate
from digitalstadt.testing.races import meeting_point

from .conftest import make_citizen

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

CLIENTS = 6


def _drafts(n):
    service = Service.objects.get(slug="sperrmuell")
    plugin = get_plugin("sperrmuell")
    drafts = []
    for i in range(n):
        user = make_citizen(f"race{i}@example.org")
        application = services.application_start(service=service, user=user)
        form = plugin.step("adresse").form_class(data={"street": "Heinheimer Straße", "house_number": "20",
                                                       "postal_code": "64289"})
        assert form.is_valid()
        application = services.application_save_step(application=application, step_key="adresse",
                                                     cleaned=form.cleaned_data, user=user)
        kwargs = plugin.form_kwargs(step=plugin.step("abholung"), data=application.data, user=user)
        day = kwargs["pickup_choices"][0][0]
        form = plugin.step("abholung").form_class(data={"pickup_date": day, "items": "Sofa", "volume": "1"}, **kwargs)
        assert form.is_valid(), form.errors
        services.application_save_step(application=application, step_key="abholung", cleaned=form.cleaned_data,
                                       user=user)
        drafts.append((application, user))
    return drafts, day


def _race(drafts):
    barrier = threading.Barrier(len(drafts))
    outcomes = []

    def client(application, user):
        try:
            barrier.wait()
            services.application_submit(application=application, user=user)
            outcomes.append("submitted")
        except ValidationError:
            outcomes.append("refused")
        except IntegrityError:
            outcomes.append("constraint")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=pair) for pair in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_the_last_place_of_a_day_goes_to_exactly_one_applicant(city):
    drafts, day = _drafts(CLIENTS)
    pickup = PickupDate.objects.get(date=day, district__streets__name="Heinheimer Straße")
    PickupDate.objects.filter(pk=pickup.pk).update(booked=pickup.capacity - 1)
    outcomes = _race(drafts)
    assert sorted(outcomes) == ["refused"] * (CLIENTS - 1) + ["submitted"], outcomes
    pickup.refresh_from_db()
    assert pickup.booked == pickup.capacity
    assert Case.objects.count() == 1


def test_negative_control_without_the_lock_the_constraint_refuses(city, monkeypatch):
    # The case-number counter is locked too and would serialise the submissions on its
    # own; numbers without that lock isolate the pick-up check.
    import itertools

    numbers = itertools.count(900001)
    from digitalstadt.applications.services import submission

    monkeypatch.setattr(submission, "_next_case_reference", lambda: f"DA-2026-{next(numbers):06d}")
    drafts, day = _drafts(CLIENTS)
    pickup = PickupDate.objects.get(date=day, district__streets__name="Heinheimer Straße")
    PickupDate.objects.filter(pk=pickup.pk).update(booked=pickup.capacity - 1)
    # Without the pick-up day's lock, every client passes the check before any writes.
    with negative_control(unlock=["register.PickupDate"],
                          windows={"register.pickup_place_taken": meeting_point(CLIENTS)}):
        outcomes = _race(drafts)
    # The race happened (several passed the check), and only the constraint stopped it.
    assert outcomes.count("constraint") == CLIENTS - 1, outcomes
    assert outcomes.count("submitted") == 1, outcomes
    pickup.refresh_from_db()
    assert pickup.booked == pickup.capacity
