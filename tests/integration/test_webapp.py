"""The installable web app (issue 19): the manifest and its icons, the service worker script, the offline page,
which pages the service worker may keep (X-Offline-Cache), the logout that clears them, and the CSP."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from app import site
from app.models.user import Role
from app.services import branding, settings, webapp
from tests.integration.test_site_settings import png


def manifest_of(client, language: str = "en") -> dict:
    response = client.get("/manifest.webmanifest", headers={"Accept-Language": language})
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    # Briefly cacheable; for a signed-in person every response is "private, no-store" (app.security).
    assert response.headers["Cache-Control"] in ("public, max-age=300", "private, no-store")
    assert "Accept-Language" in response.headers["Vary"]
    return json.loads(response.get_data(as_text=True))


def save_settings(app, values: dict) -> None:
    with app.app_context():
        settings.save(None, values)
        from app.extensions import db

        db.session.commit()
        site.forget()


def test_manifest_makes_the_site_installable(app, client):
    manifest = manifest_of(client)
    assert client.get("/manifest.webmanifest").headers["Cache-Control"] == "public, max-age=300"
    assert manifest["name"] == app.config["SITE_NAME"]
    assert 0 < len(manifest["short_name"]) <= 12
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["id"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5cad" and manifest["background_color"] == "#ffffff"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == "image/png" == icon["type"]
        assert "immutable" in response.headers["Cache-Control"]
        image = Image.open(io.BytesIO(response.data))
        assert f"{image.width}x{image.height}" == icon["sizes"] and image.mode == "RGB"  # opaque
    # The page links it, with the colour of the browser's bar and a touch icon.
    home = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest"' in home
    assert '<meta name="theme-color" content="#0b5cad">' in home
    assert f'/app-icon/{manifest["icons"][0]["src"].split("/")[2]}/icon-180.png' in home


def test_manifest_speaks_the_visitors_language(app, client):
    german, english = manifest_of(client, "de"), manifest_of(client, "en")
    assert german["lang"] == "de" and english["lang"] == "en"
    assert english["description"] == f"News, discussions and events of {app.config['SITE_NAME']}"
    save_settings(app, {"tagline": "Das Netzwerk der Ehemaligen"})
    assert manifest_of(client, "de")["description"] == "Das Netzwerk der Ehemaligen"


def test_name_colour_and_icons_follow_the_settings(app, client):
    before = manifest_of(client)
    save_settings(app, {"site_name": "Verein der Ehemaligen des Goethe-Gymnasiums", "accent_color": "#7a1f5c"})
    after = manifest_of(client)
    assert after["name"] == "Verein der Ehemaligen des Goethe-Gymnasiums" and after["short_name"] == "Verein"
    assert after["theme_color"] == "#7a1f5c"
    assert '<meta name="theme-color" content="#7a1f5c">' in client.get("/").get_data(as_text=True)
    # A new colour is a new address for every icon; the old one is gone.
    assert after["icons"][0]["src"] != before["icons"][0]["src"]
    assert client.get(before["icons"][0]["src"]).status_code == 404
    drawn = Image.open(io.BytesIO(client.get(after["icons"][1]["src"]).data))
    assert drawn.getpixel((5, 5)) == (0x7a, 0x1f, 0x5c)  # the association's colour behind its initials
    letters = drawn.crop((128, 128, 384, 384)).convert("L")
    assert letters.getextrema()[1] > 240  # white letters in the middle


def test_icons_come_from_the_logo_when_one_is_set(app, client, make_user):
    client.login(make_user(Role.ADMIN))
    before = manifest_of(client)["icons"][1]["src"]
    client.submit("/admin/settings/look", {"accent_color": "#0b5cad", "logo": (io.BytesIO(png()), "logo.png")},
                  content_type="multipart/form-data")
    site.forget()
    icons = {icon["purpose"] + icon["sizes"]: icon["src"] for icon in manifest_of(client)["icons"]}
    assert icons["any512x512"] != before
    logo = Image.open(io.BytesIO(client.get(icons["any512x512"]).data))
    assert logo.getpixel((256, 256)) == (200, 30, 30)  # the red logo in the middle, on white
    assert logo.getpixel((2, 2)) == (255, 255, 255)
    maskable = Image.open(io.BytesIO(client.get(icons["maskable512x512"]).data))
    # Inside the safe circle: nothing of the logo near the edges a launcher may cut.
    assert maskable.getpixel((256, 256)) == (200, 30, 30) and maskable.getpixel((60, 256)) == (255, 255, 255)


@pytest.mark.parametrize(("name", "short"), [
    ("Alumni Commons", "Alumni"), ("ASK", "ASK"), ("Verein der Ehemaligen", "Verein"),
    ("Ehemaligenvereinigung", "Ehemaligenve"), ("  Kurz  Name ", "Kurz Name")])
def test_short_names_fit_a_home_screen(name, short):
    assert webapp.short_name(name) == short


def test_initials_for_the_default_icon():
    assert webapp.initials("Alumni Commons") == "AC"
    assert webapp.initials("Verein der Ehemaligen") == "VE"
    assert webapp.initials("schule") == "S"


def test_service_worker_is_served_at_the_root_uncached_and_versioned(app, client, make_user):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    text = response.get_data(as_text=True)
    assert text.startswith(f'const VERSION = "{webapp.app_version()}";')
    assert 'const OFFLINE_URL = "/offline";' in text and '"/static/css/site.css"' in text
    assert "Service-Worker-Allowed" not in response.headers  # its own scope is the root already
    assert "worker-src 'self'" in response.headers["Content-Security-Policy"]
    # Signed in, it is the same script, never stored (app.security: "private, no-store" for them).
    client.login(make_user())
    signed_in = client.get("/sw.js")
    assert signed_in.headers["Cache-Control"] in ("no-cache", "private, no-store")
    assert signed_in.data == response.data


def test_the_version_changes_with_the_static_files(tmp_path, monkeypatch):
    for folder in webapp._VERSIONED:
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "static" / "site.css").write_text("a {}")
    monkeypatch.setattr(webapp, "_APP_ROOT", tmp_path)
    webapp.app_version.cache_clear()
    try:
        first = webapp.app_version()
        (tmp_path / "static" / "site.css").write_text("a { color: red }")
        webapp.app_version.cache_clear()
        assert webapp.app_version() != first
    finally:
        webapp.app_version.cache_clear()


def test_offline_page_shows_nobodys_account(app, client, make_user):
    page = client.get("/offline")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "You are offline" in text and "This page has not been saved on this device" in text
    assert 'lang="en"' in text
    assert "csrf_token" not in text
    german = client.get("/offline", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'lang="de"' in german
    client.login(make_user(name="Erika Mustermann"))
    signed_in = client.get("/offline").get_data(as_text=True)
    assert "Erika Mustermann" not in signed_in and "Log out" not in signed_in and "csrf_token" not in signed_in


def test_only_pages_to_read_are_marked_for_keeping(app, client, make_user, make_post, world):
    post = make_post(title="Offline reading")
    visitor_pages = {"/": "public", f"/posts/{post.id}": "public", "/events/": "public",
                     "/auth/login": "anonymous", "/search?q=x": "anonymous", "/offline": "anonymous"}
    for url, scope in visitor_pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("X-Offline-Cache") == scope, url
    assert "X-Offline-Cache" not in client.get("/feed.atom").headers
    assert "X-Offline-Cache" not in client.get("/sw.js").headers
    login = client.login(make_user(Role.MEMBER))
    welcome = client.get(login.headers["Location"])
    assert "flash" in welcome.get_data(as_text=True) and "X-Offline-Cache" not in welcome.headers
    for url in ("/", f"/posts/{post.id}", "/events/", "/events/mine"):
        assert client.get(url).headers.get("X-Offline-Cache") == "private", url
    for url in ("/account/", "/posts/new", "/notifications/", "/search?q=x"):
        assert "X-Offline-Cache" not in client.get(url).headers, url
    # A refused form (400) or anything but a GET is never marked.
    assert "X-Offline-Cache" not in client.post("/auth/logout", data={}).headers


def test_logout_tells_the_browser_to_forget_its_cache(app, client, make_user):
    client.login(make_user())
    response = client.logout()
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache"'
    # The page it lands on is a visitor's: the service worker empties the private pages on seeing it. It says
    # "You are logged out." once, so it is not kept itself (a saved copy would say it again and again).
    landing = client.get(response.headers["Location"])
    assert "You are logged out." in landing.get_data(as_text=True)
    assert landing.headers["X-Offline-Cache"] == "anonymous"
    assert client.get(response.headers["Location"]).headers["X-Offline-Cache"] == "public"


def test_my_events_lists_the_persons_upcoming_sign_ups_only(app, client, make_user, make_event, world):
    from datetime import timedelta

    person = make_user(Role.MEMBER)
    client.login(person)
    page = client.get("/events/mine")
    assert page.status_code == 200 and "You are not signed up for any upcoming event." in page.get_data(as_text=True)
    mine, members_only, past, others = (make_event(title="Sommerfest am See"),
                                        make_event(title="Mitgliederversammlung", visibility="members"),
                                        make_event(title="Vorbei", starts_in=timedelta(days=-3)),
                                        make_event(title="Nicht meins"))
    for event in (mine, members_only, past):
        sign_up(app, event, person)
    sign_up(app, others, make_user(Role.MEMBER))
    text = client.get("/events/mine").get_data(as_text=True)
    assert "Sommerfest am See" in text and "Mitgliederversammlung" in text
    assert "Vorbei" not in text and "Nicht meins" not in text
    assert "csrf_token" not in text.split("</header>", 1)[1]  # a page to read: its only form is the header's
    # No longer a member: the members-only event is no longer theirs to see, here as everywhere.
    with app.app_context():
        from app.extensions import db
        from app.models.user import User

        db.session.get(User, person.id).role = Role.ALUMNUS
        db.session.commit()
    text = client.get("/events/mine").get_data(as_text=True)
    assert "Sommerfest am See" in text and "Mitgliederversammlung" not in text
    assert "/events/mine" in client.get("/events/").get_data(as_text=True)
    assert "/events/mine" not in english_visitor(app).get("/events/").get_data(as_text=True)


def sign_up(app, event, person) -> None:
    from app.extensions import db
    from app.models.event import Signup
    from app.models.types import utcnow

    with app.app_context():
        db.session.add(Signup(event_id=event.id, user_id=person.id, status="confirmed", guests=0, note="",
                              queued_at=utcnow()))
        db.session.commit()


def english_visitor(app):
    from tests.conftest import english_client

    return english_client(app)


def test_csp_allows_our_manifest_and_worker_only(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "manifest-src 'self'" in policy and "worker-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    for url in ("/manifest.webmanifest", "/offline", "/sw.js"):
        assert client.get(url).headers["Content-Security-Policy"] == policy


def test_the_readable_colour_is_what_icons_use():
    # The default icon draws white letters on the accent colour, which is kept readable under white text.
    assert branding.contrast(branding.readable("#ffcc00"), "#ffffff") >= 4.5
