"""Never a 500: every rule in the URL map with out-of-range ids and junk query strings, and every POST
route with junk bodies (huge numbers, NUL bytes, invalid UTF-8, long text, lists and objects as JSON).
Runs on SQLite and on PostgreSQL (TEST_DATABASE_URL), which fail on different things."""

from __future__ import annotations

import json
import re

import pytest
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

from app.models.user import Role
from tests.integration.test_access_matrix import GET_MATRIX, POST_MATRIX, _resolve, _url

HUGE = "99999999999999999999"
JUNK_VALUES = {"int": (HUGE, "0", "2147483648"), "any": None, "default": ("%FF%FE", "x" * 300, "..%2F..%2Fetc")}
JUNK_QUERIES = (
    f"?page={HUGE}&before=-1&after=%FF%FE&from={HUGE}&category=%FF&kind=%FF&sort=x&when=past&next=//evil.example",
    "?page=-1&before=1e308_1&year=99999999999&name=%C3%28&city=" + "x" * 2000,
    f"?before=nan_{HUGE}&page=abc",
    "?q=%00",
)
ARGUMENT = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def junk_urls(app):
    """Each GET rule with every argument replaced by out-of-range or junk values."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for position in range(3):
            def replace(match, position=position):
                converter, options, _name = match.groups()
                if converter == "any":
                    return options.split(",")[0].strip()
                values = JUNK_VALUES["int" if converter == "int" else "default"]
                return values[position % len(values)]
            yield rule.endpoint, ARGUMENT.sub(replace, rule.rule)


def form_field_names() -> set[str]:
    names, pending = set(), list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names |= {name for klass in form.__mro__ for name, value in vars(klass).items()
                  if isinstance(value, UnboundField)}
    return names


@pytest.fixture
def admin_client(client, make_user):
    client.login(make_user(Role.ADMIN))
    return client


@pytest.mark.parametrize("who", ["visitor", "admin"])
def test_out_of_range_ids_and_junk_arguments_in_every_route_are_never_a_server_error(app, client, make_user, who):
    if who == "admin":
        client.login(make_user(Role.ADMIN))
    failures = {}
    for endpoint, url in junk_urls(app):
        status = client.get(url).status_code
        if status >= 500:
            failures[url] = (endpoint, status)
    assert not failures, failures


def test_the_reported_out_of_range_urls_are_404(client, make_user):
    assert client.get(f"/posts/{HUGE}").status_code == 404
    assert client.get(f"/events/{HUGE}").status_code == 404
    assert client.get(f"/comments/{HUGE}").status_code == 404
    client.login(make_user(Role.ADMIN))
    for url in (f"/admin/?page={HUGE}", f"/admin/audit?page={HUGE}", "/admin/?page=-1", f"/events/new?from={HUGE}"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["visitor", "member", "admin"])
def test_junk_query_strings_on_every_page_are_never_a_server_error(app, client, make_user, world, who):
    if who != "visitor":
        client.login(make_user(Role(who)))
    failures = {}
    for endpoint, (args, _expected) in GET_MATRIX.items():
        base = _url(app, endpoint.split("#")[0], _resolve(args, world))
        for query in JUNK_QUERIES:
            status = client.get(base + query).status_code
            if status >= 500:
                failures[base + query] = status
    assert not failures, failures


def _junk_forms(names, token):
    yield {name: HUGE for name in names} | {"csrf_token": token}
    yield {name: "\x00" for name in names} | {"csrf_token": token}
    yield {name: "Ä" * 30_000 for name in ("body", "title", "addresses", "message", "description")} | {
        "csrf_token": token, "parent_id": HUGE, "guests": "-" + HUGE, "capacity": HUGE, "year": HUGE}


@pytest.mark.parametrize("who", ["member", "admin"])
def test_junk_bodies_posted_to_every_form_are_never_a_server_error(app, client, make_user, world, who):
    user = make_user(Role(who))
    client.login(user)
    names = form_field_names()
    failures = {}
    for endpoint, (args, _expected) in POST_MATRIX.items():
        if endpoint in ("auth.logout", "auth.login", "auth.register"):
            continue  # would end or replace the session the other rows need
        url = _url(app, endpoint.split("#")[0], _resolve(args, world))
        token = client.token("/auth/reset")
        attempts = [client.post(url, data=form) for form in _junk_forms(names, token)]
        raw = "&".join(f"{name}=%FF%FE%C3%28" for name in sorted(names)) + f"&csrf_token={token}"
        attempts.append(client.post(url, data=raw, content_type="application/x-www-form-urlencoded"))
        body = {name: [1, {"a": None}] for name in names}
        attempts.append(client.post(url, data=json.dumps(body), content_type="application/json",
                                    headers={"X-CSRFToken": token}))
        for number, response in enumerate(attempts):
            if response.status_code >= 500:
                failures[f"{endpoint} #{number}"] = response.status_code
        if client.get("/account/").status_code != 200:
            client.login(user)  # a junk post may end the session (e.g. a changed password): carry on
    assert not failures, failures


def test_a_json_body_is_refused_with_400_even_with_a_valid_csrf_token(client, make_user):
    client.login(make_user())
    token = client.token("/account/")
    response = client.post("/account/", data=json.dumps({"display_name": [1, {"a": None}]}),
                           content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 400


def test_nul_bytes_are_refused_with_400(client, make_user):
    client.login(make_user())
    response = client.submit("/account/", {"display_name": "Ada\x00Lovelace", "locale": ""})
    assert response.status_code == 400
    assert client.get("/?kind=%00").status_code == 400
