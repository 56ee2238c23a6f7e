"""Moderation decisions (Art. 17 DSA), appeals (Art. 20), moderators, the log, the
registrations (retention, export and erasure, dashboard figures)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from digitalstadt.core.models import AuditEntry
from digitalstadt.core.registry import dashboard_figures, personal_data_handlers, retention_policies, staff_areas
from digitalstadt.exchange.flag_types import AppealOutcome, DecisionOutcome, NoticeReason, TermsRule
from digitalstadt.exchange.models import ForumModerator, ForumNotice, ForumPost, ModerationAppeal
from digitalstadt.exchange.moderation_services import (
    add_months,
    appeal_decide,
    appeal_submit,
    decision_take,
    moderator_appoint,
    moderator_remove,
    notice_submit,
)
from digitalstadt.exchange.types import PostStatus
from digitalstadt.mailbox.models import Message

from .moderation_factories import member, office_moderator, partner_moderator, partner_organisation, thread_with_reply

pytestmark = pytest.mark.django_db
with_worker = pytest.mark.django_db(transaction=True)

FACTS = "Die Antwort nennt die Fragestellerin einen Dummkopf; das ist eine Beleidigung, kein Beitrag zur Sache."


@pytest.fixture
def flagged():
    _thread, _first, reply = thread_with_reply()
    notifier = member(email="berta@example.org", first_name="Berta", last_name="Bauer")
    notice_submit(post=reply, user=notifier, reason=NoticeReason.HARASSMENT)
    return reply, notifier


def _remove(post, moderator):
    return decision_take(actor=moderator, post=post, outcome=DecisionOutcome.REMOVE, facts=FACTS,
                         terms_rule=TermsRule.RESPECT)


@with_worker
def test_removal_sends_the_statement_of_reasons_to_the_author_and_the_outcome_to_the_notifier(
        flagged, smtp_server, deliver_mail):
    reply, _notifier = flagged
    moderator = office_moderator()
    decision = _remove(reply, moderator)
    reply.refresh_from_db()
    assert reply.status == PostStatus.REMOVED
    assert ForumNotice.objects.get().decision == decision
    statement = decision.statement
    for part in ("Entscheidung: Beitrag entfernt", f"Nr. {reply.pk}", "Umfang der Maßnahme: Der Beitrag wird",
                 "Tatsachen und Umstände: Die Antwort nennt", "Automatisierte Mittel: Nein",
                 "Regel 1: Respektvoller Umgang", "Einspruch über die interne Beschwerdestelle",
                 "außergerichtliche Streitbeilegungsstelle", "Gerichten"):
        assert part in statement, part
    assert decision.appeal_until.date() == dt.date(2027, 6, 1) and not decision.automated
    message = Message.objects.get(recipient_user=reply.author)
    assert "Respektvoller Umgang" in message.body and f"/austausch/melden/entscheidung/{decision.uuid}/" in message.body
    entry = AuditEntry.objects.get(action="exchange.moderation_decided")
    assert entry.actor == moderator and entry.data["outcome"] == "remove"
    deliver_mail()
    by_recipient = {m["to"][0]: m for m in smtp_server.messages}
    assert by_recipient[reply.author.email]["subject"] == "Neue Nachricht in Ihrem Postfach"
    outcome = by_recipient["berta@example.org"]
    assert outcome["subject"].startswith("Entscheidung über Ihre Meldung") and "Beitrag entfernt" in outcome["body"]
    assert "Dummkopf" in outcome["body"]  # the facts, not HTML-escaped


def test_reasons_are_required_and_no_one_decides_on_their_own_post(flagged):
    reply, _notifier = flagged
    moderator = office_moderator()
    with pytest.raises(ValidationError, match="Tatsachen und Umstände"):
        decision_take(actor=moderator, post=reply, outcome=DecisionOutcome.REMOVE, facts="zu kurz",
                      terms_rule=TermsRule.RESPECT)
    with pytest.raises(ValidationError, match="Rechtsgrundlage oder die Regel"):
        decision_take(actor=moderator, post=reply, outcome=DecisionOutcome.REMOVE, facts=FACTS)
    with pytest.raises(PermissionDenied):
        decision_take(actor=member(), post=reply, outcome=DecisionOutcome.KEEP, facts=FACTS)
    own = partner_moderator()
    reply.author = own
    reply.save()
    with pytest.raises(PermissionDenied):
        _remove(reply, own)
    reply.refresh_from_db()
    assert reply.status == PostStatus.VISIBLE and not ForumNotice.objects.filter(decision__isnull=False).exists()
    # Once decided, the same notices cannot be decided again.
    _remove(reply, moderator)
    with pytest.raises(ValidationError, match="keine offene Meldung"):
        _remove(reply, moderator)


def test_appeal_goes_to_another_moderator_who_reverses(flagged):
    reply, _notifier = flagged
    first, second = office_moderator(), partner_moderator()
    decision = _remove(reply, first)
    with pytest.raises(PermissionDenied):
        appeal_submit(user=member(), decision=decision, grounds="Ich war es nicht, ich bin nur Zuschauer.")
    appeal = appeal_submit(user=reply.author, decision=decision,
                           grounds="Das war ironisch gemeint und unter Kollegen üblich, bitte prüfen Sie es noch.")
    with pytest.raises(ValidationError, match="bereits Einspruch"):
        appeal_submit(user=reply.author, decision=decision, grounds="Noch einmal derselbe Einspruch von mir.")
    with pytest.raises(PermissionDenied, match="andere Person"):
        appeal_decide(actor=first, appeal=appeal, outcome=AppealOutcome.REVERSED, reasons=FACTS)
    with pytest.raises(ValidationError):
        appeal_decide(actor=second, appeal=appeal, outcome=AppealOutcome.REVERSED, reasons="kurz")
    appeal_decide(actor=second, appeal=appeal, outcome=AppealOutcome.REVERSED,
                  reasons="Im Zusammenhang gelesen ist die Antwort eine scherzhafte Bemerkung unter Kollegen.")
    reply.refresh_from_db()
    assert reply.status == PostStatus.VISIBLE
    assert ModerationAppeal.objects.get().decided_by == second
    last = Message.objects.filter(recipient_user=reply.author).order_by("-pk").first()
    assert "Entscheidung aufgehoben" in last.body and "wieder sichtbar" in last.body
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "exchange.appeal_submitted", "exchange.appeal_decided"}
    with pytest.raises(ValidationError, match="bereits entschieden"):
        appeal_decide(actor=office_moderator(), appeal=appeal, outcome=AppealOutcome.CONFIRMED, reasons=FACTS)


def test_notifier_appeals_a_keep_decision_and_the_reversal_removes_the_post(flagged):
    reply, notifier = flagged
    decision = decision_take(actor=office_moderator(), post=reply, outcome=DecisionOutcome.KEEP,
                             facts="Die Antwort ist unfreundlich, aber noch sachlich und keine Beleidigung.")
    # Keeping the post is no measure against its author: no statement to them.
    assert not Message.objects.filter(recipient_user=reply.author).exists()
    with pytest.raises(PermissionDenied):
        appeal_submit(user=reply.author, decision=decision, grounds="Ich möchte auch etwas sagen dazu bitte.")
    appeal = appeal_submit(user=notifier, decision=decision, grounds="Dummkopf ist eindeutig eine Beleidigung.")
    appeal_decide(actor=partner_moderator(), appeal=appeal, outcome=AppealOutcome.REVERSED,
                  reasons="Bei erneuter Prüfung verletzt das Wort Dummkopf Regel 1 der Forumsbedingungen.")
    assert ForumPost.objects.get(pk=reply.pk).status == PostStatus.REMOVED


def test_appeal_deadline_is_six_months_on_the_clock(flagged, clock):
    reply, _notifier = flagged
    decision = _remove(reply, office_moderator())
    clock.move_to(decision.appeal_until + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="Frist für einen Einspruch ist am 01.06.2027 abgelaufen"):
        appeal_submit(user=reply.author, decision=decision, grounds="Zu spät, aber ich versuche es trotzdem.")
    clock.move_to(decision.appeal_until - dt.timedelta(minutes=1))
    assert appeal_submit(user=reply.author, decision=decision, grounds="Gerade noch rechtzeitig eingelegt.")


def test_add_months_keeps_the_month_end():
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime(2026, 8, 31, 12, 0))
    assert add_months(start, 6).date() == dt.date(2027, 2, 28)


def test_business_development_appoints_partner_people_and_removes_them():
    office = office_moderator()
    partner = partner_organisation()
    person = member(email="pia@house-of-it.example")
    from digitalstadt.accounts.models import Membership, OrganisationKind, OrgRole
    from digitalstadt.accounts.tests.factories import OrganisationFactory

    with pytest.raises(ValidationError, match="kein Mitglied"):
        moderator_appoint(actor=office, email=person.email, organisation=partner)
    Membership.objects.create(user=person, organisation=partner, role=OrgRole.MEMBER)
    company = OrganisationFactory(kind=OrganisationKind.COMPANY)
    with pytest.raises(ValidationError, match="Partnerorganisationen"):
        moderator_appoint(actor=office, email=person.email, organisation=company)
    with pytest.raises(PermissionDenied):
        moderator_appoint(actor=partner_moderator(organisation=partner, email="other@hoi.example"),
                          email=person.email, organisation=partner)
    moderator = moderator_appoint(actor=office, email=person.email, organisation=partner)
    assert moderator.appointed_by == office
    moderator_remove(actor=office, moderator=moderator)
    assert not ForumModerator.objects.filter(user=person).exists()
    assert list(AuditEntry.objects.filter(action__startswith="exchange.moderator_").values_list(
        "action", flat=True).order_by("pk")) == ["exchange.moderator_appointed", "exchange.moderator_removed"]


def test_registrations_retention_export_erase_and_figures(flagged, clock):
    reply, notifier = flagged
    assert staff_areas.get("exchange.moderation").visible_to(office_moderator())
    assert not staff_areas.get("exchange.moderation").visible_to(member())
    assert dashboard_figures.get("exchange.notices").value() == 1
    assert dashboard_figures.get("exchange.median_hours").value() is None
    clock.shift(dt.timedelta(hours=5))
    _remove(reply, office_moderator())
    assert dashboard_figures.get("exchange.decisions").value() == 1
    assert dashboard_figures.get("exchange.median_hours").value() == 5.0
    exported = personal_data_handlers.get("exchange.moderation").export(user=notifier)
    assert exported["notices"][0]["email"] == "berta@example.org"
    assert personal_data_handlers.get("exchange.moderation").export(user=reply.author)["decisions_on_my_posts"]
    policy = retention_policies.get("exchange_notices")
    from django.utils import timezone

    assert policy.default_days == 365
    assert policy.purge(cutoff=timezone.now() - dt.timedelta(days=365)) == 0
    assert policy.purge(cutoff=timezone.now() + dt.timedelta(seconds=1)) == 1
    notice = ForumNotice.objects.get()
    assert notice.notifier is None and notice.notifier_email == "" and notice.personal_data_purged_at
    assert "notices anonymised: 0" in personal_data_handlers.get("exchange.moderation").erase(user=notifier)


def test_moderation_pages(client, flagged):
    reply, _notifier = flagged
    assert client.get("/austausch/moderation/").status_code == 302
    client.force_login(member())
    assert client.get("/austausch/moderation/").status_code == 403
    moderator = partner_moderator()
    client.force_login(moderator)
    queue = client.get("/austausch/moderation/").content.decode()
    assert "1 offene Meldung" in queue and "Belästigung oder Beleidigung (1)" in queue
    assert "0 offene" not in queue and queue.count("offene Meldung") == 1  # unflagged posts are not listed
    page = client.get(f"/austausch/moderation/beitrag/{reply.pk}/")
    assert "Berta Bauer (berta@example.org)" in page.content.decode()
    assert AuditEntry.objects.filter(action="exchange.notice_read", actor=moderator).exists()
    bad = client.post(f"/austausch/moderation/beitrag/{reply.pk}/", {"outcome": "remove", "facts": FACTS})
    assert bad.status_code == 400 and "Rechtsgrundlage oder die Regel" in bad.content.decode()
    ok = client.post(f"/austausch/moderation/beitrag/{reply.pk}/",
                     {"outcome": "remove", "facts": FACTS, "terms_rule": "respect"})
    assert ok.status_code == 302
    log = client.get("/austausch/moderation/protokoll/", {"ergebnis": "remove", "moderation": moderator.pk})
    assert log.status_code == 200 and "Beitrag entfernt" in log.content.decode()
    assert client.get("/austausch/moderation/protokoll/", {"beitrag": "x'--"}).status_code == 400
    assert client.get("/austausch/moderation/protokoll/", {"ergebnis": "boom"}).status_code == 400
    assert client.get("/austausch/moderation/moderatoren/").status_code == 403


def test_staff_moderators_need_the_second_factor(client, flagged):
    """A staff session without the second factor (a login with password only) is sent
    back to the login, as on /verwaltung/."""
    from allauth.account.internal.flows.login import record_authentication

    office = office_moderator()
    client.force_login(office)
    session = client.session
    session.save()
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = client.session
    record_authentication(request, office, "password", email=office.email)
    request.session.save()
    response = client.get("/austausch/moderation/")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_a_moderator_does_not_decide_on_a_post_they_reported():
    _thread, _first, reply = thread_with_reply()
    reporter, other = office_moderator(email="melde@stadt.example"), partner_moderator()
    notice_submit(post=reply, user=reporter, reason=NoticeReason.HARASSMENT,
                  explanation="Die Fragestellerin wird beschimpft.")
    with pytest.raises(PermissionDenied):
        decision_take(actor=reporter, post=reply, outcome=DecisionOutcome.REMOVE, terms_rule=TermsRule.RESPECT,
                      facts=FACTS)
    decision_take(actor=other, post=reply, outcome=DecisionOutcome.REMOVE, terms_rule=TermsRule.RESPECT, facts=FACTS)
    reply.refresh_from_db()
    assert reply.status == PostStatus.REMOVED
