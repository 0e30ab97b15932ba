"""Headers on every response, cookies, error pages, production settings, templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import abort

from app import create_app
from app.models.user import Role
from config import ProductionConfig, TestingConfig
from tests.conftest import ROOT, english_client, make_app, text_of
from tests.integration.test_access_matrix import GET_MATRIX, _resolve, _url

REQUIRED_CSP = ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                "script-src 'self'")


def assert_security_headers(response, where):
    csp = response.headers.get("Content-Security-Policy", "")
    for part in REQUIRED_CSP:
        assert part in csp, f"{where}: CSP lacks {part}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy"), where
    assert response.headers.get("X-Frame-Options") == "DENY", where


def test_headers_on_every_page_and_error(app, client, make_user, world):
    from app.models.user import Role

    client.login(make_user(Role.ADMIN))
    for endpoint, (args, _expected) in GET_MATRIX.items():
        url = _url(app, endpoint.split("#")[0], _resolve(args, world))
        assert_security_headers(client.get(url), url)
    assert_security_headers(client.get("/no/such/page"), "404")
    assert_security_headers(client.get("/auth/logout"), "405")
    assert_security_headers(client.post("/auth/login", data={}), "400")
    assert_security_headers(client.get("/static/css/site.css"), "static")


def test_pages_for_logged_in_people_are_not_cached(client, make_user):
    client.login(make_user())
    assert "no-store" in client.get("/account/").headers["Cache-Control"]


def test_reading_public_pages_sets_no_cookie(client, make_post, make_event, add_comment, make_user):
    post = make_post()
    add_comment(make_user(), post, "A comment")
    event = make_event(capacity=3)
    for url in ("/", "/events/", "/imprint", "/privacy", "/guidelines", "/auth/check-email", "/healthz",
                "/no/such/page", f"/posts/{post.id}", f"/events/{event.id}", "/feed.atom", "/events.ics",
                f"/posts/{post.id}/comments.atom", f"/events/{event.id}.ics"):
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url


def test_session_cookie_flags(client):
    response = client.get("/auth/login")  # a form: now a session (for the CSRF token) is needed
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def production_app(database_url, smtp_server):
    class Production(ProductionConfig):
        SECRET_KEY = "p" * 64
        SITE_URL = "https://alumni.example.org"
        SQLALCHEMY_DATABASE_URI = database_url
        RATELIMIT_ENABLED = False
        PASSWORD_HASH_METHOD = "scrypt:1024:8:1"

    return create_app(Production)


def test_production_cookies_are_secure_and_hsts_is_sent(production_app, make_user):
    client = english_client(production_app)
    response = client.get("/auth/login", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    user = make_user()
    login = client.submit("/auth/login", {"email": user.email, "password": "correct horse battery staple",
                                          "remember": "y"}, base_url="https://localhost",
                          headers={"Referer": "https://localhost/auth/login"})
    assert login.status_code == 302
    for header in login.headers.getlist("Set-Cookie"):
        assert "Secure" in header and "HttpOnly" in header, header


@pytest.mark.parametrize("key", [None, "", "change-me", "short"])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    class Production(ProductionConfig):
        SECRET_KEY = key
        SITE_URL = "https://alumni.example.org"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Production)


@pytest.mark.parametrize("site_url", [None, "", "http://alumni.example.org", "https://", "127.0.0.1:5000"])
def test_production_refuses_to_start_without_an_https_site_url(site_url):
    class Production(ProductionConfig):
        SECRET_KEY = "p" * 64
        SITE_URL = site_url

    with pytest.raises(RuntimeError, match="SITE_URL"):
        create_app(Production)


def test_production_has_debug_off(production_app):
    assert production_app.debug is False and production_app.testing is False


def test_factory_uses_the_given_config():
    class Custom(TestingConfig):
        SITE_NAME = "Verein der Freunde"

    assert create_app(Custom).config["SITE_NAME"] == "Verein der Freunde"
    assert create_app(Custom).testing is True


@pytest.fixture
def broken_app(database_url, smtp_server):
    controller, _ = smtp_server
    application = make_app(database_url, controller.port)

    @application.get("/test/explode")
    def explode():
        raise ValueError("secret internal detail")

    @application.get("/test/forbidden")
    def forbidden():
        abort(403)

    @application.post("/test/upload")
    def upload():
        from flask import request

        return str(len(request.get_data()))

    application.config["MAX_CONTENT_LENGTH"] = 1024
    return application


@pytest.mark.parametrize(
    ("method", "url", "status", "title"),
    [
        ("get", "/test/explode", 500, "Something went wrong"),
        ("get", "/test/forbidden", 403, "Access denied"),
        ("get", "/nothing-here", 404, "Page not found"),
        ("get", "/auth/logout", 405, "This action is not possible here"),
    ],
)
def test_error_pages_use_the_layout_and_never_show_a_traceback(broken_app, method, url, status, title):
    client = english_client(broken_app)
    response = getattr(client, method)(url)
    body = text_of(response)
    assert response.status_code == status
    assert title in body and 'class="site-header"' in body and "Imprint" in body
    assert "Traceback" not in body and "secret internal detail" not in body and "ValueError" not in body


def test_oversized_request_gets_413(broken_app):
    client = english_client(broken_app)
    response = client.post("/test/upload", data=b"x" * 4096, headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 413 and "too large" in text_of(response).lower()


def test_templates_render_raw_html_only_from_sanitized_fields():
    # Mail HTML is no page: it is never served under the site's CSP, and mail programs need inline styles.
    templates = [p for p in (ROOT / "app" / "templates").rglob("*.html") if "email" not in p.parts]
    for path in templates:
        source = path.read_text()
        for match in re.finditer(r"\{\{([^}]*)\|\s*safe", source):
            assert match.group(1).strip().endswith("_html"), f"{path}: |safe on {match.group(1)!r}"
        assert "style=" not in source, f"inline style in {path}"
        # A JSON-LD data block is never run (and its hash is in the CSP: test_opportunities); any other inline
        # script is.
        assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))", source), \
            f"inline script in {path}"
        assert not re.search(r"\son[a-z]+=", source), f"inline event handler in {path}"


def test_no_page_references_another_host():
    for path in (ROOT / "app" / "templates").rglob("*.html"):
        for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', path.read_text()):
            pytest.fail(f"{path} loads {url}")
    css = Path(ROOT / "app" / "static" / "css" / "site.css").read_text()
    assert "http" not in css and "@import" not in css


def test_a_404_offers_visitors_a_login_that_brings_them_back(client, make_user, make_post):
    """Logged out, a link to members-only content is a 404 like any missing page (nothing revealed), but it
    offers "Log in" with a safe `next`; after logging in the member lands on the content."""
    secret = make_post(title="Protokoll der Sitzung", visibility="members")
    missing = make_post(title="Gleich weg")
    from app.extensions import db
    from app.models.post import Post

    with client.application.app_context():
        db.session.delete(db.session.get(Post, missing.id))
        db.session.commit()
    pages = [client.get(f"/posts/{secret.id}"), client.get(f"/posts/{missing.id}")]
    assert [page.status_code for page in pages] == [404, 404]
    bodies = [page.get_data(as_text=True).replace(str(secret.id), "N").replace(str(missing.id), "N")
              for page in pages]
    assert bodies[0] == bodies[1]  # the members-only post's 404 is the same page as a missing one
    assert f'href="/auth/login?next=/posts/{secret.id}"' in pages[0].get_data(as_text=True)
    member = make_user(Role.MEMBER)
    token = client.token(f"/auth/login?next=/posts/{secret.id}")
    response = client.post(f"/auth/login?next=/posts/{secret.id}",
                           data={"csrf_token": token, "email": member.email, "password": "correct horse battery staple"})
    assert response.headers["Location"] == f"/posts/{secret.id}"
    assert "Protokoll der Sitzung" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_header_login_link_returns_to_the_current_page(client, make_post):
    post = make_post(title="Öffentlich")
    assert f'href="/auth/login?next=/posts/{post.id}"' in client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert 'href="/auth/login?next=/events/?when%3Dpast"' in client.get("/events/?when=past").get_data(as_text=True)
