"""The feed and a threaded discussion in a real Chromium, at a phone and a desktop width.

A visitor reads the empty feed; an alumnus starts a discussion; two other alumni reply three levels
deep; one deletes their middle comment; a third alumnus reports the top comment and a volunteer hides
it from the moderation queue; a visitor sees both placeholders with the reply still in place; and the
permalink of the deepest reply, opened in a fresh page, scrolls past a long thread and highlights it.

Comments are shown in the order of their materialised path (ids from the top), so only comments
written *before* the journey's replies can sit above them: the long thread (written through the
comment service, not the UI) is seeded right after the discussion is published.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models.user import Role
from tests.e2e.conftest import VIEWPORTS, log_in_as, site_menu

pytestmark = pytest.mark.e2e

TITLE = "Reunion 2025: where shall we meet?"
BODY = "We have **three** options:\n\n- the old canteen\n- the lake\n- online\n\nWhat do you think?"
FIRST = "The lake, definitely. We could rent the boathouse."
SECOND = "The boathouse is closed in June, I asked last year."
THIRD = "Then the canteen, and a walk to the lake afterwards?"
LONG_THREAD = 60

DELETED = "This comment was deleted by its author."
HIDDEN = "This comment was hidden by the moderators."


def flash(page):
    return page.locator(".flashes")


def comment(page, comment_id: int):
    return page.locator(f"#c{comment_id}")


def own_part(page, comment_id: int, part: str):
    """A comment's own body or actions, not those of the replies nested inside it."""
    return page.locator(f"#c{comment_id} > details > .{part}")


def comment_id_from(page) -> int:
    match = re.search(r"#c(\d+)$", page.url)
    assert match, f"expected a comment fragment in {page.url}"
    return int(match.group(1))


def is_target(page, comment_id: int) -> bool:
    return page.locator(f"#c{comment_id}").evaluate("el => el.matches(':target')")


def seed_long_thread(app, post_id: int, author_id: int, count: int) -> None:
    """`count` top-level comments through the comment service, in one transaction."""
    from app.extensions import db
    from app.models.post import Post
    from app.models.user import User
    from app.services.comments import add_comment

    with app.app_context():
        post, author = db.session.get(Post, post_id), db.session.get(User, author_id)
        for number in range(1, count + 1):
            add_comment(author, post, f"Earlier comment number {number}: a line of small talk.")
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_discussion_replies_delete_report_hide_and_permalink(viewport_name, app, make_user, page_factory,
                                                             live_server, axe_check, screenshot_dir):
    viewport = VIEWPORTS[viewport_name]
    starter = make_user(Role.ALUMNUS, name="Ada Starter")
    ben = make_user(Role.ALUMNUS, name="Ben Replier")
    cleo = make_user(Role.ALUMNUS, name="Cleo Replier")
    dan = make_user(Role.ALUMNUS, name="Dan Reporter")
    chatty = make_user(Role.MEMBER, name="Chatty Early")  # more comments in a day than a new account may write
    vera = make_user(Role.VOLUNTEER, name="Vera Volunteer")

    # Accessibility and looks are checked as the journey goes but reported at the end, so that one
    # such bug does not hide whether the rest of the journey works.
    deferred: list[str] = []

    def accessible(page, label: str) -> None:
        try:
            axe_check(page, label)
        except AssertionError as error:
            deferred.append(str(error).split("\nassert ")[0])

    def looks(condition: bool, problem: str) -> None:
        if not condition:
            deferred.append(problem)

    def shot(page, step: str, full_page: bool = True) -> None:
        page.screenshot(path=str(screenshot_dir / f"feed-{viewport_name}-{step}.png"), full_page=full_page)

    # A visitor finds an empty feed, with no way to post.
    visitor = page_factory(viewport)
    visitor.goto("/")
    expect(visitor.get_by_role("heading", level=2, name="News & discussions")).to_be_visible()
    expect(visitor.locator(".empty-state")).to_contain_text("Nothing has been posted here yet.")
    expect(visitor.get_by_role("link", name="Start a discussion")).to_have_count(0)
    accessible(visitor, "empty feed")

    # An alumnus starts a discussion from the feed.
    author_page = page_factory(viewport)
    log_in_as(author_page, starter)
    expect(author_page).to_have_url(f"{live_server}/")
    author_page.get_by_role("link", name="Start a discussion", exact=True).click()
    expect(author_page).to_have_url(f"{live_server}/posts/new")
    expect(author_page.get_by_role("heading", level=1)).to_have_text("Start a discussion")
    expect(author_page.get_by_text("Who can read it?")).to_have_count(0)  # members only
    author_page.get_by_label("Title", exact=True).fill(TITLE)
    author_page.get_by_label("Text", exact=True).fill(BODY)
    author_page.get_by_role("button", name="Publish").click()
    expect(author_page).to_have_url(re.compile(rf"^{re.escape(live_server)}/posts/\d+$"))
    post_id = int(author_page.url.rsplit("/", 1)[1])
    post_url = f"/posts/{post_id}"
    expect(author_page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(author_page.locator("article.post .prose strong")).to_have_text("three")
    expect(author_page.locator("article.post .prose li")).to_have_count(3)
    expect(author_page.locator(".comments p.empty")).to_have_text("No comments yet.")

    # The visitor now reads a feed with the discussion in it, and opens it.
    visitor.reload()
    entry = visitor.locator("article.entry")
    expect(entry).to_have_count(1)
    expect(entry.get_by_role("heading", level=3)).to_have_text(TITLE)
    expect(entry.locator(".meta")).to_contain_text("by Ada Starter")
    expect(entry.locator(".stats")).to_contain_text("0 comments")
    accessible(visitor, "feed with a post")
    shot(visitor, "01-feed")
    entry.get_by_role("link", name=TITLE).click()
    expect(visitor).to_have_url(f"{live_server}{post_url}")
    expect(visitor.locator(".comments .notice")).to_contain_text("to join the conversation.")
    expect(visitor.get_by_label("Your comment")).to_have_count(0)

    # A long thread grows before the journey's replies (so it sits above them); all of it in one slice here
    # (slices of long threads have their own journey, test_long_thread_journey.py).
    seed_long_thread(app, post_id, chatty.id, LONG_THREAD)
    with app.app_context():
        from app.services import settings

        settings.save(None, {"thread_page_size": LONG_THREAD + 10})
        db.session.commit()

    # Ben comments on the post.
    ben_page = page_factory(viewport)
    log_in_as(ben_page, ben, through_form=False)
    ben_page.goto(post_url)
    ben_page.get_by_label("Your comment").fill(FIRST)
    ben_page.get_by_role("button", name="Publish comment").click()
    expect(ben_page).to_have_url(re.compile(rf"{post_url}#c\d+$"))
    first_id = comment_id_from(ben_page)
    expect(own_part(ben_page, first_id, "comment-body")).to_have_text(FIRST)
    expect(comment(ben_page, first_id).locator("> details > summary .author")).to_have_text("Ben Replier")
    assert is_target(ben_page, first_id)

    # Cleo replies to Ben's comment.
    cleo_page = page_factory(viewport)
    log_in_as(cleo_page, cleo, through_form=False)
    cleo_page.goto(post_url)
    own_part(cleo_page, first_id, "comment-actions").get_by_role("link", name="Reply").click()
    expect(cleo_page).to_have_url(f"{live_server}/comments/{first_id}/reply")
    expect(cleo_page.get_by_role("heading", level=1)).to_have_text("Reply to Ben Replier")
    expect(cleo_page.locator(".quoted-comment")).to_contain_text(FIRST)
    cleo_page.get_by_label("Your comment").fill(SECOND)
    cleo_page.get_by_role("button", name="Publish reply").click()
    expect(cleo_page).to_have_url(re.compile(rf"{post_url}#c\d+$"))
    second_id = comment_id_from(cleo_page)
    expect(cleo_page.locator(f"#c{first_id} > details > .replies > #c{second_id}")).to_have_class(
        re.compile(r"\blevel-1\b"))
    expect(own_part(cleo_page, second_id, "comment-body")).to_have_text(SECOND)

    # Ben answers Cleo's reply: three levels deep.
    ben_page.goto(post_url)
    own_part(ben_page, second_id, "comment-actions").get_by_role("link", name="Reply").click()
    expect(ben_page.get_by_role("heading", level=1)).to_have_text("Reply to Cleo Replier")
    ben_page.get_by_label("Your comment").fill(THIRD)
    ben_page.get_by_role("button", name="Publish reply").click()
    expect(ben_page).to_have_url(re.compile(rf"{post_url}#c\d+$"))
    third_id = comment_id_from(ben_page)
    expect(ben_page.locator(f"#c{second_id} > details > .replies > #c{third_id}")).to_have_class(
        re.compile(r"\blevel-2\b"))
    expect(own_part(ben_page, third_id, "comment-body")).to_have_text(THIRD)
    expect(comment(ben_page, first_id).locator("> details > summary .reply-count")).to_have_text("1 reply")
    accessible(ben_page, "post page, logged in, with a thread")
    shot(ben_page, "02-thread-logged-in", full_page=False)

    # Cleo deletes her reply: a placeholder keeps Ben's answer in place.
    cleo_page.goto(post_url)
    own_part(cleo_page, second_id, "comment-actions").get_by_role("link", name="Delete").click()
    expect(cleo_page).to_have_url(f"{live_server}/comments/{second_id}/delete")
    expect(cleo_page.get_by_role("heading", level=1)).to_have_text("Delete this comment?")
    expect(cleo_page.locator(".quoted-comment")).to_contain_text(SECOND)
    cleo_page.get_by_role("button", name="Delete comment").click()
    expect(cleo_page).to_have_url(f"{live_server}{post_url}#c{second_id}")
    expect(flash(cleo_page)).to_contain_text("Your comment is deleted.")
    expect(own_part(cleo_page, second_id, "comment-body")).to_have_text(DELETED)
    expect(own_part(cleo_page, second_id, "comment-actions")).to_have_count(0)
    expect(comment(cleo_page, second_id).locator("> details > summary .author")).to_have_text("Removed")
    expect(cleo_page.locator(f"#c{second_id} #c{third_id}")).to_contain_text(THIRD)
    expect(cleo_page.locator("body")).not_to_contain_text(SECOND)

    # Dan reports Ben's first comment.
    dan_page = page_factory(viewport)
    log_in_as(dan_page, dan, through_form=False)
    dan_page.goto(post_url)
    own_part(dan_page, first_id, "comment-actions").get_by_role("link", name="Report").click()
    expect(dan_page).to_have_url(f"{live_server}/comments/{first_id}/report")
    expect(dan_page.get_by_role("heading", level=1)).to_have_text("Report a comment")
    dan_page.get_by_label("Insulting, hateful or harassing").check()
    dan_page.get_by_role("button", name="Send report").click()
    expect(dan_page).to_have_url(f"{live_server}{post_url}#c{first_id}")
    expect(flash(dan_page)).to_contain_text("Thank you. The moderators will look at it.")

    # A volunteer sees the report in the moderation queue and hides the comment.
    vera_page = page_factory(viewport)
    log_in_as(vera_page, vera, through_form=False)
    vera_page.goto("/")
    moderation_link = site_menu(vera_page).get_by_role("link", name=re.compile("^Moderation"))
    expect(moderation_link).to_contain_text("1")
    moderation_link.click()
    expect(vera_page).to_have_url(f"{live_server}/moderation/")
    reports = vera_page.locator("section[aria-labelledby='queue-heading'] .queue > li")
    expect(reports).to_have_count(1)
    expect(reports).to_contain_text("Insulting, hateful or harassing")
    expect(reports).to_contain_text("reported by Dan Reporter")
    expect(reports).to_contain_text(FIRST)
    shot(vera_page, "03-moderation-queue")
    reports.get_by_role("button", name="Hide it").click()
    expect(flash(vera_page)).to_contain_text("Done: 1 item.")
    expect(vera_page.get_by_text("Nothing is waiting for a decision.")).to_be_visible()

    # A visitor sees both placeholders; the deepest reply is still there.
    visitor.goto(post_url)
    expect(own_part(visitor, first_id, "comment-body")).to_have_text(HIDDEN)
    expect(own_part(visitor, second_id, "comment-body")).to_have_text(DELETED)
    expect(own_part(visitor, third_id, "comment-body")).to_have_text(THIRD)
    expect(visitor.locator(f"#c{first_id} #c{second_id} #c{third_id}")).to_have_count(1)
    expect(visitor.locator("main")).not_to_contain_text(FIRST)
    expect(visitor.locator("article.comment")).to_have_count(LONG_THREAD + 3)
    expect(visitor.locator("#comments-heading")).to_have_text(f"{LONG_THREAD + 1} comments")
    accessible(visitor, "post page as a visitor, with placeholders")
    shot(visitor, "04-post-visitor-top", full_page=False)
    shot(visitor, "04-post-visitor-full")
    comment(visitor, first_id).screenshot(path=str(screenshot_dir / f"feed-{viewport_name}-05-thread-visitor.png"))

    # A live reply inside removed comments looks like any other live comment (only the removed
    # comment's own "Removed" label is set apart).
    author_style = "el => { const s = getComputedStyle(el); return [s.fontStyle, s.fontWeight]; }"
    live_author = visitor.locator(".comment:not(.removed) > details > summary .author").first.evaluate(author_style)
    nested_author = comment(visitor, third_id).locator("> details > summary .author").evaluate(author_style)
    looks(nested_author == live_author,
          f"the author of a live reply inside a removed comment is styled {nested_author}, other authors {live_author}")

    # The permalink of the deepest reply, in a fresh page: scrolled into view and highlighted.
    fresh = page_factory(viewport)
    fresh.goto(f"/comments/{third_id}")
    expect(fresh).to_have_url(f"{live_server}{post_url}#c{third_id}")
    deepest = comment(fresh, third_id)
    expect(deepest).to_be_in_viewport()
    assert is_target(fresh, third_id)
    assert fresh.evaluate("window.scrollY") > viewport["height"], "the long thread should be above"
    box = deepest.bounding_box()
    assert box is not None
    assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"], box
    assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"], box
    highlight = fresh.locator(f"#c{third_id} > details").evaluate("el => getComputedStyle(el).outlineStyle")
    assert highlight == "solid"
    shot(fresh, "06-permalink", full_page=False)

    assert not deferred, "\n".join(deferred)
