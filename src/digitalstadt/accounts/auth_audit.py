"""Audit entries for sign-ins. Django and allauth announce them only by signal, so
these receivers are the hook; they write the audit row and nothing else."""

from digitalstadt.core.audit import audit_log
from digitalstadt.core.ratelimit import client_ip


def logged_in(sender, request, user, **kwargs):
    audit_log(actor=user, action="account.login", subject=user, data_subject=user,
              ip_address=client_ip(request) if request is not None else None)


def login_failed(sender, credentials, request=None, **kwargs):
    from .models import User

    login = str(credentials.get("email") or credentials.get("username") or credentials.get("login") or "")
    person = User.objects.filter(email__iexact=login).first() if login else None
    # The typed address is personal data: only a reference to a known account is kept.
    audit_log(actor=None, system="auth", action="account.login_failed", data_subject=person,
              ip_address=client_ip(request) if request is not None else None)
