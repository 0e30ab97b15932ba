"""A fresh install becomes the association's site: the first admin through the operator's link, the setup
steps (each can be skipped), the legal pages and their banner, registration modes, the members area switch and
the editable mail texts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app import site
from app.extensions import db
from app.models.page import Page
from app.models.user import Role, User
from app.services import setup
from tests.conftest import DEFAULT_PASSWORD, text_of

ADMIN = {"display_name": "Vera Vorstand", "email": "vera@example.org", "password": DEFAULT_PASSWORD,
         "password_confirm": DEFAULT_PASSWORD}
REGISTRATION = {"email": "ada@example.org", "display_name": "Ada Lovelace", "password": DEFAULT_PASSWORD,
                "password_confirm": DEFAULT_PASSWORD, "accept_guidelines": "y"}


def setup_link(app) -> str:
    result = app.test_cli_runner().invoke(args=["setup-link"])
    match = re.search(r"https?://\S+(/auth/first-admin/\S+)", result.output)
    assert match, result.output
    return match.group(1)


def test_the_first_admin_comes_from_the_operators_link_only(app, client, new_client):
    path = setup_link(app)
    assert client.get("/auth/first-admin/forged-token").status_code == 302  # refused, to the login
    response = client.submit(path, ADMIN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/setup")
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "vera@example.org"))
        assert admin.role == Role.ADMIN and admin.is_verified
    # Once an admin exists, the link is spent, also in another browser; the command says so.
    assert new_client().get(path).status_code == 302
    assert "has an admin already" in app.test_cli_runner().invoke(args=["setup-link"]).output
    assert app.test_cli_runner().invoke(args=["setup-link", "--if-needed"]).output == ""


def test_the_setup_walks_through_every_step_and_each_can_be_skipped(app, client, make_user):
    admin = make_user(Role.ADMIN)
    login = client.login(admin)
    assert login.headers["Location"].endswith("/admin/setup")  # the first admin login continues here
    assert "Step 1 of 6" in text_of(client.get("/admin/setup", follow_redirects=True))
    response = client.submit("/admin/setup/association", {
        "site_name": "Förderverein Nachbarschaftszentrum", "tagline": "Gemeinsam im Viertel",
        "contact_email": "info@example.org", "default_locale": "de"})
    assert response.headers["Location"].endswith("/admin/setup/look")
    response = client.submit("/admin/setup/look", {"skip": "1"})
    assert response.headers["Location"].endswith("/admin/setup/access")
    response = client.submit("/admin/setup/access", {"registration_mode": "approval", "members_area": "y",
                                                     "members_area_name_de": "Vereinsraum"})
    assert response.headers["Location"].endswith("/admin/setup/imprint")
    response = client.submit("/admin/setup/imprint", {
        "imprint_organisation": "Förderverein Nachbarschaftszentrum e. V.",
        "imprint_address": "Lindenstraße 4\n50674 Köln", "contact_email": "info@example.org",
        "imprint_represented_by": "Vera Vorstand (Vorsitzende)", "imprint_register": "Amtsgericht Köln VR 4711"})
    assert response.headers["Location"].endswith("/admin/setup/privacy")
    assert "Förderverein Nachbarschaftszentrum e. V." in text_of(client.get("/admin/setup/privacy"))
    client.submit("/admin/setup/privacy", {})
    page = text_of(client.get("/admin/setup/guidelines"))
    assert "hate speech" in page.lower() or "Hassrede" in page
    response = client.submit("/admin/setup/guidelines", {"text_de": "", "text_en": ""})
    assert response.headers["Location"].endswith("/")
    with app.app_context():
        site.forget()
        assert site.get("setup_finished") and site.get("registration_mode") == "approval"
        assert setup.is_finished()
        written = {(p.slug, p.locale) for p in db.session.scalars(select(Page))}
        assert {("imprint", "de"), ("imprint", "en"), ("privacy", "de"), ("privacy", "en"),
                ("guidelines", "de"), ("guidelines", "en")} <= written
    imprint = text_of(client.get("/imprint"))
    assert "§ 5 DDG" in imprint and "Lindenstraße 4" in imprint and "VR 4711" in imprint
    assert "info@example.org" in imprint
    # Finished: the next login goes where it was going.
    client.logout()
    assert not client.login(admin).headers["Location"].endswith("/admin/setup")


def test_skipping_still_needs_our_own_form(client, make_user):
    client.login(make_user(Role.ADMIN))
    response = client.post("/admin/setup/association", data={"skip": "1"})
    assert response.status_code == 400


def test_the_banner_asks_admins_for_imprint_and_privacy_until_both_are_written(app, client, new_client,
                                                                               make_user):
    client.login(make_user(Role.ADMIN))
    page = text_of(client.get("/events/"))
    assert "The imprint and the privacy policy are not written yet" in page
    visitor = text_of(new_client().get("/events/"))
    assert "not written yet" not in visitor  # only admins are nagged
    client.submit("/admin/setup/imprint", {"imprint_organisation": "Verein e. V.", "imprint_address": "Weg 1"})
    assert "The privacy policy is not written yet" in text_of(client.get("/events/"))
    client.submit("/admin/setup/privacy", {})
    assert "not written yet" not in text_of(client.get("/events/"))
    result = app.test_cli_runner().invoke(args=["check-deploy"])
    assert "These pages are empty" not in result.output


def test_check_deploy_names_the_missing_legal_pages(app):
    result = app.test_cli_runner().invoke(args=["check-deploy"])
    assert "imprint/de" in result.output and "privacy/de" in result.output


def test_guidelines_show_the_default_rules_until_written(client):
    page = text_of(client.get("/guidelines"))
    assert "No hate speech" in page


# ---------------------------------------------------------------- registration modes


def set_settings(app, **values):
    from app.services import settings

    with app.app_context():
        settings.save(None, values)
        db.session.commit()


def test_invitation_only_closes_registration(app, client, new_client):
    set_settings(app, registration_mode="invitation")
    page = text_of(client.get("/auth/register"))
    assert "open to invited people only" in page and 'name="password"' not in page
    assert client.submit("/auth/register", REGISTRATION, form_url="/auth/login").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(User)) is None
    home = text_of(new_client().get("/"))
    assert 'class="button small" href="/auth/register"' not in home and "Join the community" not in home


def test_approval_mode_lets_people_in_only_after_an_admin_approves(app, client, new_client, make_user, mailbox,
                                                                   read_mail_link):
    set_settings(app, registration_mode="approval")
    response = client.submit("/auth/register", REGISTRATION, follow_redirects=True)
    assert "approves new accounts" in text_of(response)
    client.submit(read_mail_link(mailbox, "ada@example.org", "/auth/verify/"))
    refused = client.submit("/auth/login", {"email": "ada@example.org", "password": DEFAULT_PASSWORD})
    assert refused.status_code == 400 and "waiting for an admin" in text_of(refused)

    admin_browser = new_client()
    admin_browser.login(make_user(Role.ADMIN))
    listing = text_of(admin_browser.get("/admin/"))
    assert "Waiting for approval" in listing and "Ada Lovelace" in listing
    with app.app_context():
        ada = db.session.scalar(select(User).where(User.email == "ada@example.org"))
    assert admin_browser.submit(f"/admin/users/{ada.id}/approve", {"decision": "approve"},
                                form_url="/admin/").status_code == 302
    assert "approved" in mailbox.wait_for("ada@example.org", count=2)[-1]["Subject"]
    assert client.submit("/auth/login", {"email": "ada@example.org", "password": DEFAULT_PASSWORD}).status_code == 302


def test_a_declined_registration_is_told_and_erased(app, client, new_client, make_user, mailbox):
    set_settings(app, registration_mode="approval")
    client.submit("/auth/register", REGISTRATION)
    with app.app_context():
        ada = db.session.scalar(select(User).where(User.email == "ada@example.org"))
    admin_browser = new_client()
    admin_browser.login(make_user(Role.ADMIN))
    admin_browser.submit(f"/admin/users/{ada.id}/approve", {"decision": "decline"}, form_url="/admin/")
    assert "not approved" in mailbox.body(mailbox.wait_for("ada@example.org", count=2)[-1])
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "ada@example.org")) is None
    # A second click changes nothing and is no error.
    again = admin_browser.submit(f"/admin/users/{ada.id}/approve", {"decision": "decline"}, form_url="/admin/")
    assert again.status_code == 302


def test_without_a_members_area_its_pages_and_links_are_gone(app, client, make_user):
    set_settings(app, members_area=False)
    client.login(make_user(Role.MEMBER))
    assert client.get("/members/").status_code == 404
    assert "/members/" not in text_of(client.get("/"))
    set_settings(app, members_area=True, members_area_name_en="Clubhouse", member_name_en="Friend")
    assert "Clubhouse" in text_of(client.get("/"))
    assert client.get("/members/").status_code == 200


def test_new_accounts_can_follow_the_events_calendar_by_default(app, client):
    from app.models.notification import Follow, FollowTarget

    set_settings(app, new_accounts_follow_events=True)
    client.submit("/auth/register", REGISTRATION)
    with app.app_context():
        follows = db.session.scalars(select(Follow)).all()
        assert [f.target for f in follows] == [FollowTarget.EVENTS]


# ---------------------------------------------------------------- mail texts


def test_an_intro_written_by_the_admin_opens_the_welcome_mail_and_the_preview(app, client, new_client, make_user,
                                                                              mailbox):
    client.login(make_user(Role.ADMIN))
    response = client.submit("/admin/settings/mail", {
        "mail_intro_welcome_en": "Welcome to **our** network! <script>alert(1)</script>",
        "mail_intro_welcome_de": "Willkommen in **unserem** Netzwerk!"})
    assert response.status_code == 302
    preview = text_of(client.get("/admin/settings/mail/preview?kind=welcome&locale=de"))
    assert "Willkommen in unserem Netzwerk!" in preview
    assert client.get("/admin/settings/mail/preview?kind=nonsense&locale=de").status_code == 404
    new_client().submit("/auth/register", REGISTRATION)
    body = mailbox.body(mailbox.wait_for("ada@example.org")[0])
    assert "Welcome to our network!" in body and "**" not in body  # Markdown made plain text
    preview_en = text_of(client.get("/admin/settings/mail/preview?kind=welcome&locale=en"))
    assert "<script>alert" not in preview_en  # shown escaped


@pytest.mark.parametrize("mode", ["open", "approval"])
def test_register_page_works_in_each_open_mode(app, client, mode):
    set_settings(app, registration_mode=mode)
    assert 'name="password"' in text_of(client.get("/auth/register"))
