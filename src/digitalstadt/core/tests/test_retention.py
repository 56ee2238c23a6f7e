from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from digitalstadt.accounts.models import User
from digitalstadt.core.models import AuditEntry
from digitalstadt.core.retention import purge_expired_data
from digitalstadt.mailbox.models import OutboundEmail

# Date-sensitive: run at every named instant of the test clock.
pytestmark = [pytest.mark.django_db, pytest.mark.instants()]


def make_mail(status, *, sent_days_ago=None):
    now = timezone.now()
    return OutboundEmail.objects.create(
        to="a@example.org", from_email="x@example.org", subject="s", body_text="b", status=status,
        next_attempt_at=now, sent_at=now - timedelta(days=sent_days_ago) if sent_days_ago is not None else None,
    )


def test_old_sent_mail_is_deleted_but_pending_and_recent_mail_is_kept():
    old = make_mail(OutboundEmail.Status.SENT, sent_days_ago=31)
    recent = make_mail(OutboundEmail.Status.SENT, sent_days_ago=2)
    pending = make_mail(OutboundEmail.Status.PENDING)
    counts = purge_expired_data()
    assert counts["outbox_sent"] == 1
    assert not OutboundEmail.objects.filter(pk=old.pk).exists()
    assert OutboundEmail.objects.filter(pk__in=[recent.pk, pending.pk]).count() == 2
    assert AuditEntry.objects.filter(action="retention.purged").exists()


def test_only_never_confirmed_old_accounts_are_deleted():
    long_ago = timezone.now() - timedelta(days=20)
    User.objects.create_user("abandoned@example.org", "x" * 12, date_joined=long_ago)
    confirmed = User.objects.create_user("confirmed@example.org", "x" * 12, date_joined=long_ago)
    EmailAddress.objects.create(user=confirmed, email=confirmed.email, verified=True, primary=True)
    fresh = User.objects.create_user("fresh@example.org", "x" * 12)
    purge_expired_data()
    remaining = set(User.objects.values_list("email", flat=True))
    assert "abandoned@example.org" not in remaining
    assert {"confirmed@example.org", "fresh@example.org"} <= remaining
    assert fresh.pk and confirmed.pk
