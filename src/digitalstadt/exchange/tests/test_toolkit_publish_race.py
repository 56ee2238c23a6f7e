"""Two editors publish at the same moment on PostgreSQL: exactly one new version. With
the lock, the others are told someone published first; the negative control switches
the toolkit lock off and holds everyone after the version check, so all of them try
number 2 and the unique (toolkit, number) constraint must refuse all but one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from digitalstadt.accounts.models import StaffRoleKind
from digitalstadt.accounts.tests.factories import StaffFactory
from digitalstadt.core.locking import negative_control
from digitalstadt.exchange.knowledge_services import toolkit_publish_version
from digitalstadt.exchange.models import Toolkit
from digitalstadt.exchange.toolkit_data import load_initial_toolkits
from digitalstadt.testing.races import all_at_once, meeting_point

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

EDITORS = 4


def _publishers(toolkit, editors):
    def publish(i, editor):
        def call():
            try:
                return toolkit_publish_version(actor=editor, toolkit=toolkit, body=f"## Fassung {i}\n\nText {i}",
                                               change_note=f"Fassung {i}", based_on=1).number
            except ValidationError as exc:
                return exc.messages[0]
            finally:
                connection.close()
        return call

    return [publish(i, editor) for i, editor in enumerate(editors)]


@pytest.fixture
def contested():
    load_initial_toolkits()
    toolkit = Toolkit.objects.get(slug="homeoffice-richtlinie")
    editors = [StaffFactory(role=StaffRoleKind.BUSINESS_DEVELOPMENT) for _ in range(EDITORS)]
    return toolkit, editors


def test_parallel_publishers_get_one_new_version_and_a_clear_message(contested):
    toolkit, editors = contested
    results = all_at_once(_publishers(toolkit, editors))
    assert results.count(2) == 1, results
    assert all(r == 2 or r.startswith("Inzwischen wurde Version 2") for r in results), results
    assert sorted(toolkit.versions.values_list("number", flat=True)) == [1, 2]


def test_negative_control_without_the_lock_the_unique_constraint_refuses_the_race(contested):
    toolkit, editors = contested
    with negative_control(unlock=["exchange.toolkit"],
                          windows={"exchange.toolkit_publish": meeting_point(EDITORS)}):
        results = all_at_once(_publishers(toolkit, editors))
    # Everyone passed the version check (the race happened) ...
    assert not any(isinstance(r, str) and r.startswith("Inzwischen") for r in results), results
    # ... and the database let exactly one of them through.
    assert results.count(2) == 1, results
    assert sum(isinstance(r, str) and r.startswith("Gerade wurde eine andere Version") for r in results) == EDITORS - 1
    assert sorted(toolkit.versions.values_list("number", flat=True)) == [1, 2]
