"""The organizers' pages in a real Chromium: every settings page, the setup steps, the paper-consent import and
the news mail's send form are axe clean and fit a phone, in German and English."""

from __future__ import annotations

import pytest

from app.models.user import Role
from tests.e2e.conftest import PHONE, assert_accessible, assert_fits_viewport, log_in_as

pytestmark = pytest.mark.e2e

PAGES = ("/admin/settings", "/admin/settings/look", "/admin/settings/access", "/admin/settings/participation",
         "/admin/settings/links", "/admin/settings/imprint", "/admin/settings/mail",
         "/admin/settings/mail/preview?kind=event_confirmation&locale=de", "/admin/setup/association",
         "/admin/setup/look", "/admin/setup/access", "/admin/setup/imprint", "/admin/setup/privacy",
         "/admin/setup/guidelines", "/admin/news-consent", "/admin/", "/moderation/categories",
         "/notifications/announce/{news}", "/admin/settings/reports", "/moderation/posts/{news}/thread",
         "/moderation/words")


@pytest.mark.parametrize("language", ["de", "en"])
def test_organizer_pages_are_accessible_on_a_phone(language, make_user, make_post, page_factory):
    admin = make_user(Role.ADMIN)
    news = make_post(admin, kind="news", title="Sommerfest: Helferinnen und Helfer gesucht")
    page = page_factory(PHONE)
    log_in_as(page, admin)
    page.goto(f"/language/{language}")
    for path in PAGES:
        url = path.format(news=news.id)
        response = page.goto(url)
        assert response.status == 200, url
        assert_accessible(page, f"{url} ({language})")
        assert_fits_viewport(page, f"{url} ({language})")
