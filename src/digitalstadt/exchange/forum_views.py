"""The forum's pages (thin: parse, call one service, render). Reading is public;
writing needs a logged-in member of a company or partner organisation, staff or a
moderator (`forum_selectors.user_may_write`)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digitalstadt.core.params import MAX_ID, BadParameter, query_int, query_text
from digitalstadt.core.ratelimit import hit

from . import forum_selectors, notifications, search
from .forms import EditForm, LevelForm, ReplyForm, ThreadForm
from .forum_services import ForumError, post_edit, post_reply, thread_accept_answer, thread_create
from .models import ForumPost, NotificationLevel
from .permissions import is_moderator
from .trust import trust_level
from .types import PostStatus

WRITE_LIMIT = (30, 3600)  # posts per member and hour


def _writer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _within_limit(request) -> bool:
    limit, period = WRITE_LIMIT
    if hit(scope="exchange.write", key=str(request.user.pk), limit=limit, period=period):
        return True
    messages.error(request, _("Sie haben in kurzer Zeit sehr viel geschrieben. Bitte versuchen Sie es später "
                              "noch einmal."))
    return False


def _thread_or_404(request, pk: int):
    thread = forum_selectors.thread_for_reader(pk=pk, user=request.user) if 0 < pk <= MAX_ID else None
    if thread is None:
        raise Http404
    return thread


def _page(request):
    try:
        return query_int(request.GET, "seite", default=1, maximum=10000)
    except BadParameter:
        return 1


def index(request):
    moderating = is_moderator(request.user)
    pending_count = 0
    if moderating:
        from .review_services import pending_posts

        pending_count = pending_posts().count()
    return render(request, "exchange/forum/index.html", {
        "categories": forum_selectors.categories_with_counts(),
        "may_write": forum_selectors.user_may_write(request.user), "moderating": moderating,
        "pending_count": pending_count})


def category(request, category: str):
    found = forum_selectors.category_by_slug(category)
    if found is None:
        raise Http404
    tag = query_text(request.GET, "schlagwort", max_length=60)
    level = notifications.level_for(user=request.user, category=found) if request.user.is_authenticated else ""
    return render(request, "exchange/forum/category.html", {
        "category": found, "page": forum_selectors.threads_page(category=found, page=_page(request), tag=tag),
        "tag": tag, "may_write": forum_selectors.user_may_write(request.user),
        "level": level, "level_form": LevelForm(initial={"level": level}), "levels": NotificationLevel.choices})


def thread(request, thread: int):
    found = _thread_or_404(request, thread)
    posts = forum_selectors.thread_posts_for_reader(thread=found, user=request.user)
    user = request.user
    may_accept = user.is_authenticated and found.is_question and (found.author_id == user.pk or is_moderator(user))
    level = notifications.level_for(user=user, thread=found) if user.is_authenticated else ""
    return render(request, "exchange/forum/thread.html", {
        "thread": found, "posts": posts, "reply_form": ReplyForm(), "may_write": forum_selectors.user_may_write(user),
        "may_accept": may_accept, "level": level, "levels": NotificationLevel.choices,
        "pending": PostStatus.PENDING, "trust_level": trust_level(user) if user.is_authenticated else None})


@_writer_required
def thread_new(request):
    if not forum_selectors.user_may_write(request.user):
        messages.error(request, _("Schreiben können Mitglieder eines Unternehmens oder einer Partnerorganisation."))
        return redirect("exchange:index")
    initial = {"category": query_text(request.GET, "kategorie", max_length=80)}
    form = ThreadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _within_limit(request):
        try:
            created = thread_create(author=request.user, category=form.cleaned_data["category"],
                                    title=form.cleaned_data["title"], body=form.cleaned_data["body"],
                                    tags=list(form.cleaned_data["tags"]))
        except ForumError as exc:
            form.add_error(None, str(exc))
        else:
            if created.status == PostStatus.PENDING:
                messages.info(request, _("Danke! Ihre Frage wartet auf Prüfung durch die Moderation und ist bis "
                                         "dahin nur für Sie sichtbar."))
            else:
                messages.success(request, _("Ihre Frage ist veröffentlicht."))
            return redirect("exchange:thread", thread=created.pk)
    return render(request, "exchange/forum/thread_new.html", {"form": form},
                  status=400 if form.errors else 200)


@require_POST
@_writer_required
def reply(request, thread: int):
    found = _thread_or_404(request, thread)
    form = ReplyForm(request.POST)
    if form.is_valid() and _within_limit(request):
        try:
            post = post_reply(author=request.user, thread=found, body=form.cleaned_data["body"])
        except ForumError as exc:
            messages.error(request, str(exc))
        else:
            if post.status == PostStatus.PENDING:
                messages.info(request, _("Danke! Ihre Antwort wartet auf Prüfung durch die Moderation und ist bis "
                                         "dahin nur für Sie sichtbar."))
            else:
                messages.success(request, _("Ihre Antwort ist veröffentlicht."))
            return redirect(_thread_url(found.pk, post.pk))
    elif form.errors:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("exchange:thread", thread=found.pk)


def _thread_url(thread_pk: int, post_pk: int | None = None) -> str:
    from django.urls import reverse

    url = reverse("exchange:thread", kwargs={"thread": thread_pk})
    return f"{url}#beitrag-{post_pk}" if post_pk else url


@_writer_required
def edit(request, post: int):
    found = ForumPost.objects.select_related("thread").filter(pk=post).first() if 0 < post <= MAX_ID else None
    if found is None or found.status == PostStatus.REMOVED or (
            found.author_id != request.user.pk and not is_moderator(request.user)):
        raise Http404
    form = EditForm(request.POST or None, initial={"body": found.body, "title": found.thread.title})
    if request.method == "POST" and form.is_valid():
        try:
            post_edit(actor=request.user, post=found, body=form.cleaned_data["body"],
                      title=form.cleaned_data["title"] if found.is_first else None)
        except ForumError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Ihr Beitrag ist geändert."))
            return redirect(_thread_url(found.thread_id, found.pk))
    return render(request, "exchange/forum/post_edit.html", {"form": form, "post": found},
                  status=400 if form.errors else 200)


@require_POST
@_writer_required
def accept(request, thread: int):
    found = _thread_or_404(request, thread)
    answer = None
    try:
        answer_id = query_int(request.POST, "antwort", default=None)
    except BadParameter as exc:
        messages.error(request, str(exc))
        return redirect("exchange:thread", thread=found.pk)
    if answer_id is not None:
        answer = ForumPost.objects.filter(pk=answer_id, thread=found).first()
        if answer is None:
            messages.error(request, _("Diese Antwort gibt es nicht."))
            return redirect("exchange:thread", thread=found.pk)
    try:
        thread_accept_answer(actor=request.user, thread=found, post=answer)
    except ForumError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Die Antwort ist als Lösung markiert.") if answer else
                         _("Die Markierung als Lösung ist aufgehoben."))
    return redirect(_thread_url(found.pk, answer.pk if answer else None))


@require_POST
@_writer_required
def thread_level(request, thread: int):
    found = _thread_or_404(request, thread)
    form = LevelForm(request.POST)
    if form.is_valid():
        notifications.level_set(user=request.user, thread=found, level=form.cleaned_data["level"])
        messages.success(request, _("Benachrichtigung für dieses Thema: %(level)s") % {
            "level": NotificationLevel(form.cleaned_data["level"]).label})
    else:
        messages.error(request, _("Bitte wählen Sie eine Stufe."))
    return redirect("exchange:thread", thread=found.pk)


@require_POST
@_writer_required
def category_level(request, category: str):
    found = forum_selectors.category_by_slug(category)
    if found is None:
        raise Http404
    form = LevelForm(request.POST)
    if form.is_valid():
        notifications.level_set(user=request.user, category=found, level=form.cleaned_data["level"])
        messages.success(request, _("Benachrichtigung für diese Kategorie: %(level)s") % {
            "level": NotificationLevel(form.cleaned_data["level"]).label})
    else:
        messages.error(request, _("Bitte wählen Sie eine Stufe."))
    return redirect("exchange:category", category=found.slug)


def search_page(request):
    query = query_text(request.GET, "q", max_length=200)
    results = search.search_posts(query=query) if query else []
    return render(request, "exchange/forum/search.html", {"query": query, "results": results})


def mute(request, token: str):
    """The mute link of an e-mail: GET asks (mail scanners follow links), POST mutes."""
    target = notifications.mute_target(token[:2000])
    if target is None:
        return render(request, "exchange/forum/mute.html", {"invalid": True}, status=400)
    user, thread, category = target
    done = False
    if request.method == "POST":
        notifications.mute_by_token(token[:2000])
        done = True
    return render(request, "exchange/forum/mute.html", {"thread": thread, "category": category, "done": done})
