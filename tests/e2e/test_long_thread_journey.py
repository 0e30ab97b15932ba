"""A long discussion in a real Chromium: the first slice of top-level comments, "Show more comments" loading
the next slice in place (focus moves to the first new comment), and the same link working without JavaScript.
Axe clean, fits a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models.user import Role
from app.services import settings
from tests.e2e.conftest import PHONE, assert_accessible, assert_fits_viewport
from tests.integration.test_long_threads import seed_roots

pytestmark = pytest.mark.e2e


def test_show_more_comments_in_place_and_without_javascript(app, make_user, make_post, page_factory, browser,
                                                           live_server):
    author = make_user(Role.ALUMNUS, name="Gesprächige Person")
    post = make_post(author, title="Wer erinnert sich an die Exkursion 2009?")
    ids = seed_roots(app, post.id, author.id, 23, replies_each=1)
    with app.app_context():
        settings.save(None, {"thread_page_size": 10})
        db.session.commit()

    page = page_factory(PHONE)
    page.goto(f"/posts/{post.id}")
    roots = page.locator("#thread > article.comment")
    expect(roots).to_have_count(10)
    more = page.get_by_role("link", name="Show more comments (13 more threads)")
    assert_accessible(page, "a long thread, first slice")
    assert_fits_viewport(page, "a long thread, first slice")
    more.click()
    expect(roots).to_have_count(20)
    expect(page).to_have_url(f"{live_server}/posts/{post.id}")  # loaded in place
    expect(page.locator(f"#c{ids[10]}")).to_be_focused()
    page.get_by_role("link", name="Show more comments (3 more threads)").click()
    expect(roots).to_have_count(23)
    expect(page.locator("[data-thread-more]")).to_have_count(0)
    expect(page.get_by_text("Reply 22.0")).to_be_visible()
    assert_accessible(page, "a long thread, all slices loaded")

    plain = browser.new_context(java_script_enabled=False, base_url=live_server, locale="en-US",
                                extra_http_headers={"Accept-Language": "en"})
    try:
        old = plain.new_page()
        old.goto(f"/posts/{post.id}")
        old.get_by_role("link", name="Show more comments (13 more threads)").click()
        expect(old).to_have_url(f"{live_server}/posts/{post.id}?start={ids[10]}#c{ids[10]}")
        expect(old.locator("#thread > article.comment")).to_have_count(10)
        expect(old.get_by_role("link", name="Show the first comments")).to_be_visible()
    finally:
        plain.close()
