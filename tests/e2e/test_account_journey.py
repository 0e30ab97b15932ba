"""A visitor's account journey in a real Chromium: register, confirm by mail, log in, look at the
account, log out, reset a forgotten password by mail; at a phone and a desktop width."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import VIEWPORTS, on_live_server, site_menu

pytestmark = pytest.mark.e2e

PASSWORD = "violet kettle harbour 42"
NEW_PASSWORD = "amber lantern meadow 77"
WRONG_LOGIN = "Email address or password is not correct."


def header(page):
    return page.locator("header.site-header")


def flash(page):
    return page.locator(".flashes")


def log_in(page, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    site_menu(page).get_by_role("button", name="Log out").click()
    expect(flash(page)).to_contain_text("You are logged out.")
    expect(header(page).get_by_role("link", name="Log in").first).to_be_visible()  # phones: also in the menu


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_register_confirm_log_in_and_reset_password(viewport_name, page_factory, live_server, mailbox,
                                                    browser_problems, axe_check, screenshot_dir):
    page = page_factory(VIEWPORTS[viewport_name])
    email = f"journey-{viewport_name}-{uuid.uuid4().hex[:8]}@example.org"
    name = f"Grace {viewport_name.title()}"

    def shot(step: str) -> None:
        page.screenshot(path=str(screenshot_dir / f"journey-{viewport_name}-{step}.png"), full_page=True)

    # A visitor arrives on the home page.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Alumni Commons")
    axe_check(page, "home page")
    shot("01-home")

    # Register through the header link.
    site_menu(page).get_by_role("link", name="Register", exact=True).click()
    expect(page).to_have_url(f"{live_server}/auth/register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_label("I have read the community guidelines and the privacy policy.").check()
    shot("02-register-filled")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{live_server}/auth/check-email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    shot("03-check-inbox")

    # The mailed link only shows a button; pressing it confirms the address.
    verify_link = on_live_server(mailbox.last_link(email, "/auth/verify/"), live_server)
    page.goto(verify_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    page.get_by_role("button", name="Confirm email address").click()
    expect(page).to_have_url(f"{live_server}/auth/login")
    expect(flash(page)).to_contain_text("Thank you, your email address is confirmed.")

    # Log in.
    log_in(page, email, PASSWORD)
    expect(page).to_have_url(f"{live_server}/")
    expect(flash(page)).to_contain_text(f"Welcome back, {name}!")
    expect(header(page).get_by_role("link", name="Register", exact=True)).to_have_count(0)

    # My account shows the confirmed address.
    site_menu(page).get_by_role("link", name="My account").click()
    expect(page).to_have_url(f"{live_server}/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(email)
    expect(facts.locator(".badge.ok")).to_have_text("confirmed")
    expect(page.get_by_label("Display name")).to_have_value(name)
    axe_check(page, "My account")
    shot("04-my-account")

    log_out(page)

    # Forgot the password: ask for a link from the login page.
    header(page).get_by_role("link", name="Log in").first.click()
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url(f"{live_server}/auth/reset")
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send link").click()
    expect(page).to_have_url(f"{live_server}/auth/login")
    expect(flash(page)).to_contain_text("If an account exists for this address, we have sent it a link")

    mailbox.wait_for(email, count=2)  # the verification mail, then the reset mail
    reset_link = on_live_server(mailbox.last_link(email, "/auth/reset/"), live_server)
    page.goto(reset_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat new password").fill(NEW_PASSWORD)
    shot("05-new-password")
    page.get_by_role("button", name="Save new password").click()
    expect(page).to_have_url(f"{live_server}/auth/login")
    expect(flash(page)).to_contain_text("Your password has been changed. Please log in with the new password.")

    # The new password works...
    log_in(page, email, NEW_PASSWORD)
    expect(page).to_have_url(f"{live_server}/")
    expect(flash(page)).to_contain_text(f"Welcome back, {name}!")
    expect(header(page).locator("a.bell")).to_be_visible()  # signed in (the bell is in the header at any width)
    log_out(page)

    # ...and the old one no longer does (the app answers a rejected login with 400).
    page.goto("/auth/login")
    with browser_problems.expect_console_error(r"status of 400"):
        log_in(page, email, PASSWORD)
        expect(page.get_by_role("alert")).to_contain_text(WRONG_LOGIN)
    expect(page).to_have_url(f"{live_server}/auth/login")
    expect(header(page).locator("a.bell")).to_have_count(0)  # not signed in
    shot("06-old-password-rejected")


@pytest.mark.parametrize("path, heading", [
    ("/auth/login", "Log in"),
    ("/auth/register", "Register"),
    ("/auth/reset", "Forgot your password?"),
])
def test_auth_pages_have_no_serious_accessibility_violations(page, path, heading, axe_check):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    axe_check(page, path)


def test_keyboard_users_get_a_skip_link_first(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_text("Skip to content")
    expect(skip_link).to_be_in_viewport()  # hidden off-screen until focused, then shown

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_site_has_a_favicon(page):
    page.goto("/")
    icon = page.locator("link[rel~='icon']")
    href = icon.first.get_attribute("href") if icon.count() else "/favicon.ico"
    if not href.startswith("data:"):
        # The browser fetches the declared icon, or /favicon.ico when none is declared.
        response = page.request.get(href)
        assert response.status == 200, f"{href} answered {response.status}"


@pytest.mark.parametrize("path", ["/", "/auth/register"])
def test_content_column_lines_up_with_header_at_desktop_width(page, path):
    page.goto(path)
    header_box = page.locator("header .wrap").bounding_box()
    main_box = page.locator("main#main").bounding_box()
    assert main_box["x"] == header_box["x"] and main_box["width"] == header_box["width"], (header_box, main_box)
