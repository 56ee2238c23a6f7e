"""Rows owned by an organisation are read only inside its scope (core.scoping)."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from digitalstadt.accounts import selectors, services
from digitalstadt.accounts.models import ApiToken, Invitation, Membership, Organisation, OrgRole, User
from digitalstadt.core.scoping import ScopeError, organisation_scope, unscoped

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_companies():
    made = []
    for name in ("Bäckerei Nord", "Fahrradladen Süd"):
        owner = User.objects.create_user(f"inhaber@{name[:5].lower()}.example", "x" * 12)
        org = Organisation.objects.create(name=name, slug=name[:5].lower(), kind="company")
        Membership.objects.create(user=owner, organisation=org, role=OrgRole.OWNER)
        TOTP.activate(owner, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        token, _secret = services.api_token_create(actor=owner, organisation=org, name=f"Kasse {name}")
        made.append((org, owner, token))
    return made


def test_a_query_without_a_scope_raises(two_companies):
    with pytest.raises(ScopeError):
        list(ApiToken.objects.all())
    with pytest.raises(ScopeError):
        ApiToken.objects.filter(name__startswith="Kasse").exists()
    with pytest.raises(ScopeError):
        Invitation.objects.count()


def test_a_scope_shows_only_its_organisations_rows_even_without_a_filter(two_companies):
    (north, _o, north_token), (south, _p, south_token) = two_companies
    with organisation_scope(north):
        assert list(ApiToken.objects.all()) == [north_token]
        assert not ApiToken.objects.filter(pk=south_token.pk).exists()
    # querysets made inside the scope stay filtered when evaluated outside it
    assert list(selectors.api_tokens_of(organisation=south)) == [south_token]
    assert selectors.api_token_of(organisation=north, uuid=south_token.uuid) is None


def test_platform_jobs_look_across_organisations_only_when_they_say_so(two_companies):
    with unscoped():
        assert ApiToken.objects.count() == 2
    assert ApiToken.objects.with_scopes_disabled().count() == 2


def test_another_organisations_token_cannot_be_revoked_through_the_url(client, two_companies):
    (north, north_owner, _t), (_south, _p, south_token) = two_companies
    client.force_login(north_owner)
    response = client.post(f"/mein-konto/organisationen/{north.slug}/api-schluessel/{south_token.uuid}/widerrufen/")
    assert response.status_code == 404
    assert ApiToken.objects.with_scopes_disabled().get(pk=south_token.pk).revoked_at is None
