"""The invitation link says who invites to what before anyone signs in, and sign-up
starts with the invited address filled in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from digitalstadt.accounts import services

from .test_organisations import make_user

pytestmark = pytest.mark.django_db


def invite(email="fahrerin@example.org", role="driver"):
    owner = make_user("inhaberin@example.org")
    owner.first_name, owner.last_name = "Ida", "Inhaberin"
    owner.save()
    org = services.organisation_create(actor=owner, name="Kurierdienst Bessungen", kind="courier")
    services.invitation_create(actor=owner, organisation=org, email=email, role=role)
    from digitalstadt.mailbox.models import OutboundEmail

    body = OutboundEmail.objects.get(to=email).body_text
    return re.search(r"/mein-konto/einladung/[^/\s]+/", body).group(0)


def test_a_visitor_sees_who_invites_to_what_and_registers_with_the_address_prefilled(client):
    link = invite()
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ida Inhaberin lädt Sie ein, der Organisation „Kurierdienst Bessungen“ als Fahrer/in beizutreten." in html
    assert "die eigenen Touren fahren" in html  # what the role may do
    signup = re.search(r'href="(/konto/signup/\?[^"]+)"', html).group(1).replace("&amp;", "&")
    assert "email=fahrerin%40example.org" in signup and "next=%2Fmein-konto%2Feinladung%2F" in signup
    form = client.get(signup).content.decode()
    assert re.search(r'<input[^>]*name="email"[^>]*value="fahrerin@example.org"', form) or \
        re.search(r'<input[^>]*value="fahrerin@example.org"[^>]*name="email"', form)


def test_an_existing_account_is_sent_to_sign_in_and_a_dead_link_says_what_to_do(client):
    make_user("fahrerin@example.org")
    link = invite()
    html = client.get(link).content.decode()
    assert "Anmelden und annehmen" in html and "Konto anlegen" not in html
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        expired = client.get(link)
    assert expired.status_code == 410
    assert "Bitten Sie die Person, die Sie eingeladen hat, um eine neue Einladung." in expired.content.decode()
