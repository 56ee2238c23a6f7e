"""The machinery of the hostile-input walk (test_hostile_input.py): the URL patterns of
the site, the hostile values, and `Walk`, which requests every pattern with them and
collects every answer with status 500."""

from __future__ import annotations

import functools
import itertools
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from .hostile_world import World

NASTY = "../../etc/passwd" + "A" * 3000
NUL = "x\x00y"
HOSTILE_VALUES = ["9999-12-31", "0001-01-01", "9999-12-31T23:59", "abc", "1" + "0" * 30, "-1", "", NASTY, NUL]
ADMIN_HOSTILE_VALUES = ["9999-12-31", "1" + "0" * 30, NASTY, NUL]
HOSTILE_PATH_VALUES = {
    "int": ["1" + "0" * 30, "0"],
    "path": ["1" + "0" * 30, "../../etc/passwd", "x\x00y"],
    "slug": ["a" * 3000, "nicht-vorhanden"],
    "uuid": ["00000000-0000-0000-0000-000000000000"],
    "caseref": ["DA-9999-999999"],
    "str": ["9999-12-31", "1" + "0" * 30, "A" * 3000, "../../etc", "x\x00y"],
}
HOSTILE_JSON = {
    "string": [NASTY, NUL, "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00", ""],
    "integer": [10**30, -1, 0],
    "number": [1e308, -1],
    "boolean": ["abc"],
    "array": [[], [NASTY]],
}
MAX_PATH_CANDIDATES = 8


@dataclass(frozen=True)
class Route:
    template: str  # e.g. "{lang}termine/standorte/{slug}/"
    params: tuple[tuple[str, str], ...]  # (name, converter)
    name: str

    def url(self, lang: str, values: dict[str, str]) -> str:
        safe = {name: "/" if converter == "path" else "" for name, converter in self.params}
        return "/" + self.template.format(lang=lang, **{n: quote(v, safe=safe[n]) for n, v in values.items()})


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")


def _route_part(route: str):
    params = []

    def replace(match):
        params.append((match["name"], match["converter"] or "str"))
        return "{" + match["name"] + "}"

    return _ROUTE_PARAM.sub(replace, route.replace("{", "{{").replace("}", "}}")), params


def _regex_part(regex: str):
    params = []

    def replace(match):
        body = match["body"]
        converter = "choice:" + body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "str"
        params.append((match["name"], converter))
        return "{" + match["name"] + "}"

    escaped = regex.removeprefix("^").removesuffix("$").replace("{", "{{").replace("}", "}}")
    return re.sub(r"\\(.)", r"\1", _REGEX_GROUP.sub(replace, escaped)), params


def site_routes() -> list[Route]:
    """Every URL pattern of the site, with the patterns of included resolvers joined."""
    routes = []

    def walk(patterns, prefix: str, params: list, names: list):
        for entry in patterns:
            pattern = entry.pattern
            if isinstance(pattern, LocalePrefixPattern):
                part, part_params = "{lang}", []
            elif isinstance(pattern, RoutePattern):
                part, part_params = _route_part(str(pattern))
            elif isinstance(pattern, RegexPattern):
                part, part_params = _regex_part(pattern._regex)
            else:  # pragma: no cover - a new kind of pattern must be taught to this test
                raise AssertionError(f"unknown URL pattern type {type(pattern)!r}")
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + part, params + part_params,
                     names + [entry.namespace] if entry.namespace else names)
            else:
                routes.append(Route(prefix + part, tuple(params + part_params),
                                    ":".join(names + [entry.name or "?"])))

    walk(get_resolver().url_patterns, "", [], [])
    return routes


# --- which parameters does a view read? ------------------------------------------------


class _Reads:
    names: set[str] | None = None


@contextmanager
def recording_reads():
    """Record every key looked up in a QueryDict (request.GET, request.POST) while on."""
    originals = {name: getattr(QueryDict, name) for name in ("__getitem__", "get", "getlist", "__contains__")}

    def wrap(name):
        original = originals[name]

        def recorded(self, key, *args, **kwargs):
            # Only finished QueryDicts: building one asks `key in self` for every key.
            if _Reads.names is not None and isinstance(key, str) and not self._mutable:
                _Reads.names.add(key)
            return original(self, key, *args, **kwargs)

        return recorded

    for name in originals:
        setattr(QueryDict, name, wrap(name))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


# --- the walk -----------------------------------------------------------------------------


class Walk:
    def __init__(self, world: World, user_kind: str):
        self.world = world
        self.user_kind = user_kind
        self.client = Client(raise_request_exception=False)
        self.failures: list[str] = []
        self.requests = 0
        self.route: Route | None = None
        self.last_answer: tuple[int, int] = (0, 0)
        self.api_statuses: set[tuple[str, str, int]] = set()

    def login(self):
        self.client.cookies.clear()
        user = self.world.users[self.user_kind]
        if user is not None:
            self.client.force_login(user)
        session = self.client.session
        session.update(self.world.session)
        session.save()
        if user is None:
            from django.conf import settings

            self.client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

    def send(self, method: str, url: str, data: dict, *, reads: set | None = None, json_body=None) -> int:
        self.requests += 1
        _Reads.names = reads
        try:
            if json_body is not None:
                response = self.client.generic(method, url, json.dumps(json_body), content_type="application/json")
            elif method == "GET":
                response = self.client.get(url, data)
            else:
                query = ("&" if "?" in url else "?") + urlencode(data, doseq=True) if data else ""
                response = self.client.post(url + query, data)
        except Exception as exc:  # noqa: BLE001 - the client itself must not fail either
            self.failures.append(f"{method} {url!r} as {self.user_kind}: client raised {exc!r} with {_short(data)}")
            return 0
        finally:
            _Reads.names = None
        if url.startswith("/api/") and self.route is not None and response.status_code not in (405, 500):
            self._record_api_status(method, url, response.status_code)
        if response.status_code == 500:
            cause = ""
            if getattr(response, "exc_info", None):
                cause = f" ({response.exc_info[0].__name__}: {str(response.exc_info[1])[:120]})"
            self.failures.append(f"{method} {url[:160]!r} as {self.user_kind}: 500{cause} with {_short(data)}")
        length = -1 if response.streaming else len(response.content)
        self.last_answer = (response.status_code, length)
        return response.status_code

    def _record_api_status(self, method: str, url: str, status: int):
        """What the API really answered, per operation (for its OpenAPI document)."""
        from urllib.parse import urlsplit

        from django.urls import Resolver404, resolve

        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            return
        if match.url_name == self.route.name.rsplit(":", 1)[-1]:
            self.api_statuses.add((_api_path(self.route), method.lower(), status))

    def base_data(self, route: Route) -> dict[str, str]:
        if route.template.startswith("admin/"):
            return {}
        if route.template.startswith("api/"):
            # django-ninja reads the whole query string: send only what the operation declares.
            declared = _api_operations().get(_api_path(route), {}).get("query", {})
            return {name: str(self.world.json_values.get(name, (self.world.query_values.get(name) or ["1"])[0]))
                    for name in declared}
        return {name: values[0] for name, values in self.world.query_values.items()}

    def path_candidates(self, route: Route) -> list[dict[str, str]]:
        names = {name for name, _c in route.params}
        candidates = [linked for linked in self.world.linked_path_values if set(linked) == names]
        pools = []
        for name, converter in route.params:
            if converter.startswith("choice:"):
                pools.append([converter.removeprefix("choice:")])
            else:
                pools.append(self.world.path_values.get(name) or ["x"])
        for combination in itertools.islice(itertools.product(*pools), MAX_PATH_CANDIDATES):
            candidates.append(dict(zip([n for n, _c in route.params], combination)))
        return candidates

    def good_path_values(self, route: Route, lang: str) -> dict[str, str]:
        """The first candidate that the view does not answer with 404 (or 405 for GET)."""
        candidates = self.path_candidates(route)
        if len(candidates) == 1:
            return candidates[0]
        for method in ("GET", "POST"):
            for values in candidates:
                with _rolled_back():
                    status = self.send(method, route.url(lang, values), {})
                if status not in (404, 405, 410):
                    return values
        return candidates[0]

    def fuzz_parameters(self, route: Route, method: str, url: str, get_baseline=None):
        """Good values, then each parameter the view read, value by value, made hostile.
        Returns the baseline (names read, answer); a POST that read the same names and
        answered exactly like the GET is a view that ignores the method: not sent again."""
        base = self.base_data(route)
        reads: set[str] = set()
        self.send(method, url, base, reads=reads)
        baseline = (frozenset(reads), self.last_answer)
        if get_baseline is not None and baseline == get_baseline:
            return baseline
        if route.template.startswith("api/"):
            reads = set(base)
        fuzzed: set[str] = set()
        pending = [(base, reads)]
        # Forms with several actions: every alternative value is a baseline of its own.
        for name, values in self.world.query_values.items():
            if name in reads and name in base:
                for other in values[1:]:
                    alternative = {**base, name: other}
                    alternative_reads: set[str] = set()
                    self.send(method, url, alternative, reads=alternative_reads)
                    pending.append((alternative, alternative_reads))
        for index, (data, names) in enumerate(pending):
            new = sorted(names - fuzzed)
            fuzzed.update(new)
            if index == 0:  # what the view reads by default: one parameter at a time
                for name in new:
                    for value in HOSTILE_VALUES:
                        self.send(method, url, {**data, name: value})
            elif new:  # the fields of another form on the page: all at once (forms clean each field)
                for value in ADMIN_HOSTILE_VALUES:
                    self.send(method, url, {**data, **{name: value for name in new}})
        return baseline

    def fuzz_admin_parameters(self, method: str, url: str):
        """The Django admin's own views (forms with many fields, changelist filters): all
        parameters it read at once, with the values that break parsing most often; the
        admin's internal `_` parameters separately (one of them stops everything else)."""
        reads: set[str] = set()
        self.send(method, url, {}, reads=reads)
        internal = {name for name in reads if name.startswith("_")}
        for value in ADMIN_HOSTILE_VALUES:
            if value != NASTY:  # the admin's forms check lengths themselves
                self.send(method, url, {name: value for name in reads - internal})
        if internal and method == "GET":
            self.send(method, url, {name: NASTY for name in internal})

    def run(self, route: Route):
        self.route = route
        is_admin = route.template.startswith("admin/")
        with _rolled_back():
            self.login()
            values = self.good_path_values(route, "")
            url = route.url("", values)
            if is_admin:
                for method in ("GET", "POST"):
                    self.fuzz_admin_parameters(method, url)
            else:
                get_baseline = self.fuzz_parameters(route, "GET", url)
                self.fuzz_parameters(route, "POST", url, get_baseline=get_baseline)
            for name, converter in route.params:
                hostile_values = HOSTILE_PATH_VALUES.get(converter, HOSTILE_PATH_VALUES["str"])
                for hostile in hostile_values[:1] if is_admin else hostile_values:
                    hostile_url = route.url("", {**values, name: hostile})
                    for method in ("GET",) if is_admin else ("GET", "POST"):
                        self.send(method, hostile_url, self.base_data(route))
            if "{lang}" in route.template:
                # English: the same views; the good values show that the page works there too.
                self.send("GET", route.url("en/", values), self.base_data(route))
        if route.template.startswith("api/"):
            with _rolled_back():
                self.login()
                self.fuzz_json(route, values)

    def fuzz_json(self, route: Route, values: dict[str, str]):
        """The API's JSON bodies, field by field, with the hostile values of the field's type."""
        body_schema = _api_operations().get(_api_path(route), {}).get("body")
        if body_schema is None:
            return
        url = route.url("", values)
        good = {name: self.world.json_values.get(name, _good_json(prop)) for name, prop in body_schema.items()}
        self.send("POST", url, {}, json_body=good)
        self.send("POST", url, {}, json_body=[good])
        for name, prop in body_schema.items():
            for hostile in HOSTILE_JSON.get(prop.get("type", "string"), HOSTILE_JSON["string"]):
                self.send("POST", url, {}, json_body={**good, name: hostile})
            if prop.get("type") == "array":
                item = prop.get("items", {})
                good_item = {k: self.world.json_values.get(k, _good_json(v))
                             for k, v in item.get("properties", {}).items()}
                for field_name, field in item.get("properties", {}).items():
                    for hostile in HOSTILE_JSON.get(field.get("type", "string"), HOSTILE_JSON["string"]):
                        self.send("POST", url, {}, json_body={**good, name: [{**good_item, field_name: hostile}]})


def _good_json(prop: dict):
    return {"integer": 1, "number": 1, "boolean": True, "array": []}.get(prop.get("type"), "x")


def _api_path(route: Route) -> str:
    return route.template.removeprefix("api/v1")  # e.g. "/appointments/bookings/{code}"


@functools.cache
def _api_operations() -> dict[str, dict]:
    """OpenAPI path below /api/v1 -> {"query": {name: schema}, "body": {field: schema}},
    with $refs resolved (one level deep is enough for the API's schemas)."""
    from digitalstadt.api import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})

    def resolve(node):
        return components[node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node

    operations: dict[str, dict] = {}
    for path, methods in schema["paths"].items():
        entry = operations.setdefault(path.removeprefix("/api/v1"), {})
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    entry.setdefault("query", {})[parameter["name"]] = parameter["schema"]
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                body = {}
                for name, prop in resolve(content["schema"]).get("properties", {}).items():
                    prop = resolve(prop)
                    if prop.get("type") == "array":
                        prop = {**prop, "items": resolve(prop.get("items", {}))}
                    body[name] = prop
                entry["body"] = body
    return operations


def _short(data: dict) -> str:
    hostile = {k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v) for k, v in data.items()
               if not isinstance(v, str) or v in HOSTILE_VALUES}
    return repr(hostile)[:200]


@contextmanager
def _rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def declared_api_statuses() -> set[tuple[str, str, int]]:
    from digitalstadt.api import api

    return {(path.removeprefix("/api/v1"), method, int(status))
            for path, operations in api.get_openapi_schema()["paths"].items()
            for method, operation in operations.items() for status in operation["responses"]}
