"""Sanctions in a real Chromium at a phone's width, axe clean on every page: an admin suspends Sam from the people
list, with a ready reason changed to their own words and a last day; Sam's login with a wrong password says only
that it is wrong, with the right one why and until when. A silenced person finds, where they would comment, that
they cannot and why."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from app.models.user import Role
from tests.e2e.conftest import PHONE, assert_fits_viewport, log_in_as

pytestmark = pytest.mark.e2e

REASON = "Beleidigungen im Forum, trotz Warnung im Mai."
WRONG_LOGIN = "Email address or password is not correct."


def log_in(page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_suspended_person_learns_why_at_the_login_and_a_silenced_one_where_they_would_comment(
        app, make_user, make_post, page_factory, live_server, browser_problems, axe_check, screenshot_dir):
    admin = make_user(Role.ADMIN, name="Ada Admin")
    sam = make_user(name="Sam Suspended")
    sid = make_user(name="Sid Silenced")
    post = make_post(title="Sommerfest 2027", body="Wer kommt mit?")
    last_day = date.today() + timedelta(days=12)

    def check(page, label):
        axe_check(page, label)
        assert_fits_viewport(page, label)
        page.screenshot(path=str(screenshot_dir / f"sanctions-{label}.png"), full_page=True)

    moderator = page_factory(PHONE)
    log_in_as(moderator, admin)
    moderator.goto("/admin/?q=Sam")
    moderator.get_by_role("link", name="Suspend… Sam Suspended").click()
    expect(moderator.get_by_role("heading", level=2)).to_have_text("Suspend Sam Suspended")
    moderator.get_by_role("link", name="Insults").click()  # a ready reason to start from
    reason = moderator.get_by_label("Reason (the person reads it)")
    expect(reason).to_have_value(re.compile("^Insults and contempt for other people"))
    check(moderator, "01-suspend-form")
    reason.fill(REASON)
    moderator.get_by_label("Through the day below").check()
    moderator.get_by_label("Last day").fill(last_day.isoformat())
    moderator.get_by_role("button", name="Suspend").click()
    expect(moderator).to_have_url(f"{live_server}/moderation/people/{sam.id}")
    expect(moderator.locator(".flashes")).to_contain_text("Sam Suspended is suspended and has been told by mail.")
    history = moderator.locator(".sanction-history")
    expect(history).to_contain_text(REASON)
    expect(history).to_contain_text("in force")
    check(moderator, "02-history")

    moderator.goto(f"/moderation/people/{sid.id}/silence")
    moderator.get_by_label("Reason (the person reads it)").fill("Werbung für den eigenen Laden in jedem Kommentar.")
    moderator.get_by_label("7 days").check()
    moderator.get_by_role("button", name="Silence").click()
    expect(moderator.locator(".flashes")).to_contain_text("Sid Silenced is silenced")

    person = page_factory(PHONE)
    with browser_problems.expect_console_error(r"status of 400"):
        log_in(person, sam.email, "a wrong password, surely")
        expect(person.get_by_role("alert")).to_contain_text(WRONG_LOGIN)
    expect(person.get_by_role("alert")).not_to_contain_text("suspended")
    expect(person.get_by_role("alert")).not_to_contain_text(REASON)
    with browser_problems.expect_console_error(r"status of 400"):
        log_in(person, sam.email, "correct horse battery staple")
        alert = person.get_by_role("alert")
        expect(alert).to_contain_text("Your account is suspended until")
        expect(alert).to_contain_text(str(last_day.year))
        expect(alert).to_contain_text(REASON)
    check(person, "03-login-says-why")

    silenced = page_factory(PHONE)
    log_in_as(silenced, sid)
    silenced.goto(f"/posts/{post.id}")
    expect(silenced.locator("#comment-form")).to_contain_text("You cannot write comments while your account is "
                                                               "silenced")
    notice = silenced.locator("#silenced-notice")
    expect(notice).to_contain_text("Werbung für den eigenen Laden in jedem Kommentar.")
    expect(notice).to_contain_text("silenced your account until")
    expect(silenced.get_by_role("button", name="Publish comment")).to_have_count(0)
    silenced.locator("#comment-form").get_by_role("link", name="why, and until when").click()
    check(silenced, "04-silenced-on-a-discussion")
