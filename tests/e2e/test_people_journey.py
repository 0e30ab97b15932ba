"""People in a real Chromium, at a phone and a desktop width: a member follows a commenter's profile link to
their page (face, bio, activity), then downloads their own data and deletes their account; axe clean."""

from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models.user import Role, User
from tests.conftest import DEFAULT_PASSWORD
from tests.e2e.conftest import VIEWPORTS, assert_accessible, assert_fits_viewport, log_in_as

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_a_profile_from_a_comment_then_my_data_and_goodbye(viewport_name, app, make_user, make_post, add_comment,
                                                            page_factory):
    writer = make_user(Role.ALUMNUS, name="Paula Profil")
    with app.app_context():
        person = db.session.get(User, writer.id)
        person.bio, handle = "Alumna 2012, jetzt in Leipzig.", person.handle
        db.session.commit()
    post = make_post(writer, title="Wer kommt zum Sommerfest?")
    add_comment(writer, post, "Ich bringe Kuchen mit.")
    reader = make_user(Role.MEMBER, name="Rolf Leser")
    page = page_factory(VIEWPORTS[viewport_name])
    log_in_as(page, reader)
    page.goto(f"/posts/{post.id}")
    page.locator("article.comment").get_by_role("link", name=f"@{handle}").click()
    expect(page.get_by_role("heading", name="Paula Profil")).to_be_visible()
    expect(page.get_by_text("Alumna 2012, jetzt in Leipzig.")).to_be_visible()
    expect(page.get_by_role("link", name="Wer kommt zum Sommerfest?", exact=True)).to_be_visible()
    assert_fits_viewport(page, f"profile ({viewport_name})")
    assert_accessible(page, f"profile ({viewport_name})")

    page.goto("/account/data")
    page.get_by_label("Current password").fill(DEFAULT_PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert "account.json" in archive.namelist() and "README.txt" in archive.namelist()

    page.goto("/account/delete")
    assert_accessible(page, f"delete account ({viewport_name})")
    page.get_by_label("Current password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator(".flashes")).to_contain_text("will be deleted in 7 days")
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()  # logged out
