"""API tokens with scopes, expiry and a per-token rate limit: a token without the scope
gets 403 on a scoped endpoint, an expired token 401, too many calls 429; scopes come
from the registry that apps fill."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from digitalstadt.accounts import services
from digitalstadt.accounts.models import ApiToken
from digitalstadt.catalog.demo import seed as seed_catalog
from digitalstadt.core.registry import api_scopes

from .test_organisations import make_user


def make_org_with_owner():
    owner = make_user("inhaberin@example.org")
    return services.organisation_create(actor=owner, name="Bäckerei Hessen", kind="shop", city="Darmstadt"), owner

pytestmark = pytest.mark.django_db
URL = "/api/v1/catalog/services"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def call(client, secret, url=URL):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_scope_decides_what_a_token_may_read(client):
    seed_catalog()
    org, owner = make_org_with_owner()
    assert "catalog:read" in {s.id for s in api_scopes.all()}
    _t, reader = services.api_token_create(actor=owner, organisation=org, name="Website", scopes=["catalog:read"])
    _t, plain = services.api_token_create(actor=owner, organisation=org, name="Kasse", scopes=[])
    ok = call(client, reader)
    assert ok.status_code == 200 and any(s["slug"] == "ummeldung" for s in ok.json())
    refused = call(client, plain)
    assert refused.status_code == 403 and "catalog:read" in refused.json()["detail"]
    assert call(client, plain, "/api/v1/whoami").status_code == 200  # no scope needed to ask who one is
    assert call(client, "dst_unknown").status_code == 401
    assert client.get(URL).status_code == 401


def test_an_expired_token_is_refused_with_401(client):
    org, owner = make_org_with_owner()
    token, secret = services.api_token_create(actor=owner, organisation=org, name="Kasse", scopes=["catalog:read"],
                                              valid_days=30)
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=30)).date()
    with time_machine.travel(token.expires_at + dt.timedelta(seconds=1), tick=False):
        assert call(client, secret).status_code == 401
        assert call(client, secret, "/api/v1/whoami").status_code == 401
    assert call(client, secret).status_code == 200


def test_each_token_has_its_own_rate_limit(client, settings):
    settings.API_TOKEN_RATE_LIMIT = (3, 60)
    org, owner = make_org_with_owner()
    _t, first = services.api_token_create(actor=owner, organisation=org, name="A", scopes=["catalog:read"])
    _t, second = services.api_token_create(actor=owner, organisation=org, name="B", scopes=["catalog:read"])
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        assert [call(client, first).status_code for _ in range(4)] == [200, 200, 200, 429]
        assert call(client, second).status_code == 200  # another token, its own budget


@pytest.mark.parametrize(("scopes", "days", "message"), [
    (["parking:everything"], 90, "Diese Berechtigung gibt es nicht"),
    (["catalog:read"], 10000, "angebotenen Laufzeiten"),
])
def test_unknown_scopes_or_lifetimes_are_refused(scopes, days, message):
    org, owner = make_org_with_owner()
    with pytest.raises(ValidationError, match=message):
        services.api_token_create(actor=owner, organisation=org, name="X", scopes=scopes, valid_days=days)
    assert not ApiToken.objects.with_scopes_disabled().exists()


def test_revoking_asks_once_more(client):
    org, owner = make_org_with_owner()
    token, secret = services.api_token_create(actor=owner, organisation=org, name="Kasse", scopes=["catalog:read"])
    client.force_login(owner)
    url = f"/mein-konto/organisationen/{org.slug}/api-schluessel/{token.uuid}/widerrufen/"
    page = client.get(url)
    assert page.status_code == 200 and "Ja, Schlüssel widerrufen" in page.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and call(client, secret).status_code == 401
