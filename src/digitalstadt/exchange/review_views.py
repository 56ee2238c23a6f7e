"""The review queue for moderators (/austausch/moderation/pruefen/). Staff need their
second factor here as on /verwaltung/ (TOTP set up and used at this login)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digitalstadt.core.audit import audit_log
from digitalstadt.core.params import MAX_ID
from digitalstadt.core.ratelimit import client_ip

from .forms import RejectForm
from .forum_services import ForumError
from .permissions import is_moderator
from .review_services import pending_posts, review_approve, review_reject


def _passed_second_factor(request) -> bool:
    from allauth.account.authentication import get_authentication_records
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
        return False
    records = get_authentication_records(request, request.user)
    return not records or any(record.get("method") == "mfa" for record in records)


def moderator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_moderator(request.user):
            raise PermissionDenied
        from digitalstadt.accounts.selectors import user_is_staff

        if user_is_staff(user=request.user) and not _passed_second_factor(request):
            from django.contrib.auth import logout

            logout(request)
            messages.warning(request, _("Bitte melden Sie sich erneut an und bestätigen Sie die Anmeldung mit dem "
                                        "Code aus Ihrer Authenticator-App."))
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        return view(request, *args, **kwargs)

    return wrapper


@moderator_required
def queue(request):
    posts = list(pending_posts()[:100])
    # The queue shows members' texts and names: a staff read of personal data.
    audit_log(actor=request.user, action="exchange.review_queue_read", ip_address=client_ip(request),
              data={"posts": [p.pk for p in posts]})
    return render(request, "exchange/review/queue.html", {"posts": posts, "reject_form": RejectForm()})


@require_POST
@moderator_required
def approve(request, post: int):
    try:
        if not 0 < post <= MAX_ID:
            raise ForumError(_("Dieser Beitrag wartet nicht mehr auf Prüfung."))
        review_approve(actor=request.user, post_id=post)
    except ForumError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Der Beitrag ist freigegeben."))
    return redirect("exchange:review-queue")


@require_POST
@moderator_required
def reject(request, post: int):
    form = RejectForm(request.POST)
    try:
        if not 0 < post <= MAX_ID:
            raise ForumError(_("Dieser Beitrag wartet nicht mehr auf Prüfung."))
        if not form.is_valid():
            raise ForumError(_("Bitte geben Sie eine Begründung an (mindestens 5 Zeichen)."))
        review_reject(actor=request.user, post_id=post, reason=form.cleaned_data["reason"])
    except ForumError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Der Beitrag ist abgelehnt; die Person wird mit Ihrer Begründung informiert."))
    return redirect("exchange:review-queue")
