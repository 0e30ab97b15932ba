"""A fresh install in a real Chromium, at a phone and a desktop width: the operator's link creates the first
admin, the setup makes the site the association's own (name, logo, a colour that had to be darkened, imprint,
privacy policy, guidelines), and the banner about missing legal pages goes away. Axe clean on every step, also
with the chosen colour."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from app import site
from app.services import branding
from tests.conftest import DEFAULT_PASSWORD
from tests.e2e.conftest import VIEWPORTS, assert_accessible, assert_fits_viewport, on_live_server

pytestmark = pytest.mark.e2e


def _rgb(hex_colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)))


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_from_an_empty_database_to_the_associations_own_site(viewport_name, app, live_server, page_factory,
                                                             tmp_path):
    output = app.test_cli_runner().invoke(args=["setup-link"]).output
    link = re.search(r"https?://\S+/auth/first-admin/\S+", output).group(0)
    logo = tmp_path / "logo.png"
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    image.paste((20, 90, 60, 255), (0, 0, 200, 200))
    image.save(logo)

    page = page_factory(VIEWPORTS[viewport_name])
    page.goto(on_live_server(link, live_server))
    assert_accessible(page, f"first admin ({viewport_name})")
    page.get_by_label("Display name").fill("Vera Vorstand")
    page.get_by_label("Email address").fill("vera@example.org")
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_label("Repeat password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Create admin account").click()

    # 1. The association
    expect(page.get_by_role("heading", name="Your association")).to_be_visible()
    expect(page.get_by_text("The imprint and the privacy policy are not written yet")).to_be_visible()
    assert_accessible(page, f"setup: association ({viewport_name})")
    assert_fits_viewport(page, f"setup: association ({viewport_name})")
    page.get_by_label("Name of the association").fill("Nachbarschaftszentrum Lindenhof")
    page.get_by_label("A short description, one line").fill("Gemeinsam im Veedel")
    page.get_by_role("button", name="Save and continue").click()

    # 2. Logo and a colour too light for text: it is darkened, and the admin is told.
    expect(page.get_by_role("heading", name="Logo and colour", exact=True)).to_be_visible()
    page.get_by_label("Logo (PNG, JPEG or WebP)").set_input_files(str(logo))
    page.get_by_label("Main colour").fill("#ffcc00")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".flashes")).to_contain_text("#ffcc00 is too light")
    with app.app_context():
        site.forget()
        chosen = site.get("accent_color")
    assert branding.worst_contrast(chosen) >= 4.5
    header_logo = page.locator("header .brand-logo")
    expect(header_logo).to_be_visible()
    expect(page.locator("header .brand")).to_contain_text("Nachbarschaftszentrum Lindenhof")
    button = page.get_by_role("button", name="Save and continue")
    assert button.evaluate("element => getComputedStyle(element).backgroundColor") == _rgb(chosen)
    assert_accessible(page, f"setup: access, with the chosen colour ({viewport_name})")

    # 3. Who may join: skipped (open registration stays).
    page.get_by_role("button", name="Skip this step").click()

    # 4. Imprint
    expect(page.get_by_role("heading", name="Imprint", exact=True)).to_be_visible()
    page.get_by_label("Name and legal form").fill("Nachbarschaftszentrum Lindenhof e. V.")
    page.get_by_label("Postal address").fill("Lindenstraße 4\n50674 Köln")
    page.get_by_label("Represented by").fill("Vera Vorstand (Vorsitzende)")
    page.get_by_role("button", name="Save and continue").click()

    # 5. Privacy policy, generated, naming the association
    expect(page.get_by_role("heading", name="Privacy policy", exact=True)).to_be_visible()
    expect(page.locator(".generated-policy")).to_contain_text("Nachbarschaftszentrum Lindenhof e. V.")
    assert_accessible(page, f"setup: privacy ({viewport_name})")
    page.get_by_role("button", name="Save and continue").click()

    # 6. Guidelines, from the default against hate speech
    expect(page.get_by_label("Community guidelines in English (Markdown)")).to_contain_text("No hate speech")
    page.get_by_role("button", name="Save and finish").click()

    expect(page.locator(".flashes")).to_contain_text("Your site is set up")
    expect(page.get_by_text("not written yet")).to_have_count(0)
    assert_accessible(page, f"home, branded ({viewport_name})")
    assert_fits_viewport(page, f"home, branded ({viewport_name})")
    page.get_by_role("link", name="Imprint").click()
    expect(page.get_by_text("Lindenstraße 4")).to_be_visible()
    icon = page.request.get(page.locator("link[rel=apple-touch-icon]").get_attribute("href"))
    assert Image.open(io.BytesIO(icon.body())).size == (180, 180)
