"""Cached catalogue parts (core.fragments) follow every catalogue write at once in the
process that made it, per language; other processes within FRAGMENT_CACHE_SECONDS."""

import pytest

from digitalstadt.catalog.demo import seed
from digitalstadt.catalog.models import LifeSituation, Service

pytestmark = pytest.mark.django_db


def test_a_renamed_service_shows_at_once_on_every_cached_page(client):
    seed()
    assert "Sperrmüll-Abholung" in client.get("/leistungen/").content.decode()
    assert "Sperrmüll-Abholung" in client.get("/leistungen/?q=Sofa").content.decode()
    assert "Sperrmüll-Abholung" in client.get("/leistungen/sperrmuell/").content.decode()
    service = Service.objects.get(slug="sperrmuell")
    service.name_de = "Sperrmüll abholen lassen"
    service.save()
    for path in ("/leistungen/", "/leistungen/?q=Sofa", "/leistungen/sperrmuell/"):
        text = client.get(path).content.decode()
        assert "Sperrmüll abholen lassen" in text and "Sperrmüll-Abholung" not in text, path


def test_a_service_moved_between_life_situations_moves_in_the_cached_lists(client):
    import re

    seed()

    def heading_of_sperrmuell() -> str:
        text = client.get("/leistungen/?q=Sofa").content.decode()
        before_link = text[:text.index('href="/leistungen/sperrmuell/"')]
        return re.findall(r'<h3 class="kern-heading-small">([^<]+)</h3>', before_link)[-1]

    first = heading_of_sperrmuell()
    situation = LifeSituation.objects.get(name_de=first.replace("&amp;", "&"))
    situation.services.remove(Service.objects.get(slug="sperrmuell"))
    assert heading_of_sperrmuell() != first


def test_the_cache_keeps_languages_apart(client):
    seed()
    german = client.get("/leistungen/").content.decode()
    english = client.get("/en/leistungen/").content.decode()
    assert "Alle Leistungen von A bis Z" in german and "Alle Leistungen von A bis Z" not in english
