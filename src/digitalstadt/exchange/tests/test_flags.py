"""Notices on forum posts (Art. 16 DSA): who may flag for which reason, the details an
illegal-content notice needs, one flag per person and post, the rate limit, the receipt
by e-mail through the real SMTP stand-in, and the notice form with its proof-of-work."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from digitalstadt.core import pow
from digitalstadt.core.models import AuditEntry
from digitalstadt.exchange.flag_types import NoticeReason
from digitalstadt.exchange.models import ForumNotice
from digitalstadt.exchange.moderation_services import notice_submit
from digitalstadt.exchange.types import PostStatus

from .moderation_factories import member, thread_with_reply

pytestmark = pytest.mark.django_db

with_worker = pytest.mark.django_db(transaction=True)

ILLEGAL_WHY = "Der Beitrag beleidigt eine namentlich genannte Person (§ 185 StGB)."


class Anonymous:
    is_authenticated = False
    pk = None


@with_worker
def test_member_flags_harassment_once_and_gets_a_receipt(smtp_server, deliver_mail):
    _thread, _first, reply = thread_with_reply()
    berta = member(email="berta@example.org", first_name="Berta", last_name="Bauer")
    notice = notice_submit(post=reply, user=berta, reason=NoticeReason.HARASSMENT)
    assert notice.notifier == berta and notice.notifier_email == "berta@example.org"
    entry = AuditEntry.objects.get(action="exchange.notice_submitted")
    assert entry.subject_id == str(notice.pk) and entry.data_subject_ref == f"user:{reply.author_id}"
    with pytest.raises(ValidationError, match="bereits gemeldet"):
        notice_submit(post=reply, user=berta, reason=NoticeReason.SPAM)
    assert ForumNotice.objects.count() == 1
    deliver_mail()
    [mail] = smtp_server.messages
    assert mail["to"] == ["berta@example.org"] and mail["subject"].startswith("Ihre Meldung ist eingegangen")
    assert "Belästigung oder Beleidigung" in mail["body"] and str(notice.uuid) in mail["body"]
    assert "&" not in mail["body"]  # not HTML-escaped


def test_authors_cannot_flag_their_own_post_and_removed_posts_cannot_be_flagged():
    _thread, _first, reply = thread_with_reply()
    with pytest.raises(PermissionDenied):
        notice_submit(post=reply, user=reply.author, reason=NoticeReason.SPAM)
    reply.status = PostStatus.REMOVED
    with pytest.raises(ValidationError):
        notice_submit(post=reply, user=member(), reason=NoticeReason.SPAM)
    assert not ForumNotice.objects.exists()


def test_without_an_account_only_illegal_content_with_all_details():
    _thread, _first, reply = thread_with_reply()
    with pytest.raises(PermissionDenied):
        notice_submit(post=reply, user=Anonymous(), reason=NoticeReason.SPAM)
    with pytest.raises(ValidationError) as missing:
        notice_submit(post=reply, user=Anonymous(), reason=NoticeReason.ILLEGAL, explanation="zu kurz")
    text = " ".join(missing.value.messages)
    assert "warum der Inhalt rechtswidrig" in text and "nach bestem Wissen" in text
    assert "Namen und Ihre E-Mail-Adresse" in text
    assert not ForumNotice.objects.exists()
    notice = notice_submit(post=reply, user=Anonymous(), reason=NoticeReason.ILLEGAL, explanation=ILLEGAL_WHY,
                           good_faith=True, name="Nina Nachbar", email="nina@example.org", rate_key="203.0.113.5")
    assert notice.notifier is None and notice.notifier_name == "Nina Nachbar" and notice.good_faith


def test_child_sexual_abuse_material_needs_no_name_or_email():
    _thread, _first, reply = thread_with_reply()
    notice = notice_submit(post=reply, user=Anonymous(), reason=NoticeReason.ILLEGAL, explanation=ILLEGAL_WHY,
                           is_csam=True, good_faith=True)
    assert notice.is_csam and notice.notifier_email == ""


def test_notices_are_rate_limited(settings):
    settings.EXCHANGE_NOTICE_RATE_LIMIT = (2, 3600)
    _thread, first, reply = thread_with_reply()
    for post in (first, reply):
        notice_submit(post=post, user=Anonymous(), reason=NoticeReason.ILLEGAL, explanation=ILLEGAL_WHY,
                      good_faith=True, name="N", email="n@example.org", rate_key="198.51.100.7")
    with pytest.raises(ValidationError, match="Zu viele Meldungen"):
        notice_submit(post=reply, user=Anonymous(), reason=NoticeReason.ILLEGAL, explanation=ILLEGAL_WHY,
                      good_faith=True, name="N", email="n@example.org", rate_key="198.51.100.7")
    # Another connection has its own budget.
    notice_submit(post=reply, user=Anonymous(), reason=NoticeReason.ILLEGAL, explanation=ILLEGAL_WHY,
                  good_faith=True, name="M", email="m@example.org", rate_key="198.51.100.8")
    assert ForumNotice.objects.count() == 3


def test_public_notice_form_needs_the_proof_of_work(client, settings):
    settings.ALTCHA_MAX_NUMBER = 2000
    _thread, _first, reply = thread_with_reply()
    url = f"/austausch/melden/beitrag/{reply.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "altcha-widget" in page.content.decode()
    data = {"reason": "illegal", "explanation": ILLEGAL_WHY, "good_faith": "on", "name": "Nina Nachbar",
            "email": "nina@example.org"}
    refused = client.post(url, data)
    assert refused.status_code == 400 and "Sicherheitsprüfung" in refused.content.decode()
    assert not ForumNotice.objects.exists()
    # Members' reasons are not on offer without an account.
    assert client.post(url, {**data, "reason": "spam"}).status_code == 400
    data["altcha"] = pow.solve_for_tests(pow.challenge_create())
    done = client.post(url, data)
    assert done.status_code == 302 and done["Location"].endswith("/austausch/melden/eingegangen/")
    notice = ForumNotice.objects.get()
    assert str(notice.uuid) in client.get(done["Location"]).content.decode()
    # The same solution cannot be used twice.
    assert client.post(url, data).status_code == 400


def test_member_form_and_post_actions_partial(client):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    _thread, _first, reply = thread_with_reply()
    berta = member()
    request = RequestFactory().get("/")
    request.user = berta
    assert f"/austausch/melden/beitrag/{reply.pk}/" in render_to_string("exchange/_post_actions.html",
                                                                         {"post": reply, "request": request})
    request.user = reply.author
    assert "melden" not in render_to_string("exchange/_post_actions.html", {"post": reply, "request": request})
    client.force_login(berta)
    page = client.get(f"/austausch/melden/beitrag/{reply.pk}/").content.decode()
    assert "altcha-widget" not in page and "Spam oder Werbung" in page
    bad = client.post(f"/austausch/melden/beitrag/{reply.pk}/", {"reason": "illegal"})
    assert bad.status_code == 400 and not ForumNotice.objects.exists()
    ok = client.post(f"/austausch/melden/beitrag/{reply.pk}/", {"reason": "harassment"})
    assert ok.status_code == 302 and ForumNotice.objects.get().notifier == berta
    client.force_login(reply.author)
    assert client.get(f"/austausch/melden/beitrag/{reply.pk}/").status_code == 403
    assert client.get("/austausch/melden/beitrag/999999/").status_code == 404


def test_a_new_member_cannot_flag_for_the_members_reasons_but_may_report_illegal_content():
    from .forum_factories import member as forum_member

    _thread, _first, reply = thread_with_reply()
    newcomer = forum_member(trusted=False, first_name="Nele", last_name="Neu")  # trust level 0
    with pytest.raises(PermissionDenied, match="drei ihrer Beiträge"):
        notice_submit(post=reply, user=newcomer, reason=NoticeReason.SPAM)
    assert not ForumNotice.objects.exists()
    notice = notice_submit(post=reply, user=newcomer, reason=NoticeReason.ILLEGAL, explanation=ILLEGAL_WHY,
                           good_faith=True)
    assert notice.notifier == newcomer
