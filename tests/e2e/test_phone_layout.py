"""At 390 px no page scrolls sideways, with long German compound words and URLs in every field people
fill in: titles, names, bodies, comments, events, categories, applications, directory entries. Both
languages (the German interface has the longer words of its own)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models.user import Role, User
from tests.e2e.conftest import PHONE, assert_fits_viewport, log_in_as

pytestmark = pytest.mark.e2e

WORD = "Mitgliederversammlungsvorbereitungsarbeitsgruppensitzung"
URL = "https://www.example.org/" + "sehr-lange-adresse-ohne-leerzeichen/" * 4 + "?ausschreibung=" + "x" * 60


@pytest.fixture
def long_content(app, make_user, make_post, make_event, add_comment):
    admin = make_user(Role.ADMIN, name="Adelheid " + WORD[:40])
    member = make_user(Role.MEMBER, name=WORD[:60])
    alumnus = make_user(name="Alex " + WORD[:50])
    post = make_post(member, title=WORD + " " + WORD, body=f"{WORD} {URL}\n\n- {WORD}{WORD}")
    make_post(admin, kind="news", pinned=True, title=WORD + "snachrichten", body=URL)
    comment = add_comment(alumnus, post, f"{WORD}{WORD} {URL}")
    add_comment(member, post, f"@{db_handle(app, alumnus)} {URL}", parent=comment)
    event = make_event(title=WORD, place=WORD + "straße 1, 12345 " + WORD, note_label=WORD[:100], capacity=3)
    with app.test_request_context():
        from app.models.event import Event
        from app.services import categories, directory, membership, signups

        categories.create_category(db.session.get(User, admin.id), WORD[:60])
        signups.sign_up(db.session.get(User, alumnus.id), db.session.get(Event, event.id), note=URL[:400])
        membership.apply(db.session.get(User, alumnus.id), WORD + " " + URL[:100], 2010, f"{WORD} {URL}")
        directory.save_profile(db.session.get(User, member.id), directory.ProfileChanges(
            listed=True, programme=WORD, year=2009, city=WORD[:100], employer=WORD, position=WORD,
            bio=f"{WORD} {URL}"[:1000], website=URL[:300], social_url=URL[:300], private_fields=set()))
        db.session.commit()
    return {"admin": admin, "post": post, "event": event, "member": member}


def db_handle(app, user) -> str:
    with app.app_context():
        return db.session.get(User, user.id).handle


PAGES = ("/", "/?kind=news", "/posts/{post}", "/posts/{post}/report", "/events/", "/events/{event}",
         "/events/{event}/attendees", "/events/{event}/edit", "/events/new", "/posts/new", "/members/",
         "/members/applications", "/members/directory", "/members/directory/{member}", "/members/directory/me",
         "/members/invitations", "/members/documents", "/notifications/", "/notifications/settings", "/account/",
         "/admin/", "/admin/audit", "/admin/settings", "/admin/pages", "/moderation/", "/moderation/categories",
         "/privacy", "/admin/settings/look", "/admin/settings/access", "/admin/settings/participation",
         "/admin/settings/links", "/admin/settings/imprint", "/admin/settings/mail", "/admin/setup/privacy",
         "/admin/setup/guidelines", "/admin/news-consent", "/organizer/", "/organizer/goals", "/guidelines",
         "/admin/settings/reports", "/moderation/posts/{post}/thread", "/moderation/words")


def ids_path(path: str, ids: dict) -> str:
    return path.format(**ids)


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_page_scrolls_sideways_at_390_px_with_long_words(page_factory, browser_problems, long_content, language,
                                                            screenshot_dir):
    page = page_factory(PHONE)
    log_in_as(page, long_content["admin"])
    page.goto(f"/language/{language}")
    ids = {"post": long_content["post"].id, "event": long_content["event"].id, "member": long_content["member"].id}
    for path in PAGES:
        url = path.format(**ids)
        page.goto(url)
        assert_fits_viewport(page, f"{url} ({language})")
        if url in ("/", ids_path("/posts/{post}", ids), "/notifications/settings"):
            name = url.strip("/").replace("/", "-") or "feed"
            page.screenshot(path=screenshot_dir / f"long-words-{language}-{name}.png", full_page=True)
    with browser_problems.expect_console_error("404"):
        page.goto("/posts/999999")
    assert_fits_viewport(page, f"the 404 page ({language})")


def test_radio_buttons_sit_next_to_their_labels(page_factory, long_content):
    page = page_factory(PHONE)
    log_in_as(page, long_content["admin"])
    for url in ("/posts/new", "/events/new", f"/posts/{long_content['post'].id}/report"):
        page.goto(url)
        radio = page.locator(".radio input[type=radio]").first
        label = page.locator(".radio label").first
        radio_box, label_box = radio.bounding_box(), label.bounding_box()
        assert abs(radio_box["y"] - label_box["y"]) < label_box["height"], f"{url}: label below its radio button"
        assert label_box["x"] > radio_box["x"], f"{url}: label not beside its radio button"


