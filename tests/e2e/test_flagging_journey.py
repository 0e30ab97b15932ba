"""Community flagging in a real Chromium, at a phone and a desktop width.

Three alumni report the same comment, one after the other; after the third it is hidden for everyone else, while
its author sees it with why it was hidden and may edit it. A volunteer opens the moderation queue from the badge in
the header, filters it to comments, ticks the case with the keyboard and restores it with the bulk button; the
comment is back for a visitor. Every page on the way is axe clean and fits the phone's width.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models.types import utcnow
from app.models.user import Role, User
from tests.e2e.conftest import VIEWPORTS, assert_fits_viewport, log_in_as, site_menu

pytestmark = pytest.mark.e2e

WORDS = "Whoever votes for the canteen has no taste at all."
HIDDEN = "This comment was hidden by the moderators."


def own_part(page, comment_id: int, part: str):
    return page.locator(f"#c{comment_id} > details > .{part}")


def follow_header_link(page, person, name: str):
    """Log in, find the header's link (its badge counting one), and follow it; returns the link."""
    log_in_as(page, person, through_form=False)
    page.goto("/")
    link = site_menu(page).get_by_role("link", name=re.compile(name))
    expect(link).to_contain_text("1")
    link.click()
    return link


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_three_reports_hide_a_comment_and_a_volunteer_restores_it(viewport_name, app, make_user, make_post,
                                                                  add_comment, page_factory, live_server, axe_check,
                                                                  screenshot_dir):
    viewport = VIEWPORTS[viewport_name]
    post = make_post(make_user(Role.MEMBER, name="Ada Starter"), title="Reunion 2025: where shall we meet?")
    harry = make_user(name="Hasty Harry")
    comment_id = add_comment(harry, post, WORDS)
    reporters = [make_user(name=name) for name in ("Rita Reader", "Sam Reader", "Tom Reader")]
    with app.app_context():  # established accounts: each report counts in full (new ones count half)
        for person in reporters:
            db.session.get(User, person.id).created_at = utcnow() - timedelta(days=60)
        db.session.commit()
    vera = make_user(Role.VOLUNTEER, name="Vera Volunteer")
    post_url = f"/posts/{post.id}"

    def checked(page, label: str) -> None:
        axe_check(page, f"{label} ({viewport_name})")
        assert_fits_viewport(page, f"{label} ({viewport_name})")

    def shot(page, step: str) -> None:
        page.screenshot(path=str(screenshot_dir / f"flagging-{viewport_name}-{step}.png"), full_page=True)

    # Three people report the comment.
    for number, person in enumerate(reporters, start=1):
        reporter = page_factory(viewport)
        log_in_as(reporter, person, through_form=False)
        reporter.goto(post_url)
        own_part(reporter, comment_id, "comment-actions").get_by_role("link", name="Report").click()
        expect(reporter.get_by_role("heading", level=1)).to_have_text("Report a comment")
        reporter.get_by_label("Insulting, hateful or harassing").check()
        if number == 1:
            checked(reporter, "report form")
        reporter.get_by_role("button", name="Send report").click()
        expect(reporter).to_have_url(f"{live_server}{post_url}#c{comment_id}")
        expect(reporter.locator(".flashes")).to_contain_text("Thank you. The moderators will look at it.")
        body = own_part(reporter, comment_id, "comment-body")
        if number < 3:
            expect(body).to_contain_text(WORDS)
        else:  # the third report is enough: hidden for everyone else at once
            expect(body).to_have_text(HIDDEN)

    visitor = page_factory(viewport)
    visitor.goto(post_url)
    expect(own_part(visitor, comment_id, "comment-body")).to_have_text(HIDDEN)
    expect(visitor.locator("main")).not_to_contain_text(WORDS)
    checked(visitor, "thread with a comment hidden after reports, as a visitor")

    # The author sees the comment, why it is hidden, and may edit it; the bell says so too.
    author = page_factory(viewport)
    follow_header_link(author, harry, "Notifications")
    line = author.get_by_role("button", name=re.compile("Your comment in Reunion 2025"))
    expect(line).to_contain_text("hidden after reports (Insulting, hateful or harassing)")
    checked(author, "the bell with a hidden-after-reports line")
    line.click()
    expect(author).to_have_url(re.compile(rf"{re.escape(post_url)}(\?start=\d+)?#c{comment_id}$"))
    note = own_part(author, comment_id, "comment-body")
    expect(note).to_contain_text("Others reported your comment")
    expect(note).to_contain_text("Insulting, hateful or harassing")
    expect(note).to_contain_text(WORDS)
    expect(own_part(author, comment_id, "comment-actions").get_by_role("link", name="Edit")).to_be_visible()
    checked(author, "thread as the author of a comment hidden after reports")
    shot(author, "01-author")

    # A volunteer follows the badge to the queue, filters it to comments and restores the comment.
    moderator = page_factory(viewport)
    badge = follow_header_link(moderator, vera, "^Moderation")
    expect(moderator).to_have_url(f"{live_server}/moderation/")
    moderator.get_by_label("What").select_option("comment")
    moderator.get_by_role("button", name="Filter").click()
    expect(moderator).to_have_url(re.compile(r"/moderation/\?kind=comment"))
    cases = moderator.locator("section[aria-labelledby='queue-heading'] .queue > li")
    expect(cases).to_have_count(1)
    expect(cases).to_contain_text("Hidden after reports, awaiting review")
    expect(cases).to_contain_text("3 reports: Insulting, hateful or harassing (3)")
    expect(cases).to_contain_text(WORDS)
    checked(moderator, "the queue filtered to comments")
    shot(moderator, "02-queue")

    # "All items on this page" ticks the case along with it (static/js/queue.js), and back.
    case_box = moderator.get_by_label("Comment by Hasty Harry")
    select_all = moderator.get_by_label("All items on this page")
    select_all.check()
    expect(case_box).to_be_checked()
    select_all.uncheck()
    expect(case_box).not_to_be_checked()
    # With the keyboard: tick the case, then the bulk "Restore".
    case_box.focus()
    moderator.keyboard.press("Space")
    expect(case_box).to_be_checked()
    expect(select_all).to_be_checked()  # the only case on the page
    bulk_restore = moderator.get_by_role("group", name="With the selected items").get_by_role("button",
                                                                                               name="Restore")
    bulk_restore.focus()
    moderator.keyboard.press("Enter")
    expect(moderator.locator(".flashes")).to_contain_text("Done: 1 item.")
    expect(moderator).to_have_url(re.compile(r"/moderation/\?kind=comment"))  # back where they were
    expect(moderator.get_by_text("Nothing here matches these filters.")).to_be_visible()
    site_menu(moderator)  # on phones the link sits in the menu
    expect(badge).to_be_visible()
    expect(badge).not_to_contain_text("1")

    visitor.goto(post_url)
    expect(own_part(visitor, comment_id, "comment-body")).to_contain_text(WORDS)
    checked(visitor, "thread with the restored comment, as a visitor")
