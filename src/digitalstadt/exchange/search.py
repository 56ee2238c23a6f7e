"""Forum search in German, visible posts of visible threads only.

- SQLite: the FTS5 table `exchange_post_fts` (rowid = post id) holds the words folded
  and stemmed with the Snowball German stemmer (`core.search.stem`), because FTS5 has
  no German stemmer; a query word matches as a stem prefix, every word must match.
- PostgreSQL: its 'german' text search configuration (the same Snowball stemmer) on
  the thread's title and the post's text, computed in the query (the forum is small),
  each query word a prefix term, every word must match.

A compound written with a hyphen is two words ("Homeoffice-Richtlinien" finds
"Richtlinie für das Homeoffice")."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import F

from digitalstadt.core.search import stem, words

from .types import PostStatus

__all__ = ["index_post", "query_words", "search_posts", "unindex_post"]

MAX_WORDS = 8
MAX_RESULTS = 50


def _stemmed(text: str) -> str:
    return " ".join(stem(w) for w in words(text or ""))


def index_post(*, post) -> None:
    """(Re)index one post with its thread's title (SQLite only; PostgreSQL needs none)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM exchange_post_fts WHERE rowid = %s", [post.pk])
        cursor.execute("INSERT INTO exchange_post_fts(rowid, title, body) VALUES (%s, %s, %s)",
                       [post.pk, _stemmed(post.thread.title), _stemmed(post.body)])


def unindex_post(*, post_id: int) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM exchange_post_fts WHERE rowid = %s", [post_id])


def query_words(query: str) -> list[str]:
    """The query's meaningful words, letters and digits only (nothing reaches a query
    syntax unescaped)."""
    return [w for w in re.findall(r"[^\W_]+", " ".join(words(query or "")))][:MAX_WORDS]


def _visible_posts():
    from .models import ForumPost

    return ForumPost.objects.filter(status=PostStatus.VISIBLE, thread__status=PostStatus.VISIBLE)


def search_posts(*, query: str, category=None) -> list:
    """Matching visible posts, best first (at most MAX_RESULTS), with their thread."""
    terms = query_words(query)
    if not terms:
        return []
    posts = _visible_posts().select_related("thread__category", "author__forum_profile")
    if category is not None:
        posts = posts.filter(thread__category=category)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("thread__title", weight="A", config="german") + \
            SearchVector("body", weight="B", config="german")
        search_query = None
        for term in terms:
            part = SearchQuery(f"{term}:*", config="german", search_type="raw")
            search_query = part if search_query is None else search_query & part
        return list(posts.annotate(document=vector).filter(document=search_query)
                    .annotate(rank=SearchRank(F("document"), search_query))
                    .order_by("-rank", "-created_at")[:MAX_RESULTS])
    match = " AND ".join(f'"{stem(t)}"*' for t in terms)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM exchange_post_fts WHERE exchange_post_fts MATCH %s "
                       "ORDER BY bm25(exchange_post_fts, 3.0, 1.0) LIMIT %s", [match, MAX_RESULTS * 4])
        ids = [row[0] for row in cursor.fetchall()]
    by_id = {p.pk: p for p in posts.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id][:MAX_RESULTS]
