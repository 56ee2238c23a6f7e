"""Online rooms: who gets a link and when, the Jitsi JWT as a Jitsi server checks it,
BigBlueButton's create-then-join with the checksum as BBB checks it, provider trouble."""

from __future__ import annotations

import datetime as dt
import json
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import jwt
import pytest
from django.core import checks

from digitalstadt.business.models import RegistrationStatus
from digitalstadt.business.rooms import room_providers
from digitalstadt.business.rooms.base import RoomDenied, RoomUnavailable
from digitalstadt.business.rooms.bbb import bbb_checksum, parse_bbb_answer
from digitalstadt.business.rooms.services import room_access, room_join_url, room_link_released, room_name_for
from digitalstadt.core.models import AuditEntry
from digitalstadt.testing.bbb_standin import BBBStandIn
from digitalstadt.testing.jitsi_standin import JitsiStandIn

from .room_factories import make_participant, make_webinar, organiser_of

pytestmark = pytest.mark.django_db

JITSI_SECRET = "jitsi-test-secret-0123456789abcdef0123"
BBB_SECRET = "bbb-test-secret-0123456789abcdef"


@pytest.fixture
def webinar(clock):
    return make_webinar(starts_at=clock.now() + dt.timedelta(hours=1), room_name="Führen auf Distanz 1")


@pytest.fixture
def jitsi(settings):
    with JitsiStandIn(app_id="digitalstadt", secret=JITSI_SECRET, domain="meet.test") as server:
        settings.ROOM_PROVIDERS = ["simulator", "jitsi", "bbb"]
        settings.ROOM_JITSI_URL = server.url
        settings.ROOM_JITSI_APP_ID = "digitalstadt"
        settings.ROOM_JITSI_APP_SECRET = JITSI_SECRET
        settings.ROOM_JITSI_SUBJECT = "meet.test"
        yield server


@pytest.fixture
def bbb(settings):
    with BBBStandIn(secret=BBB_SECRET) as server:
        settings.ROOM_PROVIDERS = ["simulator", "jitsi", "bbb"]
        settings.ROOM_BBB_URL = server.url + "/bigbluebutton/"
        settings.ROOM_BBB_SECRET = BBB_SECRET
        settings.ROOM_BBB_TIMEOUT = 0.5
        yield server


def _get(url: str) -> tuple[int, dict]:
    try:
        with urlopen(url, timeout=5) as response:  # noqa: S310 (a local stand-in)
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, json.loads(error.read())


# --- who and when ---------------------------------------------------------------------


def test_the_link_is_released_fifteen_minutes_before_the_start_until_the_end(webinar):
    start, end = webinar.starts_at, webinar.ends_at
    assert not room_link_released(event_date=webinar, now=start - dt.timedelta(minutes=15, seconds=1))
    assert room_link_released(event_date=webinar, now=start - dt.timedelta(minutes=15))
    assert room_link_released(event_date=webinar, now=end - dt.timedelta(seconds=1))
    assert not room_link_released(event_date=webinar, now=end)


def test_the_release_follows_the_setting(webinar, settings):
    settings.ROOM_OPENS_MINUTES_BEFORE = 5
    assert not room_link_released(event_date=webinar, now=webinar.starts_at - dt.timedelta(minutes=6))
    assert room_link_released(event_date=webinar, now=webinar.starts_at - dt.timedelta(minutes=5))


def test_a_participant_gets_a_link_only_inside_the_window(webinar):
    paula = make_participant(webinar)
    with pytest.raises(RoomDenied) as early:
        room_join_url(event_date=webinar, user=paula, now=webinar.starts_at - dt.timedelta(minutes=16))
    assert early.value.reason == "not_released"
    assert early.value.opens_at == webinar.starts_at - dt.timedelta(minutes=15)
    assert room_join_url(event_date=webinar, user=paula, now=webinar.starts_at - dt.timedelta(minutes=15))
    with pytest.raises(RoomDenied) as late:
        room_join_url(event_date=webinar, user=paula, now=webinar.ends_at)
    assert late.value.reason == "closed"


@pytest.mark.parametrize("status", [RegistrationStatus.WAITING, RegistrationStatus.OFFERED,
                                    RegistrationStatus.PENDING_PAYMENT, RegistrationStatus.CANCELLED])
def test_only_a_confirmed_registration_opens_the_room(webinar, status):
    waiting = make_participant(webinar, status=status)
    assert room_access(event_date=webinar, user=waiting) is None
    with pytest.raises(RoomDenied) as denied:
        room_join_url(event_date=webinar, user=waiting, now=webinar.starts_at)
    assert denied.value.reason == "not_registered"


def test_an_outsider_and_a_participant_of_another_date_are_refused(webinar, clock):
    other = make_webinar(starts_at=webinar.starts_at)
    somebody_else = make_participant(other, email="otto@example.org", name="Otto Anders")
    for user in (somebody_else, organiser_of(other)):
        with pytest.raises(RoomDenied):
            room_join_url(event_date=webinar, user=user, now=webinar.starts_at)
    assert not AuditEntry.objects.filter(action="business.room_joined").exists()


def test_the_organisers_members_enter_as_moderators_and_the_join_is_audited(webinar):
    organiser = organiser_of(webinar)
    paula = make_participant(webinar)
    assert room_access(event_date=webinar, user=organiser).moderator
    assert not room_access(event_date=webinar, user=paula).moderator
    room_join_url(event_date=webinar, user=organiser, now=webinar.starts_at, ip_address="192.0.2.7")
    entry = AuditEntry.objects.get(action="business.room_joined")
    assert entry.actor == organiser and entry.subject_id == str(webinar.pk)
    assert entry.data == {"provider": "simulator", "role": "moderator"}
    assert "jwt" not in json.dumps(entry.data)


def test_a_cancelled_date_and_a_disabled_provider(webinar, settings):
    paula = make_participant(webinar)
    settings.ROOM_PROVIDERS = []
    with pytest.raises(RoomUnavailable):
        room_join_url(event_date=webinar, user=paula, now=webinar.starts_at)
    settings.ROOM_PROVIDERS = ["simulator"]
    webinar.status = "cancelled"
    webinar.save()
    with pytest.raises(RoomDenied) as denied:
        room_join_url(event_date=webinar, user=paula, now=webinar.starts_at)
    assert denied.value.reason == "cancelled"


def test_room_names_are_safe_for_urls_and_tokens(webinar):
    assert room_name_for(webinar) == "f-hren-auf-distanz-1"
    webinar.room_name = ""
    assert room_name_for(webinar) == f"ds-{webinar.series.slug}-{webinar.pk}"


# --- Jitsi ----------------------------------------------------------------------------


def test_jitsi_token_carries_the_claims_and_the_server_lets_the_participant_in(webinar, jitsi, clock):
    webinar.room_provider = "jitsi"
    webinar.save()
    paula = make_participant(webinar)
    clock.move_to(webinar.starts_at - dt.timedelta(minutes=10))
    url = room_join_url(event_date=webinar, user=paula)
    token = parse_qs(urlsplit(url).query)["jwt"][0]
    claims = jwt.decode(token, JITSI_SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["iss"] == "digitalstadt" and claims["sub"] == "meet.test" and claims["room"] == room_name_for(webinar)
    assert claims["nbf"] == int((webinar.starts_at - dt.timedelta(minutes=15)).timestamp())
    assert claims["exp"] == int((webinar.ends_at + dt.timedelta(minutes=15)).timestamp())
    assert claims["context"]["user"] == {"id": f"ds-{paula.pk}", "name": "Paula Petersen",
                                         "email": "paula@firma.example", "moderator": False,
                                         "affiliation": "member"}
    status, answer = _get(url)
    assert status == 200 and answer["joined"] and answer["name"] == "Paula Petersen" and not answer["moderator"]


def test_jitsi_moderator_needs_token_affiliation_on_the_server(webinar, jitsi, clock):
    webinar.room_provider = "jitsi"
    webinar.save()
    clock.move_to(webinar.starts_at)
    url = room_join_url(event_date=webinar, user=organiser_of(webinar))
    assert _get(url)[1]["moderator"] is True
    jitsi.token_affiliation = False
    status, answer = _get(url)
    assert status == 200 and answer["joined"] is True and answer["moderator"] is False


def _forge(claims: dict, secret: str = JITSI_SECRET, **changes) -> str:
    return jwt.encode({**claims, **changes}, secret, algorithm="HS256")


def test_jitsi_refuses_tampered_wrong_room_expired_and_early_tokens(webinar, jitsi, clock):
    webinar.room_provider = "jitsi"
    webinar.save()
    paula = make_participant(webinar)
    clock.move_to(webinar.starts_at)
    url = room_join_url(event_date=webinar, user=paula)
    base, token = url.split("?jwt=")
    claims = jwt.decode(token, JITSI_SECRET, algorithms=["HS256"], audience="jitsi")
    header, payload, signature = token.split(".")
    tampered = jwt.encode({**claims, "context": {"user": {"name": "Paula", "moderator": True}}}, "x" * 32,
                          algorithm="HS256").split(".")[1]
    refused = {
        "tampered payload": f"{base}?jwt={header}.{tampered}.{signature}",
        "wrong secret": f"{base}?jwt={_forge(claims, 'another-secret-0123456789abcdef01')}",
        "wrong issuer": f"{base}?jwt={_forge(claims, iss='somebody')}",
        "wrong audience": f"{base}?jwt={_forge(claims, aud='other')}",
        "wrong subject": f"{base}?jwt={_forge(claims, sub='other.test')}",
        "other room": f"{jitsi.url}/ein-anderer-raum?jwt={token}",
        "no token": base,
        "unsigned": f"{base}?jwt={jwt.encode(claims, None, algorithm='none')}",
    }
    for case, link in refused.items():
        status, answer = _get(link)
        assert status == 403 and not answer["joined"], case
    assert _get(f"{jitsi.url}/ein-anderer-raum?jwt={_forge(claims, room='*')}")[0] == 200  # "*": every room
    clock.move_to(webinar.ends_at + dt.timedelta(minutes=15, seconds=5))
    assert _get(url) == (403, {"joined": False, "error": "token expired"})
    clock.move_to(webinar.starts_at - dt.timedelta(minutes=16))
    assert _get(url) == (403, {"joined": False, "error": "token not yet valid"})
    jitsi.leeway = 120  # a server with a lenient clock lets the early one in
    assert _get(url)[0] == 200


def test_jitsi_with_a_tenant_puts_it_in_the_path_and_the_subject(webinar, jitsi, settings, clock):
    settings.ROOM_JITSI_TENANT = "darmstadt"
    settings.ROOM_JITSI_SUBJECT = ""
    webinar.room_provider = "jitsi"
    webinar.save()
    clock.move_to(webinar.starts_at)
    url = room_join_url(event_date=webinar, user=make_participant(webinar))
    assert urlsplit(url).path == f"/darmstadt/{room_name_for(webinar)}"
    assert _get(url)[0] == 200


# --- BigBlueButton --------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
def test_bbb_creates_then_joins_with_the_checksum_the_server_verifies(webinar, bbb, settings, clock, algorithm):
    settings.ROOM_BBB_CHECKSUM = algorithm
    webinar.room_provider = "bbb"
    webinar.save()
    paula = make_participant(webinar)
    clock.move_to(webinar.starts_at - dt.timedelta(minutes=1))
    url = room_join_url(event_date=webinar, user=paula)
    assert bbb.calls == [("create", algorithm)]
    query = urlsplit(url).query
    rest, checksum = query.rsplit("&checksum=", 1)
    assert checksum == bbb_checksum("join", rest, BBB_SECRET, algorithm)
    params = parse_qs(rest)
    assert params["role"] == ["VIEWER"] and params["fullName"] == ["Paula Petersen"]
    assert params["meetingID"] == [room_name_for(webinar)] and params["userID"] == [f"ds-{paula.pk}"]
    status, session = _get(url)  # the browser follows join's redirect into the client
    assert status == 200 and session == {"fullName": "Paula Petersen", "role": "VIEWER",
                                         "meetingID": room_name_for(webinar), "userID": f"ds-{paula.pk}"}
    # A second person: create again is harmless (duplicateWarning), the organiser moderates.
    moderator_url = room_join_url(event_date=webinar, user=organiser_of(webinar))
    assert _get(moderator_url)[1]["role"] == "MODERATOR"
    assert [c for c, _a in bbb.calls] == ["create", "join", "create", "join"]
    info = parse_bbb_answer(urlopen(bbb.url + "/bigbluebutton/api/getMeetingInfo?" + _signed(  # noqa: S310
        "getMeetingInfo", f"meetingID={room_name_for(webinar)}")).read())
    assert info["participantCount"] == "2" and info["moderatorCount"] == "1" and info["running"] == "true"


def _signed(call: str, query: str, secret: str = BBB_SECRET, algorithm: str = "sha256") -> str:
    return f"{query}&checksum={bbb_checksum(call, query, secret, algorithm)}"


def _answer(bbb, call: str, query: str) -> dict:
    with urlopen(f"{bbb.url}/bigbluebutton/api/{call}?{query}") as response:  # noqa: S310
        return parse_bbb_answer(response.read())


def test_bbb_refuses_tampered_checksums_and_a_join_before_create(bbb):
    join = "fullName=Paula&meetingID=raum-1&role=VIEWER&redirect=false"
    assert _answer(bbb, "join", _signed("join", join)) == {
        "returncode": "FAILED", "messageKey": "invalidMeetingIdentifier",
        "message": "The meeting ID that you supplied did not match any existing meetings"}
    assert _answer(bbb, "isMeetingRunning", _signed("isMeetingRunning", "meetingID=raum-1"))["running"] == "false"
    assert _answer(bbb, "getMeetingInfo", _signed("getMeetingInfo", "meetingID=raum-1"))["messageKey"] == "notFound"
    assert _answer(bbb, "create", _signed("create", "name=Raum&meetingID=raum-1"))["returncode"] == "SUCCESS"
    again = _answer(bbb, "create", _signed("create", "name=Raum&meetingID=raum-1", algorithm="sha1"))
    assert again["returncode"] == "SUCCESS" and again["messageKey"] == "duplicateWarning"
    tampered = _signed("join", join).replace("role=VIEWER", "role=MODERATOR")
    for bad in (tampered, _signed("join", join, secret="wrong-secret"), join,
                _signed("create", join), _signed("join", join)[:-1]):
        assert _answer(bbb, "join", bad)["messageKey"] == "checksumError"
    assert _answer(bbb, "join", _signed("join", join))["messageKey"] == "successfullyJoined"


def test_bbb_refuses_an_algorithm_the_server_does_not_support(settings, webinar, clock):
    with BBBStandIn(secret=BBB_SECRET, algorithms=("sha256",)) as server:
        settings.ROOM_PROVIDERS, settings.ROOM_BBB_URL = ["bbb"], server.url + "/bigbluebutton/"
        settings.ROOM_BBB_SECRET, settings.ROOM_BBB_CHECKSUM = BBB_SECRET, "sha1"
        webinar.room_provider = "bbb"
        webinar.save()
        with pytest.raises(RoomUnavailable, match="checksumError"):
            room_join_url(event_date=webinar, user=make_participant(webinar), now=webinar.starts_at)


def test_bbb_legacy_passwords(webinar, bbb, settings, clock):
    settings.ROOM_BBB_LEGACY_PASSWORDS = True
    webinar.room_provider = "bbb"
    webinar.save()
    clock.move_to(webinar.starts_at)
    url = room_join_url(event_date=webinar, user=organiser_of(webinar))
    assert "password=" in url
    assert _get(url)[1]["role"] == "MODERATOR"


@pytest.mark.parametrize("trouble", ["fail", "stall", "garbage", "down"])
def test_bbb_trouble_becomes_room_unavailable_and_nothing_is_audited(webinar, bbb, settings, trouble):
    webinar.room_provider = "bbb"
    webinar.save()
    paula = make_participant(webinar)
    if trouble == "fail":
        bbb.fail = 500
    elif trouble == "stall":
        bbb.stall = True
    elif trouble == "garbage":
        bbb.garbage = True
    else:
        settings.ROOM_BBB_URL = "http://127.0.0.1:9/bigbluebutton/"
    with pytest.raises(RoomUnavailable) as error:
        room_join_url(event_date=webinar, user=paula, now=webinar.starts_at)
    assert "nicht erreichbar" in str(error.value.message)
    assert not AuditEntry.objects.filter(action="business.room_joined").exists()


def test_bbb_answers_are_parsed_carefully():
    assert parse_bbb_answer(b"<response><returncode>FAILED</returncode><messageKey>x</messageKey></response>") \
        == {"returncode": "FAILED", "messageKey": "x"}
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            b"<response><returncode>&b;</returncode></response>")
    for body in (bomb, b"<html>Bad gateway</html>", b"", b"<response><message>no code</message></response>"):
        with pytest.raises(RoomUnavailable):
            parse_bbb_answer(body)


# --- configuration --------------------------------------------------------------------


def test_the_system_check_names_missing_secrets_of_enabled_providers(settings):
    settings.ROOM_PROVIDERS = ["simulator"]
    assert [m for m in room_providers.check() if "room_providers" in m.msg] == []
    settings.ROOM_PROVIDERS = ["jitsi", "bbb"]
    settings.ROOM_JITSI_URL = settings.ROOM_JITSI_APP_ID = settings.ROOM_JITSI_APP_SECRET = ""
    settings.ROOM_BBB_URL, settings.ROOM_BBB_SECRET, settings.ROOM_BBB_CHECKSUM = "", "", "md5"
    messages = [m.msg for m in room_providers.check()]
    assert all(isinstance(m, checks.CheckMessage) for m in room_providers.check())
    for expected in ("ROOM_JITSI_URL", "ROOM_JITSI_APP_ID", "ROOM_JITSI_APP_SECRET", "ROOM_BBB_URL",
                     "ROOM_BBB_SECRET", "ROOM_BBB_CHECKSUM"):
        assert any(expected in m for m in messages), expected
