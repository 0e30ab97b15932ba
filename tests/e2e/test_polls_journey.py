"""A poll in a real Chromium, at a phone and a desktop width: a member starts a discussion with a poll of several
choices (one option a long German compound word), a visitor sees the options and "Log in to vote", an alumnus
votes by ticking two boxes and sees the results as bars with the numbers; axe finds nothing serious, nothing
scrolls sideways, no CSP violation (the bars have no style attribute)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.models.user import Role
from tests.e2e.conftest import VIEWPORTS, assert_accessible, assert_fits_viewport, log_in_as

pytestmark = pytest.mark.e2e

TITLE = "Sommerfest: what shall we offer?"
LONG = "Donaudampfschifffahrtsgesellschaftskapitänsmützenausstellung"
OPTIONS = ["Barbecue", "Live music", LONG]


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_a_poll_is_answered_and_shows_its_results(viewport_name, app, make_user, page_factory):
    viewport = VIEWPORTS[viewport_name]
    author = page_factory(viewport)
    log_in_as(author, make_user(Role.MEMBER))
    author.goto("/posts/new")
    author.get_by_label("Title", exact=True).fill(TITLE)
    author.get_by_label("Text", exact=True).fill("Tick what you would enjoy.")
    author.locator("summary", has_text="Add a poll").click()
    author.get_by_label("Options, one per line").fill("\n".join(OPTIONS))
    author.get_by_label("Several choices", exact=True).check()
    assert_accessible(author, f"the post form with its poll ({viewport_name})")
    assert_fits_viewport(author, f"the post form with its poll ({viewport_name})")
    author.get_by_role("button", name="Publish").click()
    poll = author.locator("#poll")
    expect(poll.get_by_role("heading", name=TITLE)).to_be_visible()
    assert_accessible(author, f"the poll's ballot ({viewport_name})")
    assert_fits_viewport(author, f"the poll's ballot ({viewport_name})")
    post_url = author.url

    visitor = page_factory(viewport)
    visitor.goto(post_url)
    expect(visitor.locator("#poll").get_by_role("link", name="Log in to vote")).to_be_visible()
    expect(visitor.locator("#poll")).to_contain_text(LONG)

    voter = page_factory(viewport)
    log_in_as(voter, make_user())
    voter.goto(post_url)
    voter.get_by_label("Barbecue").check()
    voter.get_by_label(LONG).check()
    voter.get_by_role("button", name="Vote").click()
    assert voter.url.endswith("#poll")
    expect(voter.locator(".flashes")).to_contain_text("your vote is counted")
    results = voter.locator("#poll .poll-results")
    expect(results.locator("meter")).to_have_count(3)
    expect(results).to_contain_text("1 vote (100%)")
    expect(results).to_contain_text("0 votes (0%)")
    expect(voter.locator("#poll")).to_contain_text("1 person voted.")
    assert_accessible(voter, f"the poll's results ({viewport_name})")
    assert_fits_viewport(voter, f"the poll's results ({viewport_name})")
    voter.goto("/")
    expect(voter.locator(".entry", has_text=TITLE).locator(".badge.poll")).to_have_text("Poll, open")
    author.goto(post_url.split("#")[0] + "/poll")  # nobody may change it now: back to the poll, said why
    expect(author.locator(".flashes")).to_contain_text("can no longer be changed")
