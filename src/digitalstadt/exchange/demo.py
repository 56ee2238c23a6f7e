"""Forum demo: a category per coaching topic plus "Allgemeines", tags, and a few German
threads of the demo companies with answers, one accepted. Idempotent (settings
DEMO_SEEDERS: "digitalstadt.exchange.demo.seed")."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from digitalstadt.accounts.selectors import user_by_email
from digitalstadt.business.types import Topic

from . import search
from .forum_profiles import profile_for
from .models import ForumCategory, ForumPost, ForumTag, ForumThread, NotificationLevel, NotificationSetting
from .types import PostStatus

CATEGORIES = (
    ("fuehren-auf-distanz", "Führen auf Distanz", Topic.REMOTE_LEADERSHIP,
     "Teams führen, die nicht im selben Büro sitzen: Ziele, Feedback, Vertrauen."),
    ("online-einarbeitung", "Online-Einarbeitung", Topic.ONLINE_ONBOARDING,
     "Neue Kolleginnen und Kollegen aus der Ferne gut ankommen lassen."),
    ("zusammenhalt-im-team", "Zusammenhalt im Team", Topic.TEAM_COHESION,
     "Rituale, Treffen und Werkzeuge gegen das Auseinanderdriften."),
    ("it-sicherheit-homeoffice", "IT und Sicherheit im Homeoffice", Topic.HOME_OFFICE_SECURITY,
     "Geräte, VPN, Passwörter, Phishing: sicher arbeiten von zu Hause."),
    ("allgemeines", "Allgemeines", "", "Alles andere rund ums Arbeiten von zu Hause."),
)
TAGS = (("richtlinie", "Richtlinie"), ("vpn", "VPN"), ("werkzeuge", "Werkzeuge"), ("checkliste", "Checkliste"),
        ("meetings", "Meetings"), ("datenschutz", "Datenschutz"))

# (category, title, tags, author, question, [(author, answer)], index of the accepted answer or None)
THREADS = (
    ("it-sicherheit-homeoffice", "Brauchen wir eine Richtlinie für das Homeoffice?", ("richtlinie", "datenschutz"),
     "firma@digitalstadt.example",
     "Wir sind zwölf Leute, die Hälfte arbeitet zwei Tage pro Woche zu Hause. Bisher ist nichts schriftlich "
     "geregelt. Braucht man eine Homeoffice-Richtlinie, und was muss mindestens hinein?",
     [("team@digitalstadt.example",
       "Ja, unbedingt – schon wegen Datenschutz und Arbeitszeit. Bei uns stehen drin: welche Geräte erlaubt sind, "
       "dass Bildschirme gesperrt werden, wie Unterlagen entsorgt werden, Erreichbarkeit und wer bei einem "
       "Sicherheitsvorfall angerufen wird. Die Vorlage im Wissensbereich war ein guter Start."),
      ("wirtschaft@digitalstadt.example",
       "Das BSI hat Empfehlungen fürs Homeoffice, an denen sich viele orientieren. Im Coaching "
       "„IT und Sicherheit im Homeoffice“ gehen wir eine Richtlinie Punkt für Punkt durch.")], 0),
    ("online-einarbeitung", "Wie arbeitet ihr neue Leute komplett online ein?", ("checkliste",),
     "team@digitalstadt.example",
     "Unsere neue Kollegin fängt nächsten Monat an und wird fast nur remote arbeiten. Wie plant ihr die ersten "
     "zwei Wochen?",
     [("firma@digitalstadt.example",
       "Bei uns: Laptop kommt eine Woche vorher per Post, am ersten Tag ein langes Video-Gespräch mit der "
       "Teamleitung, dazu eine Patin für alle kleinen Fragen und jeden Tag 15 Minuten Check-in.")], None),
    ("zusammenhalt-im-team", "Virtuelle Kaffeepause – funktioniert das?", ("meetings",),
     "firma@digitalstadt.example",
     "Wir haben eine feste virtuelle Kaffeepause eingeführt, aber nach drei Wochen kommt kaum noch jemand. "
     "Was macht ihr, damit das Team zusammenhält?", [], None),
)


def seed(*, stdout=None) -> None:
    with transaction.atomic():
        categories = {}
        for position, (slug, name, topic, description) in enumerate(CATEGORIES, start=1):
            categories[slug], _ = ForumCategory.objects.get_or_create(
                slug=slug, defaults={"name": name, "topic": topic, "description": description,
                                     "position": position * 10})
        tags = {slug: ForumTag.objects.get_or_create(slug=slug, defaults={"name": name})[0] for slug, name in TAGS}
        start = timezone.now() - dt.timedelta(days=6)
        for n, (category, title, tag_slugs, author_email, question, answers, accepted) in enumerate(THREADS):
            author = user_by_email(email=author_email)
            if author is None or ForumThread.objects.filter(title=title).exists():
                continue
            at = start + dt.timedelta(days=n, hours=2)
            thread = ForumThread.objects.create(category=categories[category], title=title, author=author,
                                                created_at=at, last_activity_at=at)
            thread.tags.set([tags[s] for s in tag_slugs])
            profile_for(author)
            posts = [ForumPost.objects.create(thread=thread, author=author, body=question, is_first=True,
                                              status=PostStatus.VISIBLE, created_at=at)]
            NotificationSetting.objects.get_or_create(user=author, thread=thread, category=None,
                                                      defaults={"level": NotificationLevel.WATCHING,
                                                                "updated_at": at})
            for i, (answer_email, text) in enumerate(answers, start=1):
                answerer = user_by_email(email=answer_email)
                if answerer is None:
                    continue
                profile_for(answerer)
                posts.append(ForumPost.objects.create(thread=thread, author=answerer, body=text,
                                                      status=PostStatus.VISIBLE,
                                                      created_at=at + dt.timedelta(hours=3 * i)))
            thread.last_activity_at = posts[-1].created_at
            if accepted is not None and len(posts) > accepted + 1:
                thread.accepted_post = posts[accepted + 1]
            thread.save(update_fields=["last_activity_at", "accepted_post"])
            for post in posts:
                search.index_post(post=post)
