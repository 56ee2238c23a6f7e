"""No input, however hostile, answers 500 (ARCHITECTURE.md, cross-cutting rules).

The walk takes EVERY URL pattern of the site (the pages, allauth, the Django admin, the
API under /api/) and requests it as an anonymous visitor, as a citizen and as a staff
member with every role who passed the second factor:

1. path parameters get good values first (objects of `hostile_world`), so the request
   reaches the view's own parsing; then each one in turn a hostile value suited to its
   converter (huge numbers, unknown ids, very long strings, NUL bytes, `../`);
2. each URL is sent with GET and with POST, with good values for the query and form
   parameters. The walk records which parameter names the view actually read (every
   lookup in `request.GET`/`request.POST`), then sends each of them in turn with every
   hostile value (far dates, a far datetime, non-numbers, huge, negative and empty
   values, a long string with `../`, a NUL byte). Forms with several actions are walked
   once per action. A POST that reads and answers exactly like the GET (a view that
   ignores the method) is not walked twice. The Django admin's own forms get all their
   fields at once;
3. the API's JSON bodies get, field by field, the hostile values of the field's type,
   and every status the API answered must be declared in its OpenAPI document;
4. pages under /en/ are requested with the good values.

Every (method, URL, user) that answered 500 is listed at the end. Each pattern's batch
runs in a savepoint that is rolled back, so what one batch does (log out, cancel,
delete) does not change the next one.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from .hostile_walk import Walk, declared_api_statuses, recording_reads, site_routes
from .hostile_world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    """Requests to /en/ pages leave English active in this thread: not for the next test."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def quiet_request_log():
    """The walk provokes many 4xx answers: keep Django's request and security logs quiet."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels):
        logger.setLevel(level)


# The walks of a citizen and of a staff member are the longest: they run in shards (every
# SHARDS-th URL pattern), and the Django admin as a test of its own, so that
# pytest-xdist spreads them over its processes instead of one process finishing last.
SHARDS = 3
WALKS = ([("anonymous", "all", 0, 1)] + [("citizen", "all", k, SHARDS) for k in range(SHARDS)]
         + [("staff", "site", k, SHARDS) for k in range(SHARDS)] + [("staff", "admin", 0, 1)])


@pytest.mark.parametrize(("user_kind", "area", "shard", "shards"), WALKS,
                         ids=[f"{u}-{a}-{k + 1}of{n}" for u, a, k, n in WALKS])
def test_no_url_answers_500_to_hostile_input(user_kind, area, shard, shards, quiet_request_log, clock):
    clock.set_time_of_day(9, 30)
    world = build_world()
    walk = Walk(world, user_kind)
    routes = site_routes()
    assert len(routes) > 250  # the site, allauth, the admin and the API
    if area != "all":
        routes = [r for r in routes if r.template.startswith("admin/") == (area == "admin")]
    routes = routes[shard::shards]
    with recording_reads():
        for route in routes:
            walk.run(route)
    print(f"{user_kind}/{area} {shard + 1}/{shards}: {len(routes)} URL patterns, {walk.requests} requests")
    assert not walk.failures, f"{len(walk.failures)} answers with status 500:\n" + "\n".join(walk.failures)
    declared = declared_api_statuses()
    operations = {(path, method) for path, method, _status in declared}
    undeclared = sorted(s for s in walk.api_statuses - declared if s[:2] in operations)
    assert not undeclared, f"API answers missing from the OpenAPI document: {undeclared}"


# --- the inputs that answered 500 before (issue #9) ------------------------------------------


def _database_state() -> dict[str, int]:
    """Every row of every table (sessions aside), as one hash per model."""
    from django.apps import apps
    from django.contrib.sessions.models import Session

    state = {}
    for model in apps.get_models():
        if model is Session or model._meta.proxy:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        state[model._meta.label] = hash(tuple(map(repr, rows)))
    return state


def _regressions(world: World) -> list[tuple[str, str, str, dict, str]]:
    location = world.path_values["slug"][0]
    code = world.path_values["code"][0]
    service = world.query_values["leistung"][0]
    token = world.query_values["t"][0]
    plan = f"/verwaltung/termine/{location}/"
    out_of_range = "liegt außerhalb des möglichen Bereichs"
    return [
        ("citizen", "GET", f"/termine/standorte/{location}/", {"leistung": service, "ab": "9999-12-31T23:59"},
         out_of_range),
        ("citizen", "GET", f"/termine/buchung/{code}/verschieben/", {"t": token, "ab": "9999-12-31T23:59"},
         out_of_range),
        ("citizen", "POST", "/termine/warteliste/", {"action": "verlassen", "entry": "not-a-uuid"},
         "„not-a-uuid“ ist keine gültige Kennung"),
        ("citizen", "POST", "/termine/warteliste/", {"action": "verlassen", "entry": ""}, "Die Angabe „entry“ fehlt"),
        ("staff", "GET", plan, {"datum": "9999-12-31"}, out_of_range),
        ("staff", "GET", plan, {"datum": "0001-01-01"}, out_of_range),
        ("staff", "GET", plan, {"schalter": "abc"}, "„abc“ ist keine gültige Zahl"),
        ("staff", "GET", plan + "statistik/", {"bis": "9999-12-31"}, out_of_range),
        ("staff", "GET", plan + "statistik/", {"von": "0001-01-01", "bis": "0001-01-07"}, out_of_range),
        ("staff", "POST", plan + "wartenummer/", {"service": "abc"}, "„abc“ ist keine gültige Zahl"),
        ("staff", "POST", plan + "aufrufen/", {"schalter": "abc"}, "„abc“ ist keine gültige Zahl"),
    ]


def test_the_inputs_that_answered_500_are_refused_with_a_message_and_change_nothing(clock):
    clock.set_time_of_day(9, 30)
    world = build_world()
    clients = {}
    for kind in ("citizen", "staff"):
        clients[kind] = Client(raise_request_exception=False)
        clients[kind].force_login(world.users[kind])
        clients[kind].get("/")  # the language is remembered on the first page, not by the requests below
    for kind, method, url, data, message in _regressions(world):
        before = _database_state()
        client = clients[kind]
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        body = response.content.decode()
        assert response.status_code == 400, (method, url, data, response.status_code)
        assert message in body, (method, url, data, body[-1500:])
        assert "Es wurde nichts geändert" in body
        assert _database_state() == before, (method, url, data)
    # The message speaks the page's language.
    location = world.path_values["slug"][0]
    response = clients["staff"].get(f"/en/verwaltung/termine/{location}/", {"datum": "9999-12-31"})
    assert response.status_code == 400 and "is outside the possible range" in response.content.decode()


def test_a_bad_parameter_in_the_api_is_a_json_400():
    from django.test import RequestFactory
    from django.utils import translation

    from digitalstadt.core.middleware import BadParameterMiddleware
    from digitalstadt.core.params import BadParameter, query_int

    request = RequestFactory().get("/api/v1/irgendwas", {"limit": "abc"})
    try:
        with translation.override("de"):
            query_int(request.GET, "limit")
    except BadParameter as exc:
        response = BadParameterMiddleware(lambda r: None).process_exception(request, exc)
    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": "„abc“ ist keine gültige Zahl."}


def test_a_nul_byte_anywhere_is_a_400_before_any_view(client):
    assert client.get("/leistungen/", {"q": "Perso\x00"}).status_code == 400
    assert client.post("/barrierefreiheit/", {"message": "a\x00b"}).status_code == 400
    response = client.get("/api/v1/appointments/slots", {"service": "x\x00"})
    assert response.status_code == 400 and "unzulässige Zeichen" in response.json()["detail"]
    response = client.post("/api/v1/appointments/reservations", {"location": "x\x00", "services": []},
                           content_type="application/json")
    assert response.status_code == 400 and "unzulässige Zeichen" in response.json()["detail"]
    # django-ninja parses a JSON body whatever content type it is sent with
    response = client.post("/api/v1/appointments/reservations", json.dumps({"location": "x\x00", "services": []}),
                           content_type="text/plain")
    assert response.status_code == 400 and "unzulässige Zeichen" in response.json()["detail"]
