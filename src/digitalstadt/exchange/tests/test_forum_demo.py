"""The forum's demo data: categories per topic plus "Allgemeines", threads with answers,
one accepted, searchable; running it twice changes nothing."""

import pytest

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.exchange.demo import seed
from digitalstadt.exchange.models import ForumCategory, ForumPost, ForumThread
from digitalstadt.exchange.search import search_posts

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_searchable():
    for email in ("firma@digitalstadt.example", "team@digitalstadt.example", "wirtschaft@digitalstadt.example"):
        CitizenFactory(email=email)
    seed()
    seed()
    assert ForumCategory.objects.count() == 5 and ForumCategory.objects.filter(slug="allgemeines").exists()
    assert ForumThread.objects.count() == 3 and ForumPost.objects.count() == 6
    assert ForumThread.objects.filter(accepted_post__isnull=False).count() == 1
    assert search_posts(query="Homeoffice-Richtlinien")
