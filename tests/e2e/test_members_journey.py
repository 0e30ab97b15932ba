"""Becoming a member in a real Chromium: an alumnus applies, a volunteer approves and uploads a
document, the new member lists themselves in the directory, finds another member by city, opens
their profile and downloads the document; a visitor is sent to log in from every members-only URL.
At a phone and a desktop width."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models.membership import MemberProfile
from app.models.user import Role
from tests.e2e.conftest import VIEWPORTS, assert_fits_viewport, log_in_as

pytestmark = pytest.mark.e2e

APPLICANT = "Nadia Newcomer"
LISTED = "Paula Partner"
# A small but real PDF: header, one empty page, cross-reference table, trailer.
PDF = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
       b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
       b"xref\n0 4\n0000000000 65535 f \n0000000015 00000 n \n0000000060 00000 n \n0000000111 00000 n \n"
       b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n178\n%%EOF\n")


def flash(page):
    return page.locator(".flashes")


def sub_nav(page):
    return page.get_by_role("navigation", name="Members area")


@pytest.fixture
def listed_member(app, make_user):
    """A member who opted in to the directory, with a city and a programme."""
    member = make_user(Role.MEMBER, name=LISTED, locale="en")
    with app.app_context():
        db.session.add(MemberProfile(user_id=member.id, listed=True, city="Leipzig", programme="Physics", year=2004,
                                     employer="Fraunhofer"))
        db.session.commit()
    return member


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_apply_approve_directory_and_documents(viewport_name, page_factory, live_server, mailbox, make_user,
                                               listed_member, axe_check, screenshot_dir):
    viewport = VIEWPORTS[viewport_name]

    def shot(page, step: str) -> None:
        page.screenshot(path=str(screenshot_dir / f"members-{viewport_name}-{step}.png"), full_page=True)

    # ---- an alumnus applies
    alumnus = make_user(Role.ALUMNUS, name=APPLICANT, locale="en")
    applicant = page_factory(viewport)
    log_in_as(applicant, alumnus)
    applicant.goto("/members/apply")
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Apply for membership")
    applicant.get_by_label("Programme, or how you belong to the association").fill("Computer Science")
    applicant.get_by_label("Year").fill("2015")
    applicant.get_by_label("Message").fill("I organised the 2014 summer school.")
    applicant.get_by_role("button", name="Send application").click()
    expect(flash(applicant)).to_contain_text("Thank you! Your application is sent.")
    expect(applicant.get_by_text("is being reviewed")).to_be_visible()
    expect(applicant.get_by_role("button", name="Send application")).to_have_count(0)

    # ---- a volunteer accepts it, then uploads a document for members
    volunteer = page_factory(viewport)
    log_in_as(volunteer, make_user(Role.VOLUNTEER, name="Vera Volunteer", locale="en"), through_form=False)
    volunteer.goto("/members/applications")
    expect(volunteer.get_by_role("heading", name="Open applications")).to_be_visible()
    application = volunteer.locator("ul.queue > li", has_text=APPLICANT)
    expect(application).to_contain_text("Computer Science, 2015")
    expect(application).to_contain_text("I organised the 2014 summer school.")
    application.get_by_role("button", name=f"Accept {APPLICANT}").click()
    expect(flash(volunteer)).to_contain_text(f"{APPLICANT} is now a member.")
    expect(volunteer.get_by_text("No open applications.")).to_be_visible()
    subjects = [mail["Subject"] for mail in mailbox.wait_for(alumnus.email)]  # sent before the redirect
    assert any(subject.startswith("Welcome: you are now a member") for subject in subjects), subjects

    sub_nav(volunteer).get_by_role("link", name="Documents").click()
    expect(volunteer).to_have_url(f"{live_server}/members/documents")
    volunteer.get_by_label("Title").fill("Minutes of the general meeting")
    volunteer.get_by_label("Description").fill("Approved on 12 March.")
    volunteer.get_by_label("File").set_input_files(
        {"name": "minutes-2030.pdf", "mimeType": "application/pdf", "buffer": PDF})
    volunteer.get_by_role("button", name="Upload").click()
    expect(flash(volunteer)).to_contain_text("The document is uploaded.")
    expect(volunteer.get_by_role("link", name="Minutes of the general meeting")).to_be_visible()

    # ---- the new member enters the members area (same session: the new role applies at once)
    member = applicant
    member.locator("nav.main-nav").get_by_role("link", name=re.compile("^Members")).click()  # "Members" on phones
    expect(member).to_have_url(f"{live_server}/members/")
    expect(member.get_by_role("heading", level=1)).to_have_text("Members area")
    expect(member.get_by_text(f"Welcome, {APPLICANT}.")).to_be_visible()
    axe_check(member, "members home")
    assert_fits_viewport(member, "members home")

    # ---- ...lists themselves in the directory
    sub_nav(member).get_by_role("link", name="My directory entry").click()
    expect(member).to_have_url(f"{live_server}/members/directory/me")
    listed_box = member.get_by_label("List me in the member directory")
    expect(listed_box).not_to_be_checked()
    listed_box.check()
    member.get_by_label("City", exact=True).fill("Dresden")
    member.get_by_label("Programme", exact=True).fill("Computer Science")
    member.get_by_role("button", name="Save").click()
    expect(flash(member)).to_contain_text("Your directory entry is saved.")
    expect(member.get_by_label("List me in the member directory")).to_be_checked()
    expect(member.get_by_label("City", exact=True)).to_have_value("Dresden")
    axe_check(member, "edit profile")
    assert_fits_viewport(member, "edit profile")

    # ---- ...finds the other member by city and opens their profile
    sub_nav(member).get_by_role("link", name="Directory", exact=True).click()
    expect(member).to_have_url(f"{live_server}/members/directory")
    expect(member.get_by_role("heading", name="Member directory")).to_be_visible()
    cards = member.locator(".directory-grid article.profile-card")
    expect(cards).to_have_count(2)
    expect(member.get_by_text("You are not listed yet.")).to_have_count(0)
    shot(member, "01-directory")
    axe_check(member, "directory")
    assert_fits_viewport(member, "directory")

    search = member.locator("#main").get_by_role("search")  # the header has a search box too
    search.get_by_label("City").fill("leipzig")
    search.get_by_role("button", name="Search").click()
    expect(member).to_have_url(re.compile(r"/members/directory\?(.*&)?city=leipzig(&|$)"))
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text(LISTED)
    expect(cards).to_contain_text("Physics · 2004")
    expect(cards).to_contain_text("Leipzig")
    shot(member, "02-directory-search")
    cards.get_by_role("link", name=LISTED).click()
    expect(member).to_have_url(f"{live_server}/members/directory/{listed_member.id}")
    expect(member.get_by_role("heading", level=2)).to_have_text(LISTED)
    facts = member.locator("dl.facts")
    for fact in ("Physics", "2004", "Leipzig", "Fraunhofer"):
        expect(facts).to_contain_text(fact)
    expect(member.get_by_role("link", name="Send a message")).to_be_visible()
    expect(member.get_by_text(listed_member.email)).to_have_count(0)  # never shown
    shot(member, "03-profile")
    axe_check(member, "profile")
    assert_fits_viewport(member, "profile")

    # ---- ...and downloads the document
    sub_nav(member).get_by_role("link", name="Documents").click()
    expect(member).to_have_url(f"{live_server}/members/documents")
    expect(member.get_by_role("heading", name="Upload a document")).to_have_count(0)  # volunteers only
    document_link = member.get_by_role("link", name="Minutes of the general meeting")
    expect(member.locator("ul.queue")).to_contain_text("minutes-2030.pdf")
    axe_check(member, "documents")
    assert_fits_viewport(member, "documents")
    with member.expect_download() as download_info:
        document_link.click()
    download = download_info.value
    assert download.suggested_filename == "minutes-2030.pdf"
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read() == PDF
    download_path = document_link.get_attribute("href")

    # ---- a visitor is sent to log in from each of these addresses, and back afterwards
    visitor = page_factory(viewport)
    for path in ("/members/", "/members/directory", f"/members/directory/{listed_member.id}",
                 "/members/documents", download_path):
        visitor.goto(path)
        parts = urlsplit(visitor.url)
        assert parts.path == "/auth/login", (path, visitor.url)
        assert parse_qs(parts.query).get("next") == [path], (path, visitor.url)
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Log in")
        expect(flash(visitor)).to_contain_text("Please log in to open this page.")
        expect(visitor.get_by_text(LISTED)).to_have_count(0)
