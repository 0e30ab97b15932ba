"""Notifications in a real Chromium, at a phone and a desktop width: the bell, mail settings with
double opt-in, a daily digest and unsubscribing with one click.

Ada follows a discussion someone else started; Ben replies to Ada's comment through the UI; Ada
sees the unread count on the bell, opens her notifications and lands on Ben's reply. She then asks
for a daily digest of replies, confirms by the mailed link, Ben replies again, and the digest is
composed by `flask send-digests --period daily` (in-process). The digest reaches the loopback SMTP
server with an HTML and a text part and RFC 8058 headers; a logged-out browser unsubscribes through
the mail's link, and a mail program's one-click POST to the header's URL is answered too.

Mail preferences start their cursor when they are saved, so only the second reply (written after
saving) is in the digest.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.models.user import Role
from tests.e2e.conftest import VIEWPORTS, assert_fits_viewport, log_in_as, on_live_server

pytestmark = pytest.mark.e2e

TITLE = "Class of 2010: a book of memories?"
BODY = "Shall we collect **stories** from our years at the faculty and print a small book?"
ADA_COMMENT = "Yes! I still have photos of the summer party in the old canteen."
FIRST_REPLY = "Please bring them to the reunion, I would love to see them."
SECOND_REPLY = "I found mine too: the boathouse, 2009. Shall we scan them together?"
REPLIES_LABEL = "Replies to my comments and mentions of me"


def comment_id_from(page) -> int:
    match = re.search(r"#c(\d+)$", page.url)
    assert match, f"expected a comment fragment in {page.url}"
    return int(match.group(1))


def is_target(page, comment_id: int) -> bool:
    return page.locator(f"#c{comment_id}").evaluate("el => el.matches(':target')")


def reply_to(page, live_server: str, post_url: str, parent_id: int, text: str) -> int:
    """Reply to a comment through the post page's "Reply" link; returns the new comment's id."""
    page.goto(post_url)
    page.locator(f"#c{parent_id} > details > .comment-actions").get_by_role("link", name="Reply").click()
    expect(page).to_have_url(f"{live_server}/comments/{parent_id}/reply")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply to Ada Follower")
    page.get_by_label("Your comment").fill(text)
    page.get_by_role("button", name="Publish reply").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(post_url)}#c\d+$"))
    return comment_id_from(page)


def unsubscribe_link_in_text(body: str) -> str:
    match = re.search(r"Unsubscribe from these mails:\s*(https?://\S+)", body)
    assert match, f"no visible unsubscribe link in the digest's text part:\n{body}"
    return match.group(1)


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_follow_bell_digest_and_one_click_unsubscribe(viewport_name, app, make_user, make_post, add_comment,
                                                      mailbox, page_factory, live_server, axe_check,
                                                      screenshot_dir):
    viewport = VIEWPORTS[viewport_name]
    starter = make_user(Role.ALUMNUS, name="Sam Starter")
    ada = make_user(Role.ALUMNUS, name="Ada Follower")
    ben = make_user(Role.ALUMNUS, name="Ben Replier")
    post = make_post(starter, title=TITLE, body=BODY)
    post_url = f"/posts/{post.id}"

    # Accessibility and layout are checked as the journey goes but reported at the end, so that one
    # such bug does not hide whether the rest of the journey works.
    deferred: list[str] = []

    def accessible(page, label: str) -> None:
        try:
            axe_check(page, label)
        except AssertionError as error:
            deferred.append(str(error).split("\nassert ")[0])

    def fits(page, label: str) -> None:
        try:
            assert_fits_viewport(page, label)
        except AssertionError as error:
            deferred.append(str(error).split("\nassert ")[0])

    def shot(page, step: str, full_page: bool = True) -> None:
        page.screenshot(path=str(screenshot_dir / f"notifications-{viewport_name}-{step}.png"), full_page=full_page)

    # Ada opens the discussion and follows it.
    ada_page = page_factory(viewport)
    log_in_as(ada_page, ada)
    ada_page.goto(post_url)
    expect(ada_page.get_by_role("heading", level=1)).to_have_text(TITLE)
    follow = ada_page.locator("#post-reactions").get_by_role("button", name="Follow", exact=True)
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    expect(ada_page).to_have_url(f"{live_server}{post_url}")
    expect(ada_page.locator(".flashes")).to_contain_text("You are following it now.")
    following = ada_page.locator("#post-reactions").get_by_role("button", name="Following", exact=True)
    expect(following).to_have_attribute("aria-pressed", "true")
    bell = ada_page.locator("header.site-header a.bell")
    expect(bell.locator(".badge")).to_have_count(0)

    # Ada has commented (through the service); Ben replies to her comment through the UI.
    ada_comment = add_comment(ada, post, ADA_COMMENT)
    ben_page = page_factory(viewport)
    log_in_as(ben_page, ben, through_form=False)
    first_reply = reply_to(ben_page, live_server, post_url, ada_comment, FIRST_REPLY)
    expect(ben_page.locator(f"#c{ada_comment} > details > .replies > #c{first_reply}")).to_contain_text(FIRST_REPLY)

    # Ada reloads: the bell counts one unread notification.
    ada_page.reload()
    expect(bell.locator(".badge.count")).to_have_text(re.compile(r"^\s*1\s+unread\s*$"))
    header = ada_page.locator("header.site-header")
    expect(header.get_by_role("link", name=re.compile(r"^Notifications 1 unread"))).to_be_visible()
    bell.click()
    expect(ada_page).to_have_url(f"{live_server}/notifications/")
    expect(ada_page.get_by_role("heading", level=1)).to_have_text("Notifications")
    items = ada_page.locator(".notification-list > li")
    expect(items).to_have_count(1)
    expect(items.first).to_have_class(re.compile(r"\bunread\b"))
    group = items.first.get_by_role("button", name=re.compile(r"new repl"))
    expect(group).to_have_text(re.compile(rf"1 new reply in {re.escape(TITLE)}"))
    expect(items.first.locator(".meta")).to_contain_text("Ben Replier")
    accessible(ada_page, "notifications page, one unread group")
    fits(ada_page, "notifications page")
    shot(ada_page, "01-list")

    # The group opens the discussion at Ben's reply, scrolled into view and highlighted.
    group.click()
    expect(ada_page).to_have_url(f"{live_server}{post_url}#c{first_reply}")
    reply = ada_page.locator(f"#c{first_reply}")
    expect(reply).to_be_in_viewport()
    assert is_target(ada_page, first_reply)
    expect(reply.locator("> details > .comment-body")).to_have_text(FIRST_REPLY)
    expect(bell.locator(".badge")).to_have_count(0)  # read now

    # Ada asks for a daily digest of replies: a confirmation mail is sent first (double opt-in).
    ada_page.goto("/notifications/")
    expect(items.first).to_have_class(re.compile(r"\bread\b"))
    ada_page.get_by_role("link", name="Notification settings").click()
    expect(ada_page).to_have_url(f"{live_server}/notifications/settings")
    expect(ada_page.get_by_role("heading", level=2, name="Notification settings")).to_be_visible()
    replies_select = ada_page.get_by_label(REPLIES_LABEL)
    expect(replies_select).to_have_value("off")
    consent_notice = ada_page.locator(".notice", has_text="Not confirmed yet")  # (push has a notice of its own)
    expect(consent_notice).to_be_visible()
    accessible(ada_page, "notification settings page")
    fits(ada_page, "notification settings page")
    replies_select.select_option(label="Daily digest")
    ada_page.get_by_role("button", name="Save", exact=True).click()
    expect(ada_page).to_have_url(f"{live_server}/notifications/settings")
    expect(ada_page.locator(".flashes")).to_contain_text("Please confirm by the link we have just mailed you")
    expect(replies_select).to_have_value("daily")

    consent = mailbox.wait_for(ada.email)[-1]
    assert "confirm your mail settings" in consent["Subject"].lower(), consent["Subject"]
    confirm_link = mailbox.last_link(ada.email, "/notifications/confirm/")
    ada_page.goto(on_live_server(confirm_link, live_server))
    expect(ada_page.get_by_role("heading", level=1)).to_have_text("Confirm your mail settings")
    ada_page.get_by_role("button", name="Yes, send me these mails").click()
    expect(ada_page).to_have_url(f"{live_server}/notifications/settings")
    expect(ada_page.locator(".flashes")).to_contain_text("Thank you, your mail settings are confirmed.")
    expect(consent_notice).to_have_count(0)
    expect(replies_select).to_have_value("daily")

    # Ben replies again, after Ada's choice was saved.
    second_reply = reply_to(ben_page, live_server, post_url, ada_comment, SECOND_REPLY)

    # The daily digests are composed (cron's job), here in-process.
    result = app.test_cli_runner().invoke(args=["send-digests", "--period", "daily"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "1 digests queued." in result.output, result.output

    digest = mailbox.wait_for(ada.email, count=2)[-1]
    assert "daily digest" in digest["Subject"].lower(), digest["Subject"]
    html = digest.get_body(preferencelist=("html",))
    text = digest.get_body(preferencelist=("plain",))
    assert html is not None and html.get_content_type() == "text/html", "the digest has no HTML part"
    assert text is not None and text.get_content_type() == "text/plain", "the digest has no text part"
    html_body, text_body = html.get_content(), text.get_content()
    for part, body in (("text", text_body), ("html", html_body)):
        assert SECOND_REPLY in body, f"Ben's second reply is missing in the digest's {part} part:\n{body}"
        assert FIRST_REPLY not in body, f"the digest's {part} part repeats the reply from before the choice"
        assert f"/comments/{second_reply}" in body, f"no link to the reply in the digest's {part} part"
    assert "Ben Replier" in text_body
    header = digest["List-Unsubscribe"]
    assert header, "the digest has no List-Unsubscribe header"
    header_match = re.fullmatch(r"\s*<(https?://[^>]+/notifications/unsubscribe/[^>]+)>\s*", str(header))
    assert header_match, f"List-Unsubscribe should be one <https URL>: {header!r}"
    assert str(digest["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    header_url = header_match.group(1)
    visible_link = unsubscribe_link_in_text(text_body)
    assert "/notifications/unsubscribe/" in visible_link
    assert f'href="{visible_link}"' in html_body, "the HTML part should carry the same unsubscribe link"

    # A logged-out browser (the mail program's link) unsubscribes with one button.
    reader = page_factory(viewport)
    reader.goto(on_live_server(visible_link, live_server))
    expect(reader.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    expect(reader.locator("main")).to_contain_text(REPLIES_LABEL)
    expect(reader.get_by_role("link", name="My account")).to_have_count(0)  # really logged out
    reader.get_by_role("button", name="Unsubscribe").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Unsubscribed")
    expect(reader.locator("main")).to_contain_text("You will get no more of these mails:")
    expect(reader.locator("main strong")).to_have_text(REPLIES_LABEL)
    accessible(reader, "unsubscribed page")

    # Ada's settings say so.
    ada_page.goto("/notifications/settings")
    expect(ada_page.get_by_label(REPLIES_LABEL)).to_have_value("off")
    expect(ada_page.get_by_label(REPLIES_LABEL).locator("option:checked")).to_have_text("Off")

    # RFC 8058: a mail program POSTs "List-Unsubscribe=One-Click" to the header's URL, no cookies, no CSRF.
    answer = reader.request.post(on_live_server(header_url, live_server), form={"List-Unsubscribe": "One-Click"},
                                 max_redirects=0)
    assert answer.status == 200, f"one-click unsubscribe answered {answer.status}: {answer.text()[:500]}"
    assert "Unsubscribed" in answer.text()
    ada_page.reload()
    expect(ada_page.get_by_label(REPLIES_LABEL)).to_have_value("off")

    # The digest is composed once per period: a second run sends nothing more.
    again = app.test_cli_runner().invoke(args=["send-digests", "--period", "daily"])
    assert again.exit_code == 0, (again.output, again.exception)
    assert "0 digests queued." in again.output, again.output
    assert len(mailbox.to(ada.email)) == 2

    assert not deferred, "\n".join(deferred)
