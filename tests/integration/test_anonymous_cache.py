"""Public pages are kept a few seconds for anonymous visitors, and never for anyone else."""

from __future__ import annotations

import pytest

from app.extensions import cache
from tests.conftest import english_client, make_app, text_of
from tests.integration.test_query_counts import count_queries
from tests.integration.test_security_baseline import assert_security_headers


@pytest.fixture
def cached_app(database_url, smtp_server, app):
    controller, _ = smtp_server
    application = make_app(database_url, controller.port, ANONYMOUS_CACHE_SECONDS=60)
    with application.app_context():
        cache.clear()
    yield application
    with application.app_context():
        cache.clear()
    cache.init_app(app)


def test_anonymous_visitors_get_the_kept_page_without_queries(cached_app, make_post):
    post = make_post(title="Erster Beitrag")
    visitor = english_client(cached_app)
    assert "Erster Beitrag" in text_of(visitor.get("/"))
    make_post(title="Zweiter Beitrag")
    with count_queries(cached_app) as statements:
        again = visitor.get("/")
    assert statements == [] and "Zweiter Beitrag" not in text_of(again)  # kept for a few seconds
    assert_security_headers(again, "cached feed")
    assert "Set-Cookie" not in again.headers
    with count_queries(cached_app) as statements:
        visitor.get(f"/posts/{post.id}")
        visitor.get(f"/posts/{post.id}")
    assert len([s for s in statements if "FROM posts" in s]) == 1


def test_logged_in_people_always_get_a_fresh_page(cached_app, make_user, make_post):
    make_post(title="Erster Beitrag")
    english_client(cached_app).get("/")  # fills the cache
    make_post(title="Zweiter Beitrag")
    member = english_client(cached_app)
    member.login(make_user())
    assert "Zweiter Beitrag" in text_of(member.get("/"))


def test_a_session_cookie_bypasses_the_cache(cached_app, make_post):
    make_post(title="Erster Beitrag")
    english_client(cached_app).get("/")
    make_post(title="Zweiter Beitrag")
    browser = english_client(cached_app)
    browser.get("/auth/login")  # a form: now this browser has a session (with its CSRF token)
    assert "Zweiter Beitrag" in text_of(browser.get("/"))


def test_each_language_is_kept_apart(cached_app, make_post):
    from tests.conftest import FormClient

    make_post(title="Beitrag")
    assert '<html lang="en">' in text_of(english_client(cached_app).get("/"))
    assert '<html lang="de">' in text_of(FormClient(cached_app.test_client()).get("/"))
