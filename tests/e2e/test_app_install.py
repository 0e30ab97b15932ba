"""The installable web app in a real Chromium (issue 19): the manifest and the service worker register and the
worker controls the page; Chromium finds the site installable; a page read online opens offline with the offline
notice, a page never read shows the offline page; a signed-in person's pages are kept without CSRF tokens and are
gone after logout, and the members' pages are never shown from the cache to someone logged out."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from app.models.user import Role
from app.services import webapp
from tests.e2e.conftest import (
    _CSP_LISTENER,
    ACTION_TIMEOUT_MS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    assert_accessible,
    log_in_as,
    site_menu,
)

pytestmark = pytest.mark.e2e

PAGE_URLS = """async (name) => {
  if (!(await caches.has(name))) return [];
  const cache = await caches.open(name);
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""
SAVED_TEXT = """async ([name, path]) => {
  const copy = await caches.match(path, {cacheName: name, ignoreVary: true});
  return copy ? await copy.text() : null;
}"""


@pytest.fixture
def profile_page(browser, live_server, browser_problems, tmp_path):
    """A page in a browser profile on disk: Chromium installs no web app from the off-the-record contexts that
    page_factory makes. Otherwise set up as page_factory's pages (English, phone size, problems reported)."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, viewport=PHONE,
        locale="en-US", extra_http_headers={"Accept-Language": "en"}, base_url=live_server)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    context.expose_function("__e2eReportCsp", browser_problems.on_csp_violation)
    context.add_init_script(_CSP_LISTENER)
    page = context.pages[0] if context.pages else context.new_page()
    page.on("console", browser_problems.on_console)
    page.on("pageerror", browser_problems.on_page_error)
    page.on("dialog", browser_problems.on_dialog)
    yield page
    context.close()
    assert not browser_problems.problems, "the browser reported problems:\n" + "\n".join(browser_problems.problems)


def controlled(page, seconds: float = 5.0) -> None:
    """Wait until the service worker is active and looks after this page (polled: the CSP forbids the eval that
    wait_for_function needs)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        assert time.monotonic() < deadline, "no service worker controls the page"
        page.wait_for_timeout(50)


def wait_until_kept(page, cache: str, path: str, seconds: float = 5.0) -> None:
    """The worker saves a page after handing it over: wait for that."""
    deadline = time.monotonic() + seconds
    while path not in saved(page, cache):
        assert time.monotonic() < deadline, f"{path} not kept in {cache}: {saved(page, cache)}"
        page.wait_for_timeout(50)


def saved(page, cache: str) -> list[str]:
    return page.evaluate(PAGE_URLS, cache)


def test_the_site_installs_and_reads_offline(profile_page, make_user, make_post):
    post = make_post(title="Sommerfest am See", body="Wir treffen uns **am See**.")
    member = make_user(Role.MEMBER, name="Mira Member")
    members_post = make_post(title="Nur für Mitglieder", visibility="members")
    page = profile_page

    # Online, as a visitor: the manifest is linked and read, the worker registers and takes the page over.
    page.goto("/")
    controlled(page)
    session = page.context.new_cdp_session(page)
    manifest = session.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest") and not manifest["errors"], manifest["errors"]
    assert session.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    # The browser offers installing (beforeinstallprompt): the install button appears, at the page's very end.
    expect(page.get_by_role("button", name="Install the app")).to_be_visible()
    assert page.locator("#offline-notice").is_hidden()

    # A post read online is kept in the public cache (anonymous visitor), the feed too (from the second visit:
    # the first one came before the worker).
    assert saved(page, "pages-public") == []
    page.goto("/")
    page.goto(f"/posts/{post.id}")
    expect(page.get_by_role("heading", name="Sommerfest am See")).to_be_visible()
    wait_until_kept(page, "pages-public", f"/posts/{post.id}")
    wait_until_kept(page, "pages-public", "/")

    # Offline: the post opens from the saved copy and says so; a page never read shows the offline page.
    page.context.set_offline(True)
    page.goto(f"/posts/{post.id}")
    expect(page.get_by_role("heading", name="Sommerfest am See")).to_be_visible()
    notice = page.locator("#offline-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("You are offline: this is a copy saved on this device.")
    expect(notice.locator("time")).not_to_be_empty()
    assert_accessible(page, "a saved copy, offline")
    page.goto("/guidelines")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    assert_accessible(page, "the offline page")
    page.context.set_offline(False)

    # Signed in: the member's pages go to the private cache, without any CSRF token.
    log_in_as(page, member)
    controlled(page)
    page.goto(f"/posts/{members_post.id}")
    expect(page.get_by_role("heading", name="Nur für Mitglieder")).to_be_visible()
    page.goto("/events/mine")
    expect(page.get_by_role("heading", name="My events")).to_be_visible()
    assert_accessible(page, "my events")
    wait_until_kept(page, "pages-private", f"/posts/{members_post.id}")
    wait_until_kept(page, "pages-private", "/events/mine")
    copy = page.evaluate(SAVED_TEXT, ["pages-private", "/events/mine"])
    assert 'name="csrf_token" value=""' in copy
    live_token = page.locator("header form input[name=csrf_token]").first.get_attribute("value")
    assert live_token and live_token not in copy
    assert f"/posts/{members_post.id}" not in saved(page, "pages-public")

    # Offline while signed in, the member reads the members-only post from the private copy.
    page.context.set_offline(True)
    page.goto(f"/posts/{members_post.id}")
    expect(page.get_by_role("heading", name="Nur für Mitglieder")).to_be_visible()
    expect(page.locator("#offline-notice")).to_be_visible()
    expect(site_menu(page).get_by_role("button", name="Log out")).to_be_disabled()  # a saved copy sends no forms
    page.context.set_offline(False)

    # Logout empties the private cache; offline, the members' pages are not there for whoever comes next.
    page.goto("/")
    site_menu(page).get_by_role("button", name="Log out").click()
    expect(page.locator(".flashes")).to_contain_text("You are logged out.")
    assert saved(page, "pages-private") == []
    assert "/" in saved(page, "pages-public")
    page.context.set_offline(True)
    page.goto(f"/posts/{members_post.id}")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_text("Nur für Mitglieder")).to_have_count(0)
    page.goto("/events/mine")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    page.context.set_offline(False)


def test_no_install_button_where_the_browser_offers_none(page_factory):
    """An off-the-record window cannot install: no offer, so the button stays hidden and takes no room."""
    page = page_factory(PHONE)
    page.goto("/")
    controlled(page)
    page.wait_for_timeout(300)
    expect(page.locator("#install-app")).to_be_hidden()
    assert page.locator("#install-app").bounding_box() is None


SHELL_CACHES = "async () => (await caches.keys()).filter((name) => name.startsWith('shell-'))"


def test_a_deploy_replaces_the_worker_and_drops_its_old_cache(page_factory, monkeypatch):
    page = page_factory(PHONE)
    page.goto("/")
    controlled(page)
    assert page.evaluate(SHELL_CACHES) == [f"shell-{webapp.app_version()}"]
    # A deploy changes the static files, so the version in /sw.js; the browser's next check finds a new worker.
    monkeypatch.setattr(webapp, "app_version", lambda: "after-the-deploy")
    page.evaluate("async () => { await (await navigator.serviceWorker.getRegistration()).update(); }")
    deadline = time.monotonic() + 5
    while page.evaluate(SHELL_CACHES) != ["shell-after-the-deploy"]:
        assert time.monotonic() < deadline, page.evaluate(SHELL_CACHES)
        page.wait_for_timeout(50)
