"""At 390 px no page scrolls sideways, with long German compound words and URLs in every field people
fill in: titles, names, bodies, comments, events, categories, applications, directory entries. Both
languages (the German interface has the longer words of its own)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models.user import Role, User
from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible, assert_fits_viewport, log_in_as

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




def feed_weight(page) -> dict[str, int]:
    """Bytes of HTML, CSS and JS the feed page loads (bodies as decoded, without images), from the browser's
    own resource timing, with the cache off as on a first visit."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto("/")
    page.wait_for_load_state("load")
    return page.evaluate("""() => {
      const sizes = {html: 0, css: 0, js: 0};
      const [navigation] = performance.getEntriesByType("navigation");
      sizes.html = navigation.decodedBodySize;
      for (const entry of performance.getEntriesByType("resource")) {
        if (entry.name.endsWith(".css") || entry.initiatorType === "link") sizes.css += entry.decodedBodySize;
        else if (entry.name.endsWith(".js") || entry.initiatorType === "script") sizes.js += entry.decodedBodySize;
      }
      return sizes;
    }""")


def test_the_feed_stays_light_on_a_phone(page_factory, make_user, make_post):
    author = make_user(Role.MEMBER, name="Marta")
    for number in range(20):
        make_post(author, title=f"Stammtisch Nummer {number} in Köln", body="Wir treffen uns im Brauhaus. " * 8)
    visitor = page_factory(PHONE)
    member = page_factory(PHONE)
    log_in_as(member, make_user(Role.MEMBER))
    for who, page in (("visitor", visitor), ("member", member)):
        sizes = feed_weight(page)
        total = sum(sizes.values())
        print(f"feed weight on a phone ({who}): {sizes} = {total} bytes")
        assert total < 100_000, f"the feed weighs {total} bytes for a {who}: {sizes}"


# ---------------------------------------------------------------- the phone header, the bottom bar, the menu

TOUCH = 44  # px: the smallest touch target (WCAG 2.5.5, Apple and Material guidelines)


def too_small(page, selector: str) -> list[str]:
    """Visible controls matched by `selector` smaller than TOUCH×TOUCH px, described."""
    return page.evaluate("""([selector, touch]) => [...document.querySelectorAll(selector)]
      .filter((el) => el.checkVisibility({visibilityProperty: true}))
      .map((el) => [el, el.getBoundingClientRect()])
      .filter(([, box]) => box.width < touch - 0.5 || box.height < touch - 0.5)
      .map(([el, box]) => `${el.tagName.toLowerCase()} "${(el.textContent || "").trim().slice(0, 30)}" `
                          + `${Math.round(box.width)}x${Math.round(box.height)}`)""", [selector, TOUCH])


HEADER_CONTROLS = ("header.site-header a, header.site-header button, header.site-header summary, "
                   "header.site-header input")


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_phone_header_is_one_short_row_with_big_targets(page_factory, long_content, make_user, language):
    visitor = page_factory(PHONE)
    member = page_factory(PHONE)
    log_in_as(member, make_user(Role.MEMBER))
    admin = page_factory(PHONE)
    log_in_as(admin, long_content["admin"])  # a moderator and admin: more in the menu, badges
    for who, page in (("visitor", visitor), ("member", member), ("admin", admin)):
        page.goto(f"/language/{language}")
        for path in ("/", f"/posts/{long_content['post'].id}", "/events/"):
            page.goto(path)
            label = f"{path} as {who} ({language})"
            height = page.locator("header.site-header").bounding_box()["height"]
            assert height < 64, f"{label}: the header is {height}px tall"
            assert not too_small(page, HEADER_CONTROLS), f"{label}: small header controls {too_small(page, HEADER_CONTROLS)}"
            box = page.locator("nav.main-nav").bounding_box()
            assert box["y"] + box["height"] == pytest.approx(PHONE["height"], abs=1), f"{label}: no bottom bar"
            assert not too_small(page, ".main-nav a"), f"{label}: small bottom bar links {too_small(page, '.main-nav a')}"
            assert not too_small(page, "main .button"), f"{label}: small buttons {too_small(page, 'main .button')}"
            assert_fits_viewport(page, label)
        page.locator("header.site-header summary").click()
        assert not too_small(page, ".menu-panel a, .menu-panel button"), f"menu as {who}: {too_small(page, '.menu-panel a, .menu-panel button')}"
        assert_accessible(page, f"the open menu as {who} ({language})")
        assert_fits_viewport(page, f"the open menu as {who} ({language})")


def test_the_bottom_bar_and_the_header_reach_every_destination(page_factory, long_content):
    page = page_factory(PHONE)
    log_in_as(page, long_content["admin"])
    bar = page.get_by_role("navigation", name="Main navigation")
    bar.get_by_role("link", name="Events").click()
    expect(page).to_have_url("/events/")
    expect(bar.get_by_role("link", name="Events")).to_have_attribute("aria-current", "page")
    bar.get_by_role("link", name="Jobs").click()
    expect(page).to_have_url("/jobs/")
    bar.get_by_role("link", name="Members").click()
    expect(page).to_have_url("/members/")
    page.locator("header.site-header").get_by_role("link", name="Search").click()
    expect(page).to_have_url("/search")
    page.locator("#main input[name=q]").fill("Mitglieder")
    page.keyboard.press("Enter")
    expect(page.locator(".result-count")).to_be_visible()
    page.locator("header.site-header a.bell").click()
    expect(page).to_have_url("/notifications/")
    menu = page.get_by_role("navigation", name="Menu")
    page.locator("header.site-header summary").click()
    menu.get_by_role("link", name=re.compile("^Moderation")).click()
    expect(page).to_have_url("/moderation/")
    page.locator("header.site-header summary").click()
    menu.get_by_role("button", name="Log out").click()
    expect(page.locator("header.site-header").get_by_role("link", name="Log in")).to_be_visible()


def test_the_menu_works_with_the_keyboard(page_factory, make_user):
    page = page_factory(PHONE)
    log_in_as(page, make_user(Role.MEMBER))
    toggle = page.locator("header.site-header summary")
    menu = page.get_by_role("navigation", name="Menu")
    expect(toggle).to_have_accessible_name("Menu")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(menu.get_by_role("link", name="My account")).to_be_visible()
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="My account")).to_be_focused()
    page.keyboard.press("Escape")  # js/site.js: closes, and focus goes back to the button
    expect(menu.get_by_role("link", name="My account")).to_be_hidden()
    expect(toggle).to_be_focused()
    page.keyboard.press("Space")
    expect(menu.get_by_role("link", name="My account")).to_be_visible()
    page.mouse.click(200, 600)  # a tap elsewhere (on the page's text, below the open menu) closes it
    expect(menu.get_by_role("link", name="My account")).to_be_hidden()


def test_the_menu_works_without_javascript(browser, live_server, make_user):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, base_url=live_server,
                                  extra_http_headers={"Accept-Language": "en"})
    try:
        page = context.new_page()
        user = make_user(Role.MEMBER)
        log_in_as(page, user)
        toggle = page.locator("header.site-header summary")
        menu = page.get_by_role("navigation", name="Menu")
        expect(menu.get_by_role("link", name="My account")).to_be_hidden()
        toggle.click()
        expect(menu.get_by_role("link", name="My account")).to_be_visible()
        toggle.click()
        expect(menu.get_by_role("link", name="My account")).to_be_hidden()
        toggle.focus()
        page.keyboard.press("Enter")
        menu.get_by_role("link", name="My account").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    finally:
        context.close()


def test_the_desktop_header_keeps_its_row(page_factory, make_user):
    page = page_factory(DESKTOP)
    log_in_as(page, make_user(Role.MEMBER))
    header = page.locator("header.site-header")
    expect(header.get_by_role("searchbox", name="Search the site")).to_be_visible()
    expect(header.get_by_role("link", name="My account")).to_be_visible()
    expect(header.get_by_role("link", name="News & discussions")).to_be_visible()
    expect(header.locator("summary")).to_be_hidden()
    assert header.bounding_box()["height"] < 100  # one row of links over one of search and account, as before


# ---------------------------------------------------------------- sharing

_FAKE_SHARE = """
Object.defineProperty(Navigator.prototype, "share", {configurable: true, value(data) {
  window.__shared = data; return Promise.resolve(); }});
Object.defineProperty(Navigator.prototype, "canShare", {configurable: true, value() { return true; }});
"""


def test_the_share_button_uses_the_phones_share_sheet(page_factory, make_user, make_post):
    public = make_post(title="Sommerfest & Grillen in Köln")
    inner = make_post(title="Nur für Mitglieder: Vorstandswahl", visibility="members")
    plain = page_factory(PHONE)
    plain.goto(f"/posts/{public.id}")
    share = plain.locator(".share").get_by_role("button", name="Share", exact=True)
    if not plain.evaluate("'share' in navigator"):
        expect(share).to_be_hidden()  # no share sheet in this browser: no button
    for name in ("WhatsApp", "Telegram", "Threema", "E-Mail"):
        expect(plain.locator(".share").get_by_role("link", name=name)).to_be_visible()

    page = page_factory(PHONE)
    page.add_init_script(_FAKE_SHARE)
    page.goto(f"/posts/{public.id}")
    share = page.locator(".share").get_by_role("button", name="Share", exact=True)
    expect(share).to_be_visible()
    assert share.bounding_box()["height"] >= TOUCH
    share.click()
    assert page.evaluate("window.__shared") == {"title": "Sommerfest & Grillen in Köln",
                                                "url": f"{page.url}"}
    assert_accessible(page, "a post with its share box")

    log_in_as(page, make_user(Role.MEMBER))
    page.goto(f"/posts/{inner.id}")
    page.locator(".share").get_by_role("button", name="Share", exact=True).click()
    assert page.evaluate("window.__shared") == {"url": page.url}  # the address only, never the title
    assert "Vorstandswahl" not in " ".join(page.locator(".share a").evaluate_all("(links) => links.map((a) => a.href)"))
