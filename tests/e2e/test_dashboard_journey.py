"""The organizers' dashboard in a real Chromium: an admin sets a goal, then the dashboard with its SVG charts is
axe-clean, raises no CSP violation (classes only, no style attributes), and fits a 390 px phone in German."""

from __future__ import annotations

import pytest

from app.models.user import Role
from tests.e2e.conftest import PHONE, assert_fits_viewport, log_in_as

pytestmark = pytest.mark.e2e


def test_an_admin_sets_a_goal_and_reads_the_dashboard(page_factory, make_user, make_post, axe_check,
                                                      screenshot_dir):
    admin = make_user(Role.ADMIN)
    make_post(make_user(Role.MEMBER), title="Wer kommt zum Sommerfest?")
    page = page_factory()
    log_in_as(page, admin)
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name="Set goals").click()
    page.get_by_label("What to measure").select_option("active_people")
    page.get_by_label("Period").select_option("month")
    page.get_by_label("Target").fill("40")
    page.get_by_role("button", name="Set the goal").click()
    assert page.get_by_text("The goal is set.").is_visible()
    axe_check(page, "goals")
    page.get_by_role("link", name="Back to the dashboard").click()
    assert page.get_by_role("heading", name="Active people (wrote, reacted or signed up): at least 40 per month") \
        .is_visible()
    assert page.locator("svg[role=img]").count() == 19  # 18 series and the goal
    axe_check(page, "dashboard")
    page.get_by_role("link", name="Last 12 months").click()
    axe_check(page, "dashboard, months")

    phone = page_factory(PHONE)
    log_in_as(phone, admin, through_form=False)
    phone.goto("/language/de")
    phone.goto("/organizer/")
    assert_fits_viewport(phone, "the dashboard (de)")
    phone.screenshot(path=screenshot_dir / "dashboard-phone-de.png", full_page=True)
