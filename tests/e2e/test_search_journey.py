"""Search from the header in a real Chromium, at a phone (the header's search icon opens the search page) and a
desktop width (the header's box): type, press Enter, read the results with the matched words marked, narrow them
with the filters, open a hit; accessible (axe) and without sideways scrolling."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.models.user import Role
from tests.e2e.conftest import VIEWPORTS, assert_accessible, assert_fits_viewport, log_in_as

pytestmark = pytest.mark.e2e

LONG = "Mitgliederversammlungsvorbereitungsarbeitsgruppensitzung"


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_searching_from_the_header(viewport_name, make_user, make_post, add_comment, make_event, page_factory):
    author = make_user(Role.MEMBER, name="Marta")
    post = make_post(author, title="Stammtisch in Köln", body=f"Wir treffen uns im Brauhaus. {LONG}")
    add_comment(author, post, "Ich komme zum Stammtisch, aber später.")
    make_post(author, title="Stammtisch nur für Mitglieder", body="intern", visibility="members")
    make_event(title="Stammtisch im Sommer", visibility="public")

    page = page_factory(VIEWPORTS[viewport_name])
    page.goto("/")
    if viewport_name == "phone":  # the header's search icon: one tap to the search page and its box
        page.locator("header.site-header").get_by_role("link", name="Search").click()
        expect(page).to_have_url("/search")
        box = page.locator("#main").get_by_label("Search for")
    else:
        box = page.get_by_role("searchbox", name="Search the site")
    box.fill("Stammtisch")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=Stammtisch(&|$)"))  # the search page's form sends its filters too
    expect(page.locator(".result-count")).to_have_text("3 results")  # not the members-only post
    expect(page.locator(".search-results mark").first).to_have_text("Stammtisch")
    assert_fits_viewport(page, f"search results ({viewport_name})")
    assert_accessible(page, f"search results ({viewport_name})")

    page.locator("summary", has_text="Filters and sorting").click()
    page.get_by_label("Kind").select_option("comment")
    page.get_by_role("button", name="Search", exact=True).last.click()
    expect(page.locator(".result-count")).to_have_text("1 result")
    page.locator(".result-title a").first.click()
    expect(page.locator(".comment.highlight, :target")).to_have_count(1)

    member = make_user(Role.MEMBER)
    member_page = page_factory(VIEWPORTS[viewport_name])
    log_in_as(member_page, member)
    member_page.goto("/search?q=Stammtisch")
    expect(member_page.locator(".result-count")).to_have_text("4 results")
    assert_accessible(member_page, f"member's search results ({viewport_name})")
