"""Watched words in a real Chromium at a phone's width: a volunteer puts two words on the list and tries a text
against the rules; a new account's comment with the blocked word is refused with the text kept and the reason at
the field; its insult is held, the newcomer is told why, nobody else sees it, and the volunteer finds the reason in
the queue and approves it. axe on every page, nothing scrolls sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.models.user import Role
from tests.e2e.conftest import PHONE, assert_fits_viewport, log_in_as

pytestmark = pytest.mark.e2e

BLOCKED = "Ich sag's dir ehrlich: du bist ein K4nake, und das bleibt so."
HELD = "Was für eine Schl@mpe, wirklich."


def test_a_new_account_s_insult_is_held_and_a_blocked_word_keeps_the_text(app, make_user, make_post, page_factory,
                                                                           live_server, axe_check, browser_problems,
                                                                           screenshot_dir):
    with app.app_context():  # the moderators' notes come in the site's language
        from app.extensions import db
        from app.services import settings

        settings.save(None, {"default_locale": "en"})
        db.session.commit()
    volunteer = make_user(Role.VOLUNTEER, name="Vera Volunteer")
    newcomer = make_user(Role.ALUMNUS, name="Nico Newcomer")
    post = make_post(title="Sommerfest: wer hilft?", body="Wir suchen noch Leute.")

    def checked(page, label: str) -> None:
        axe_check(page, label)
        assert_fits_viewport(page, label)

    # The volunteer puts two words on the list.
    moderator = page_factory(PHONE)
    log_in_as(moderator, volunteer)
    moderator.goto("/moderation/")
    moderator.get_by_role("link", name="Watched words").click()
    expect(moderator).to_have_url(f"{live_server}/moderation/words")
    expect(moderator.locator("p.empty")).to_have_text("The list is empty.")
    checked(moderator, "empty list of watched words")
    for word, action in (("Kanake", "Block"), ("Schlampe", "Hold for approval")):
        moderator.get_by_label("Words or phrases, one per line").fill(word)
        moderator.get_by_label("Whole word or phrase").check()
        moderator.get_by_label(action, exact=True).check()
        moderator.get_by_role("button", name="Add", exact=True).click()
        expect(moderator.locator(".flashes")).to_contain_text("1 entry added.")
    expect(moderator.locator("ul.word-list > li")).to_have_count(2)
    checked(moderator, "list of watched words")

    # ... and tries a text against the rules.
    moderator.get_by_label("Text to test").fill("Du Schl4mpe!")
    moderator.get_by_role("button", name="Test").click()
    result = moderator.locator(".trial-result")
    expect(result).to_contain_text("A new account’s comment would be held for approval.")
    expect(result).to_contain_text("“Schl4mpe” matches “Schlampe”")
    checked(moderator, "a text tried against the rules")
    moderator.screenshot(path=str(screenshot_dir / "watched-words-phone-01-list.png"), full_page=True)

    # A new account writes the blocked word: refused, the text stays, the reason is at the field.
    writer = page_factory(PHONE)
    log_in_as(writer, newcomer)
    writer.goto(f"/posts/{post.id}")
    writer.get_by_label("Your comment").fill(BLOCKED)
    with browser_problems.expect_console_error(r"status of 400"):
        writer.get_by_role("button", name="Publish comment").click()
        box = writer.get_by_label("Your comment")
        expect(box).to_have_value(BLOCKED)
    expect(box).to_have_attribute("aria-invalid", "true")
    error = writer.locator("#body-error")
    expect(error).to_contain_text("“K****e” is not allowed here: our community guidelines rule out insults")
    expect(box).to_have_attribute("aria-describedby", re.compile(r"\bbody-error\b"))
    checked(writer, "a refused comment")
    writer.screenshot(path=str(screenshot_dir / "watched-words-phone-02-refused.png"), full_page=True)

    # The insult is held, and the newcomer is told why.
    box.fill(HELD)
    writer.get_by_role("button", name="Publish comment").click()
    expect(writer.locator(".flashes")).to_contain_text(
        "Your comment is held for review: It contains words our moderators look at before they are shown.")
    checked(writer, "a held comment")
    visitor = page_factory(PHONE)
    visitor.goto(f"/posts/{post.id}")
    expect(visitor.get_by_text("Was für eine")).to_have_count(0)

    # The volunteer finds it in the queue with the reason, and approves it.
    moderator.goto("/moderation/")
    held = moderator.locator("li.case").filter(has_text="Nico Newcomer")
    expect(held).to_contain_text("Held comment by Nico Newcomer")
    expect(held).to_contain_text("Watched word — found when it was written")
    expect(held).to_contain_text("Text: “Schl@mpe” (watched: “Schlampe”)")
    checked(moderator, "the queue with a held comment")
    moderator.screenshot(path=str(screenshot_dir / "watched-words-phone-03-queue.png"), full_page=True)
    held.get_by_role("button", name="Approve").click()
    expect(moderator.locator(".flashes")).to_contain_text("Done")
    visitor.reload()
    expect(visitor.get_by_text("Was für eine Schl@mpe, wirklich.")).to_be_visible()
