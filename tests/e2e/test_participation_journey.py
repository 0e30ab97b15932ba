"""Participation beyond comments (issue 18) in a real Chromium, at a phone and a desktop width: a volunteer posts a
volunteer role on the jobs and volunteering board, an alumnus finds it through the site's search and follows new
volunteer roles; a member proposes an idea, two others vote it up, a volunteer answers it as planned and the
ideas page shows it first with its votes and status. axe finds nothing serious, nothing scrolls sideways. (The poll's
journey is tests/e2e/test_polls_journey.py.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.models.user import Role
from tests.e2e.conftest import VIEWPORTS, assert_accessible, assert_fits_viewport, log_in_as

pytestmark = pytest.mark.e2e

ROLE_TITLE = "Lesepat:innen für die Stadtteilbibliothek"
IDEA_TITLE = "Ein Stammtisch für Ehemalige in Köln"


def check(page, label: str) -> None:
    assert_accessible(page, label)
    assert_fits_viewport(page, label)


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_a_volunteer_role_is_found_and_followed(viewport_name, make_user, page_factory):
    viewport = VIEWPORTS[viewport_name]
    volunteer = page_factory(viewport)
    log_in_as(volunteer, make_user(Role.VOLUNTEER))
    volunteer.goto("/jobs/")
    volunteer.get_by_role("link", name="Post an offer").click()
    volunteer.get_by_label("Kind of offer").select_option(label="Volunteer role")
    volunteer.get_by_label("Title", exact=True).fill(ROLE_TITLE)
    volunteer.get_by_label("Organisation").fill("Nachbarschaftszentrum Südstadt")
    volunteer.get_by_label("Place", exact=True).fill("Köln")
    volunteer.get_by_label("Hours").fill("zwei Nachmittage im Monat")
    volunteer.get_by_label("Description").fill("Du liest Kindern vor, einmal die Woche, in der Bibliothek.")
    check(volunteer, f"the offer form ({viewport_name})")
    volunteer.get_by_role("button", name="Publish").click()
    expect(volunteer.get_by_role("heading", name=ROLE_TITLE)).to_be_visible()
    check(volunteer, f"the offer's page ({viewport_name})")

    alumnus = page_factory(viewport)
    log_in_as(alumnus, make_user())
    alumnus.goto(f"/search?q={'Stadtteilbibliothek'}")
    alumnus.get_by_role("link", name=ROLE_TITLE).click()
    expect(alumnus.get_by_role("heading", name=ROLE_TITLE)).to_be_visible()
    alumnus.goto("/jobs/")
    expect(alumnus.get_by_role("link", name=ROLE_TITLE)).to_be_visible()
    follow = alumnus.get_by_role("button", name="New volunteer roles")
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    expect(alumnus.get_by_role("button", name="New volunteer roles")).to_have_attribute("aria-pressed", "true")
    check(alumnus, f"the board ({viewport_name})")

    # The next volunteer role reaches the follower's bell.
    volunteer.goto("/jobs/new")
    volunteer.get_by_label("Kind of offer").select_option(label="Volunteer role")
    volunteer.get_by_label("Title", exact=True).fill("Hausaufgabenhilfe am Dienstag")
    volunteer.get_by_label("Organisation").fill("Nachbarschaftszentrum Südstadt")
    volunteer.get_by_label("Description").fill("Mathe und Deutsch, 5. bis 7. Klasse.")
    volunteer.get_by_role("button", name="Publish").click()
    alumnus.goto("/notifications/")
    expect(alumnus.locator("main")).to_contain_text("Hausaufgabenhilfe am Dienstag")


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_an_idea_is_voted_up_and_answered(viewport_name, make_user, page_factory):
    viewport = VIEWPORTS[viewport_name]
    proposer = page_factory(viewport)
    log_in_as(proposer, make_user(Role.MEMBER))
    proposer.goto("/ideas/")
    proposer.get_by_role("link", name="Propose an idea").click()
    expect(proposer.get_by_label("This is an idea: others can vote for it")).to_be_checked()
    proposer.get_by_label("Title", exact=True).fill(IDEA_TITLE)
    proposer.get_by_label("Text", exact=True).fill("Einmal im Monat, abwechselnd in Ehrenfeld und in der Südstadt.")
    proposer.get_by_role("button", name="Publish").click()
    expect(proposer.get_by_role("heading", name=IDEA_TITLE)).to_be_visible()
    expect(proposer.locator("#idea")).to_contain_text("Idea: New")
    idea_url = proposer.url

    for _ in range(2):
        voter = page_factory(viewport)
        log_in_as(voter, make_user(Role.MEMBER), through_form=False)
        voter.goto(idea_url)
        voter.locator("#idea").get_by_role("button", name="Vote").click()
        expect(voter.locator("#idea").get_by_role("button", name="Voted")).to_have_attribute("aria-pressed", "true")
    expect(voter.locator("#idea")).to_contain_text("2 votes")
    check(voter, f"an idea after voting ({viewport_name})")

    volunteer = page_factory(viewport)
    log_in_as(volunteer, make_user(Role.VOLUNTEER))
    volunteer.goto(idea_url)
    volunteer.get_by_role("link", name="Answer this idea (status)").click()
    volunteer.get_by_label("Planned").check()
    volunteer.get_by_label("Answer (shown on the idea; required when declining)").fill("Der erste am 15. Januar.")
    check(volunteer, f"answering an idea ({viewport_name})")
    volunteer.get_by_role("button", name="Save the answer").click()
    expect(volunteer.locator("#idea")).to_contain_text("Planned — Der erste am 15. Januar.")

    proposer.goto("/ideas/")
    first = proposer.locator(".idea-list li").first
    expect(first).to_contain_text(IDEA_TITLE)
    expect(first).to_contain_text("Idea: Planned")
    expect(first).to_contain_text("2 votes")
    check(proposer, f"the ideas page ({viewport_name})")
    proposer.goto("/notifications/")
    expect(proposer.locator("main")).to_contain_text(IDEA_TITLE)
