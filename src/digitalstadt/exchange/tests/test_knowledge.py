"""The knowledge base: shipped toolkits, versioning, escaped rendering, topic links and
the staff page that publishes a new version."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digitalstadt.accounts.models import OrganisationKind, StaffRoleKind
from digitalstadt.accounts.tests.factories import CitizenFactory, OrganisationFactory, StaffFactory
from digitalstadt.business.models import EventDate, EventDateStatus, EventSeries
from digitalstadt.business.types import EventFormat, Topic
from digitalstadt.core.models import AuditEntry
from digitalstadt.exchange.knowledge_services import toolkit_publish_version
from digitalstadt.exchange.knowledge_text import parse, placeholders, validate_body
from digitalstadt.exchange.models import ForumCategory, Toolkit, ToolkitVersion
from digitalstadt.exchange.selectors import toolkits_for_topic
from digitalstadt.exchange.toolkit_data import load_initial_toolkits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shipped_toolkits():
    """The data migration's toolkits; a transactional test that ran earlier in this
    process flushed them (PostgreSQL runs show it), so they are loaded again (a no-op
    when they are there)."""
    from digitalstadt.exchange.toolkit_data import load_initial_toolkits

    load_initial_toolkits()

NEW_BODY = "## Zweck\n\nNeu gefasst für {{Name des Unternehmens}}.\n\n- [ ] Punkt eins\n- [ ] Punkt zwei\n"


@pytest.fixture
def editor():
    return StaffFactory(email="wirtschaft@stadt.example", role=StaffRoleKind.BUSINESS_DEVELOPMENT)


@pytest.fixture
def policy():
    load_initial_toolkits()  # no-op after the migration; a flushed database gets them back
    return Toolkit.objects.get(slug="homeoffice-richtlinie")


def test_the_four_toolkits_come_with_the_migration_each_with_version_one():
    toolkits = {t.slug: t for t in Toolkit.objects.all()}
    assert set(toolkits) == {"homeoffice-richtlinie", "remote-onboarding-checkliste", "fuehren-auf-distanz",
                             "it-sicherheit-homeoffice"}
    for toolkit in toolkits.values():
        assert list(toolkit.versions.values_list("number", flat=True)) == [1]
        validate_body(toolkit.versions.get().body)  # the shipped text passes the editor's own check
    assert "OPS.1.2.4" in toolkits["it-sicherheit-homeoffice"].source_note
    assert "BSI" in toolkits["it-sicherheit-homeoffice"].source_note
    assert load_initial_toolkits() == 0  # loading again adds nothing


def test_parser_makes_real_lists_and_placeholders():
    blocks = parse("## Titel\n\nText mit {{Firma}} und mehr.\n\n- [ ] eins\n- [ ] zwei\n\n- a\n\n1. erst\n2. dann")
    assert [b.kind for b in blocks] == ["heading", "paragraph", "checklist", "bullets", "numbered"]
    assert len(blocks[2].items) == 2 and len(blocks[4].items) == 2
    assert placeholders(blocks) == ["Firma"]


@pytest.mark.parametrize("body, message", [
    ("", "Inhalt"), ("Nur Text ohne Überschrift", "Überschrift"), ("## A\n\n{{offen", "Platzhalter"),
])
def test_bad_bodies_are_refused_with_a_reason(body, message):
    with pytest.raises(ValidationError, match=message):
        validate_body(body)


def test_publishing_numbers_versions_and_keeps_the_old_ones(policy, editor):
    v2 = toolkit_publish_version(actor=editor, toolkit=policy, body=NEW_BODY, change_note="Gekürzt", based_on=1)
    v3 = toolkit_publish_version(actor=editor, toolkit=policy, body=NEW_BODY + "\nNoch ein Satz.",
                                 change_note="Satz ergänzt", based_on=2)
    assert (v2.number, v3.number) == (2, 3)
    assert list(policy.versions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
    assert "Zweck und Geltungsbereich" in policy.versions.get(number=1).body  # unchanged
    entry = AuditEntry.objects.get(action="exchange.toolkit_version_published", subject_id=str(v2.pk))
    assert entry.actor == editor and entry.data["number"] == 2


def test_a_stale_editor_is_told_and_nothing_is_saved(policy, editor):
    toolkit_publish_version(actor=editor, toolkit=policy, body=NEW_BODY, change_note="Erste Änderung", based_on=1)
    with pytest.raises(ValidationError, match="Inzwischen wurde Version 2"):
        toolkit_publish_version(actor=editor, toolkit=policy, body=NEW_BODY + "x", change_note="zweite",
                                based_on=1)
    with pytest.raises(ValidationError, match="unverändert"):
        toolkit_publish_version(actor=editor, toolkit=policy, body=NEW_BODY, change_note="gleich", based_on=2)
    assert policy.versions.count() == 2


def test_the_database_refuses_a_second_version_with_the_same_number(policy):
    with pytest.raises(IntegrityError), transaction.atomic():
        ToolkitVersion.objects.create(toolkit=policy, number=1, body="## x", change_note="dup",
                                      published_at=timezone.now())


def test_only_the_business_development_office_publishes(policy):
    for person in (CitizenFactory(), StaffFactory(role=StaffRoleKind.CASE_WORKER)):
        with pytest.raises(PermissionDenied):
            toolkit_publish_version(actor=person, toolkit=policy, body=NEW_BODY, change_note="x", based_on=1)
    assert policy.versions.count() == 1


def test_the_page_escapes_html_in_the_text(policy, editor):
    hostile = '## <img src=x onerror=alert(1)>\n\n<script>alert("x")</script> {{<b>Firma</b>}}\n\n- [ ] <a href="javascript:1">y</a>'
    toolkit_publish_version(actor=editor, toolkit=policy, body=hostile, change_note="<i>note</i>", based_on=1)
    html = Client().get(reverse("knowledge:toolkit", args=[policy.slug])).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Firma" not in html
    assert '<a href="javascript' not in html and "<i>note</i>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;i&gt;note&lt;/i&gt;" in html


def test_toolkit_page_shows_current_version_checklist_and_history(policy, editor):
    toolkit_publish_version(actor=editor, toolkit=policy, body=NEW_BODY, change_note="Gekürzt", based_on=1)
    client = Client()
    html = client.get(reverse("knowledge:toolkit", args=[policy.slug])).content.decode()
    assert "Version 2 vom" in html and "Punkt eins" in html and 'class="toolkit-checklist"' in html
    assert reverse("knowledge:version", args=[policy.slug, 1]) in html  # the history links v1
    assert reverse("knowledge:download", args=[policy.slug, 2, "odt"]) in html
    old = client.get(reverse("knowledge:version", args=[policy.slug, 1])).content.decode()
    assert "Sie sehen die ältere Version 1" in old and "Zweck und Geltungsbereich" in old
    assert client.get(reverse("knowledge:version", args=[policy.slug, 9])).status_code == 404
    assert client.get(reverse("knowledge:toolkit", args=["gibt-es-nicht"])).status_code == 404


def test_index_lists_toolkits_by_topic_and_the_pillar_links_it():
    client = Client()
    html = client.get(reverse("knowledge:index")).content.decode()
    assert str(Topic.HOME_OFFICE_SECURITY.label) in html and "Vorlage: Homeoffice-Richtlinie" in html
    assert reverse("knowledge:index") in client.get(reverse("core:pillar", args=["wirtschaft"])).content.decode()


def _series(topic, *, published=True, title="Sicher im Homeoffice"):
    partner = OrganisationFactory(kind=OrganisationKind.PARTNER, name="House of IT")
    return EventSeries.objects.create(organiser=partner, slug=f"s-{title.lower().replace(' ', '-')}", title=title,
                                      summary="s", topic=topic, format=EventFormat.WEBINAR, is_published=published)


def _date(series, *, days, status=EventDateStatus.SCHEDULED):
    start = timezone.now() + timedelta(days=days)
    return EventDate.objects.create(series=series, starts_at=start, ends_at=start + timedelta(hours=2), seats=20,
                                    status=status)


def test_the_toolkit_links_upcoming_coachings_and_forum_categories_of_its_topic():
    series = _series(Topic.HOME_OFFICE_SECURITY)
    _date(series, days=7)
    _date(series, days=-7)  # past
    _date(series, days=9, status=EventDateStatus.CANCELLED)
    _date(_series(Topic.HOME_OFFICE_SECURITY, published=False, title="Entwurf Reihe"), days=3)
    _date(_series(Topic.ONLINE_ONBOARDING, title="Onboarding online"), days=3)
    ForumCategory.objects.create(slug="it-sicherheit", name="IT-Sicherheit im Homeoffice (Forum)",
                                 topic=Topic.HOME_OFFICE_SECURITY)
    from digitalstadt.business.selectors import upcoming_dates_for_topic

    dates = upcoming_dates_for_topic(topic=Topic.HOME_OFFICE_SECURITY, limit=5)
    assert [d.series.title for d in dates] == ["Sicher im Homeoffice"]
    html = Client().get(reverse("knowledge:toolkit", args=["it-sicherheit-homeoffice"])).content.decode()
    assert html.count("Sicher im Homeoffice</strong>") == 1
    assert "Entwurf Reihe" not in html and "Onboarding online" not in html
    assert "IT-Sicherheit im Homeoffice (Forum)" in html


def test_toolkits_for_topic_is_the_events_pages_way_back():
    assert [t.slug for t in toolkits_for_topic(topic=Topic.REMOTE_LEADERSHIP)] == [
        "homeoffice-richtlinie", "fuehren-auf-distanz"]
    assert toolkits_for_topic(topic=Topic.TEAM_COHESION) == []


def test_staff_page_is_prefilled_publishes_and_refuses_others(policy, editor):
    url = reverse("knowledge-staff:publish", args=[policy.slug])
    client = Client()
    client.force_login(CitizenFactory())
    assert client.get(url).status_code == 403
    client.force_login(editor)
    page = client.get(url)
    assert page.status_code == 200 and "Zweck und Geltungsbereich" in page.content.decode()
    bad = client.post(url, {"body": NEW_BODY, "change_note": "", "based_on": "1"})
    assert bad.status_code == 400 and policy.versions.count() == 1
    done = client.post(url, {"body": NEW_BODY, "change_note": "Gekürzt", "based_on": "1"})
    assert done.status_code == 302 and done["Location"] == reverse("knowledge:toolkit", args=[policy.slug])
    assert policy.versions.count() == 2
    stale = client.post(url, {"body": NEW_BODY + "y", "change_note": "alt", "based_on": "1"})
    assert stale.status_code == 400 and "Inzwischen wurde Version 2" in stale.content.decode()
    listing = client.get(reverse("knowledge-staff:list"))
    assert listing.status_code == 200 and "Vorlage: Homeoffice-Richtlinie" in listing.content.decode()


def test_a_publishers_data_is_exported_and_erasure_keeps_the_text(policy, editor):
    from digitalstadt.core.registry import personal_data_handlers

    version = toolkit_publish_version(actor=editor, toolkit=policy, body=NEW_BODY, change_note="Gekürzt",
                                      based_on=1)
    handler = personal_data_handlers.get("exchange.knowledge")
    assert handler.export(user=editor)["published_versions"][0]["number"] == 2
    assert handler.erase(user=editor) == {"versions_unlinked": 1}
    version.refresh_from_db()
    assert version.published_by is None and version.body.startswith("## Zweck")


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_take_the_same_queries_however_many_versions_and_dates(policy, editor):
    client = Client()
    page, index = reverse("knowledge:toolkit", args=[policy.slug]), reverse("knowledge:index")
    before = (_queries(client, page), _queries(client, index))
    assert before[0] <= 4 and before[1] <= 1, before
    series = _series(Topic.REMOTE_LEADERSHIP)
    for day in (3, 4, 5):
        _date(series, days=day)
    for number in (1, 2, 3):
        toolkit_publish_version(actor=editor, toolkit=policy, body=NEW_BODY + "x" * number, change_note="n",
                                based_on=number)
    assert (_queries(client, page), _queries(client, index)) == before
