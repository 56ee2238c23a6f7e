"""Notice and action in the forum (EU Digital Services Act, Art. 16, 17, 20).

- `notice_submit`: a notice on a post (or its thread): illegal content by anyone, the
  other reasons by members who may flag; confirmation of receipt to the notifier;
- `decision_take`: a moderator (a person, never the post's author) decides on all open
  notices of a post: keep, or remove with a statement of reasons that goes to the author
  (Postfach and e-mail); the notifiers are told the outcome;
- `appeal_submit` / `appeal_decide`: the internal complaint within six months, decided by
  another moderator than the one who decided;
- `moderator_appoint` / `moderator_remove`: the business development office appoints
  people of partner organisations.

Every step writes an audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one
from digitalstadt.core.ratelimit import hit
from digitalstadt.core.urls_helpers import absolute_url

from .flag_permissions import may_flag_post
from .flag_types import AppealOutcome, AppellantRole, DecisionOutcome, NoticeReason, TermsRule
from .models import ForumModerator, ForumNotice, ForumPost, ModerationAppeal, ModerationDecision
from .permissions import is_moderator
from .types import PostStatus

APPEAL_MONTHS = 6
EXPLANATION_MIN = 20


def _rate_limit() -> tuple[int, int]:
    return tuple(getattr(settings, "EXCHANGE_NOTICE_RATE_LIMIT", (10, 3600)))


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same local day `months` later (the month's last day where it is shorter)."""
    import calendar

    local = timezone.localtime(moment)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    naive = local.replace(tzinfo=None, year=year, month=month, day=day)
    return timezone.make_aware(naive, timezone.get_current_timezone())


def _mail(*, to: str, language: str, template: str, context: dict) -> None:
    from digitalstadt.mailbox.services import outbox_enqueue_template

    if not to:
        return
    outbox_enqueue_template(to=to, template_prefix=f"exchange/email/{template}", language=language or "de",
                            context={**context, "platform_name": settings.PLATFORM_NAME},
                            purpose=f"exchange:{template}")


def _postfach(*, user, subject: str, body: str, actor) -> None:
    from digitalstadt.mailbox.services import message_send

    if user is None or not user.is_active:
        return
    message_send(subject=subject, body=body, sender_name=_("Moderation des Austauschs"), recipient_user=user,
                 regarding="exchange.moderation", actor=actor)


# --- notices (Art. 16) -------------------------------------------------------------


def notice_submit(*, post: ForumPost, user: Any, reason: str, explanation: str = "", concerns_thread: bool = False,
                  is_csam: bool = False, good_faith: bool = False, name: str = "", email: str = "",
                  rate_key: str = "", ip_address: str | None = None) -> ForumNotice:
    """File a notice. Raises ValidationError (a clear message; nothing stored) for
    missing details, PermissionDenied if this person may not flag for this reason."""
    signed_in = bool(getattr(user, "is_authenticated", False))
    if reason not in NoticeReason.values:
        raise ValidationError(_("Bitte wählen Sie einen Grund für die Meldung."))
    if post.status != PostStatus.VISIBLE:
        raise ValidationError(_("Dieser Beitrag ist nicht mehr sichtbar und kann nicht gemeldet werden."))
    if reason != NoticeReason.ILLEGAL:
        if signed_in and post.author_id != user.pk and not may_flag_post(user, post):
            raise PermissionDenied(_("Neue Mitglieder können Beiträge aus diesem Grund erst melden, wenn drei ihrer "
                                     "Beiträge freigegeben sind. Rechtswidrige Inhalte können Sie jederzeit melden."))
        if not signed_in or not may_flag_post(user, post):
            raise PermissionDenied(_("Nur angemeldete Mitglieder können fremde Beiträge aus diesem Grund melden."))
        is_csam = False
    elif signed_in and post.author_id == user.pk:
        raise PermissionDenied(_("Eigene Beiträge können Sie bearbeiten oder löschen, nicht melden."))
    explanation = (explanation or "").strip()
    name, email = (name or "").strip(), (email or "").strip()
    if signed_in:
        name = name or user.get_full_name() or user.email
        email = user.email
    errors = []
    if reason == NoticeReason.ILLEGAL:
        if len(explanation) < EXPLANATION_MIN:
            errors.append(_("Bitte erklären Sie, warum der Inhalt rechtswidrig ist (mindestens %(n)d Zeichen).")
                          % {"n": EXPLANATION_MIN})
        if not good_faith:
            errors.append(_("Bitte bestätigen Sie, dass Ihre Angaben nach bestem Wissen richtig und vollständig "
                            "sind."))
        if not is_csam and (not name or not email):
            errors.append(_("Bitte geben Sie Ihren Namen und Ihre E-Mail-Adresse an (nicht nötig bei Darstellungen "
                            "sexuellen Kindesmissbrauchs)."))
    if errors:
        raise ValidationError(errors)
    limit, period = _rate_limit()
    key = f"user:{user.pk}" if signed_in else (rate_key or "anonymous")
    if not hit(scope="exchange-notice", key=key, limit=limit, period=period):
        raise ValidationError(_("Zu viele Meldungen in kurzer Zeit. Bitte versuchen Sie es später noch einmal."))
    now = timezone.now()
    try:
        with transaction.atomic():
            notice = ForumNotice.objects.create(
                post=post, concerns_thread=concerns_thread and post.is_first, reason=reason,
                explanation=explanation[:5000], is_csam=is_csam, good_faith=good_faith,
                notifier=user if signed_in else None, notifier_name=name[:200], notifier_email=email[:254],
                language=translation.get_language() or "de", created_at=now)
            audit_log(actor=user if signed_in else None, system="exchange.notice", action="exchange.notice_submitted",
                      subject=notice, data_subject=post.author, ip_address=ip_address,
                      data={"post": post.pk, "reason": reason})
            _mail(to=email, language=notice.language, template="moderation_notice_receipt",
                  context={"notice": notice, "post": post, "name": name,
                           "reason": NoticeReason(reason).label, "received_at": now})
    except IntegrityError:
        raise ValidationError(_("Sie haben diesen Beitrag bereits gemeldet.")) from None
    return notice


# --- decisions (Art. 17) -----------------------------------------------------------


def may_decide(*, user: Any, post: ForumPost) -> bool:
    """A moderator decides, but not on their own post nor on a post they reported."""
    return (is_moderator(user) and post.author_id != user.pk
            and not ForumNotice.objects.filter(post=post, notifier=user, decision__isnull=True).exists())


def statement_text(*, decision: ModerationDecision) -> str:
    """The statement of reasons (Art. 17(3) DSA), frozen on the decision."""
    post = decision.post
    lines = [
        _("Entscheidung: %(outcome)s") % {"outcome": DecisionOutcome(decision.outcome).label},
        _("Betroffener Inhalt: Ihr Beitrag vom %(date)s im Thema „%(thread)s“ (Nr. %(pk)s).") % {
            "date": timezone.localtime(post.created_at).strftime("%d.%m.%Y %H:%M"), "thread": post.thread.title,
            "pk": post.pk},
        _("Umfang der Maßnahme: %(scope)s") % {"scope": decision.scope},
        _("Tatsachen und Umstände: %(facts)s") % {"facts": decision.facts},
        _("Automatisierte Mittel: Nein. Die Meldung wurde von einer Person geprüft und entschieden; es wurden "
          "keine automatisierten Mittel zur Erkennung oder Entscheidung eingesetzt."),
    ]
    if decision.legal_ground:
        lines.append(_("Rechtsgrundlage (rechtswidriger Inhalt): %(ground)s") % {"ground": decision.legal_ground})
    if decision.terms_rule:
        lines.append(_("Grundlage in den Forumsbedingungen: %(rule)s") % {"rule": TermsRule(decision.terms_rule).label})
    lines.append(_("Rechtsbehelfe: Sie können bis zum %(until)s kostenlos Einspruch über die interne "
                   "Beschwerdestelle einlegen (Art. 20 DSA); eine andere Person als die entscheidende prüft ihn. "
                   "Sie können außerdem eine zertifizierte außergerichtliche Streitbeilegungsstelle anrufen "
                   "(Art. 21 DSA) und den Rechtsweg zu den Gerichten beschreiten.") % {
        "until": timezone.localtime(decision.appeal_until).strftime("%d.%m.%Y")})
    return "\n\n".join(lines)


def decision_take(*, actor: Any, post: ForumPost, outcome: str, facts: str, terms_rule: str = "",
                  legal_ground: str = "", ip_address: str | None = None) -> ModerationDecision:
    if not may_decide(user=actor, post=post):
        raise PermissionDenied(_("Über eigene oder selbst gemeldete Beiträge und ohne Moderationsrecht können Sie "
                                 "nicht entscheiden."))
    facts, legal_ground = (facts or "").strip(), (legal_ground or "").strip()
    if outcome not in DecisionOutcome.values:
        raise ValidationError(_("Bitte wählen Sie eine Entscheidung."))
    errors = []
    if len(facts) < EXPLANATION_MIN:
        errors.append(_("Bitte beschreiben Sie die Tatsachen und Umstände der Entscheidung (mindestens %(n)d "
                        "Zeichen).") % {"n": EXPLANATION_MIN})
    if terms_rule and terms_rule not in TermsRule.values:
        errors.append(_("Bitte wählen Sie eine Regel der Forumsbedingungen aus der Liste."))
    if outcome == DecisionOutcome.REMOVE and not (terms_rule or legal_ground):
        errors.append(_("Bitte nennen Sie die Rechtsgrundlage oder die Regel der Forumsbedingungen."))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        post = lock_one(ForumPost.objects.filter(pk=post.pk))
        open_notices = list(ForumNotice.objects.filter(post=post, decision__isnull=True))
        if not open_notices:
            raise ValidationError(_("Zu diesem Beitrag liegt keine offene Meldung (mehr) vor."))
        if outcome == DecisionOutcome.REMOVE and any(n.reason == NoticeReason.ILLEGAL for n in open_notices) \
                and not (legal_ground or terms_rule):
            raise ValidationError(_("Bitte nennen Sie die Rechtsgrundlage."))
        thread_wide = any(n.concerns_thread for n in open_notices) and post.is_first
        if outcome == DecisionOutcome.REMOVE:
            scope = (_("Das ganze Thema mit allen Antworten wird im Forum nicht mehr angezeigt.") if thread_wide
                     else _("Der Beitrag wird im Forum nicht mehr angezeigt; das Thema und die anderen Beiträge "
                            "bleiben sichtbar."))
        else:
            scope = _("Keine Maßnahme: der Beitrag bleibt sichtbar.")
        decision = ModerationDecision(
            post=post, post_author=post.author, outcome=outcome, scope=scope, facts=facts[:5000],
            terms_rule=terms_rule, legal_ground=legal_ground[:300], automated=False, decided_by=actor,
            decided_at=now, appeal_until=add_months(now, APPEAL_MONTHS))
        decision.statement = statement_text(decision=decision)
        decision.save()
        ForumNotice.objects.filter(pk__in=[n.pk for n in open_notices]).update(decision=decision)
        if outcome == DecisionOutcome.REMOVE:
            _set_visibility(post, PostStatus.REMOVED, thread_wide=thread_wide)
        audit_log(actor=actor, action="exchange.moderation_decided", subject=decision, data_subject=post.author,
                  ip_address=ip_address, data={"post": post.pk, "outcome": outcome, "notices": len(open_notices)})
        _tell_about_decision(decision=decision, notices=open_notices, actor=actor)
    return decision


def _set_visibility(post: ForumPost, status: str, *, thread_wide: bool) -> None:
    ForumPost.objects.filter(pk=post.pk).update(status=status)
    post.status = status
    if thread_wide:
        type(post.thread).objects.filter(pk=post.thread_id).update(status=status)


def _tell_about_decision(*, decision: ModerationDecision, notices: list[ForumNotice], actor) -> None:
    author = decision.post.author
    link = absolute_url("exchange-flags:decision", kwargs={"decision": decision.uuid})
    if decision.outcome == DecisionOutcome.REMOVE and author is not None:
        with translation.override(author.language or "de"):
            _postfach(user=author, actor=actor,
                      subject=_("Ihr Beitrag im Austausch wurde entfernt: Begründung"),
                      body=decision.statement + "\n\n" + _("Einspruch einlegen: %(link)s") % {"link": link})
    for notice in notices:
        with translation.override(notice.language or "de"):
            _mail(to=notice.notifier_email, language=notice.language, template="moderation_notice_outcome",
                  context={"notice": notice, "decision": decision, "name": notice.notifier_name,
                           "outcome": DecisionOutcome(decision.outcome).label,
                           # Notifiers with an account may appeal against keeping the post.
                           "link": link if notice.notifier_id and decision.outcome == DecisionOutcome.KEEP else ""})


# --- appeals (Art. 20) -------------------------------------------------------------


def appellant_role(*, user: Any, decision: ModerationDecision) -> str | None:
    """Who may appeal: the author against a removal, a notifier against keeping."""
    if not getattr(user, "is_authenticated", False):
        return None
    if decision.outcome == DecisionOutcome.REMOVE and decision.post_author_id == user.pk:
        return AppellantRole.AUTHOR
    if decision.outcome == DecisionOutcome.KEEP and decision.notices.filter(notifier=user).exists():
        return AppellantRole.NOTIFIER
    return None


def appeal_submit(*, user: Any, decision: ModerationDecision, grounds: str) -> ModerationAppeal:
    role = appellant_role(user=user, decision=decision)
    if role is None:
        raise PermissionDenied(_("Gegen diese Entscheidung können Sie keinen Einspruch einlegen."))
    grounds = (grounds or "").strip()
    if timezone.now() > decision.appeal_until:
        raise ValidationError(_("Die Frist für einen Einspruch ist am %(date)s abgelaufen.") % {
            "date": timezone.localtime(decision.appeal_until).strftime("%d.%m.%Y")})
    if len(grounds) < EXPLANATION_MIN:
        raise ValidationError(_("Bitte begründen Sie Ihren Einspruch (mindestens %(n)d Zeichen).")
                              % {"n": EXPLANATION_MIN})
    try:
        with transaction.atomic():
            appeal = ModerationAppeal.objects.create(decision=decision, appellant=user, role=role,
                                                     grounds=grounds[:5000], created_at=timezone.now())
            audit_log(actor=user, action="exchange.appeal_submitted", subject=appeal,
                      data_subject=decision.post_author, data={"decision": str(decision.uuid), "role": role})
    except IntegrityError:
        raise ValidationError(_("Sie haben gegen diese Entscheidung bereits Einspruch eingelegt.")) from None
    return appeal


def may_decide_appeal(*, user: Any, appeal: ModerationAppeal) -> bool:
    decision = appeal.decision
    return (is_moderator(user) and user.pk != decision.decided_by_id and user.pk != decision.post_author_id
            and user.pk != appeal.appellant_id)


def appeal_decide(*, actor: Any, appeal: ModerationAppeal, outcome: str, reasons: str,
                  ip_address: str | None = None) -> ModerationAppeal:
    if not may_decide_appeal(user=actor, appeal=appeal):
        raise PermissionDenied(_("Über einen Einspruch entscheidet eine andere Person als die, die die Entscheidung "
                                 "getroffen hat."))
    reasons = (reasons or "").strip()
    if outcome not in AppealOutcome.values:
        raise ValidationError(_("Bitte wählen Sie: bestätigen oder aufheben."))
    if len(reasons) < EXPLANATION_MIN:
        raise ValidationError(_("Bitte begründen Sie die Entscheidung über den Einspruch (mindestens %(n)d Zeichen).")
                              % {"n": EXPLANATION_MIN})
    with transaction.atomic():
        appeal = lock_one(ModerationAppeal.objects.filter(pk=appeal.pk))
        if appeal.decided_at is not None:
            raise ValidationError(_("Über diesen Einspruch ist bereits entschieden."))
        decision = appeal.decision
        appeal.outcome, appeal.reasons = outcome, reasons[:5000]
        appeal.decided_by, appeal.decided_at = actor, timezone.now()
        appeal.save(update_fields=["outcome", "reasons", "decided_by", "decided_at"])
        if outcome == AppealOutcome.REVERSED:
            thread_wide = decision.notices.filter(concerns_thread=True).exists() and decision.post.is_first
            status = PostStatus.VISIBLE if decision.outcome == DecisionOutcome.REMOVE else PostStatus.REMOVED
            _set_visibility(decision.post, status, thread_wide=thread_wide)
        audit_log(actor=actor, action="exchange.appeal_decided", subject=appeal, data_subject=decision.post_author,
                  ip_address=ip_address, data={"decision": str(decision.uuid), "outcome": outcome})
        _tell_about_appeal(appeal=appeal, actor=actor)
    return appeal


def _appeal_body(appeal: ModerationAppeal) -> str:
    decision = appeal.decision
    if appeal.outcome == AppealOutcome.REVERSED:
        effect = (_("Der Beitrag ist wieder sichtbar.") if decision.outcome == DecisionOutcome.REMOVE
                  else _("Der Beitrag wird nicht mehr angezeigt."))
    else:
        effect = _("Die Entscheidung bleibt bestehen.")
    return "\n\n".join([
        _("Ergebnis des Einspruchs: %(outcome)s. %(effect)s") % {
            "outcome": AppealOutcome(appeal.outcome).label, "effect": effect},
        _("Begründung: %(reasons)s") % {"reasons": appeal.reasons},
        _("Über den Einspruch hat eine andere Person entschieden als über die Meldung; es wurden keine "
          "automatisierten Mittel eingesetzt."),
        _("Sie können eine zertifizierte außergerichtliche Streitbeilegungsstelle anrufen (Art. 21 DSA) oder die "
          "Gerichte anrufen."),
    ])


def _tell_about_appeal(*, appeal: ModerationAppeal, actor) -> None:
    decision = appeal.decision
    author = decision.post_author
    if author is not None:
        with translation.override(author.language or "de"):
            _postfach(user=author, actor=actor, subject=_("Entscheidung über den Einspruch zu Ihrem Beitrag"),
                      body=_appeal_body(appeal))
    for notice in decision.notices.all():
        if notice.notifier_email:
            with translation.override(notice.language or "de"):
                _mail(to=notice.notifier_email, language=notice.language, template="moderation_appeal_outcome",
                      context={"name": notice.notifier_name, "body": _appeal_body(appeal)})


# --- moderators --------------------------------------------------------------------


def may_appoint(*, user: Any) -> bool:
    from digitalstadt.accounts.selectors import user_has_staff_role

    return user_has_staff_role(user=user, role="business_development")


def moderator_appoint(*, actor: Any, email: str, organisation) -> ForumModerator:
    from digitalstadt.accounts.selectors import membership_for, user_by_email

    if not may_appoint(user=actor):
        raise PermissionDenied
    if organisation is None or organisation.kind != "partner":
        raise ValidationError(_("Moderatorinnen und Moderatoren kommen aus Partnerorganisationen."))
    person = user_by_email(email=(email or "").strip())
    if person is None or membership_for(user=person, organisation=organisation) is None:
        raise ValidationError(_("Unter dieser E-Mail-Adresse gibt es kein Mitglied der Partnerorganisation."))
    with transaction.atomic():
        moderator, created = ForumModerator.objects.get_or_create(
            user=person, defaults={"organisation": organisation, "appointed_by": actor,
                                   "appointed_at": timezone.now()})
        if not created:
            raise ValidationError(_("Diese Person moderiert bereits."))
        audit_log(actor=actor, action="exchange.moderator_appointed", subject=moderator, data_subject=person,
                  data={"organisation": organisation.pk})
    return moderator


def moderator_remove(*, actor: Any, moderator: ForumModerator) -> None:
    if not may_appoint(user=actor):
        raise PermissionDenied
    with transaction.atomic():
        audit_log(actor=actor, action="exchange.moderator_removed", subject=moderator, data_subject=moderator.user,
                  data={"organisation": moderator.organisation_id})
        moderator.delete()
