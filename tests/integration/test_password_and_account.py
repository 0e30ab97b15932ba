"""Password reset by mail, and changing name, language, email and password."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models.user import User
from tests.conftest import DEFAULT_PASSWORD, text_of

NEW_PASSWORD = "violet kettle harbour 42"


def user_by_id(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_reset_answers_the_same_for_unknown_addresses(client, make_user, mailbox):
    user = make_user()
    known = client.submit("/auth/reset", {"email": user.email})
    unknown = client.submit("/auth/reset", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert mailbox.wait_for(user.email)
    assert mailbox.to("nobody@example.org") == []


def test_reset_link_works_once_and_ends_sessions(app, client, new_client, make_user, mailbox, read_mail_link):
    user = make_user()
    other_device = new_client()
    other_device.login(user)
    client.submit("/auth/reset", {"email": user.email})
    link = read_mail_link(mailbox, user.email, "/auth/reset/")
    response = client.submit(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    # The old password no longer works, the new one does, the link is spent, other devices are out.
    assert client.submit("/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 400
    client.login(user, NEW_PASSWORD)
    assert other_device.get("/account/").status_code == 302
    again = client.get(link)
    assert again.status_code == 302 and again.headers["Location"] == "/auth/reset"
    # A notice went to the owner.
    assert any("password" in m["Subject"].lower() for m in mailbox.to(user.email)[1:])


def test_reset_link_is_void_after_a_password_change(app, client, make_user, mailbox, read_mail_link):
    user = make_user()
    client.submit("/auth/reset", {"email": user.email})
    link = read_mail_link(mailbox, user.email, "/auth/reset/")
    client.login(user)
    client.submit("/account/password", {"current_password": DEFAULT_PASSWORD, "password": NEW_PASSWORD,
                                        "password_confirm": NEW_PASSWORD})
    assert client.get(link).status_code == 302


def test_expired_reset_link_fails(app, client, make_user, mailbox, read_mail_link):
    user = make_user()
    client.submit("/auth/reset", {"email": user.email})
    link = read_mail_link(mailbox, user.email, "/auth/reset/")
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    try:
        response = client.get(link, follow_redirects=True)
    finally:
        app.config["RESET_TOKEN_MAX_AGE"] = 3600
    assert "This link has expired" in text_of(response)


def test_reset_with_bad_new_password_keeps_the_form(client, make_user, mailbox, read_mail_link):
    user = make_user()
    client.submit("/auth/reset", {"email": user.email})
    link = read_mail_link(mailbox, user.email, "/auth/reset/")
    response = client.submit(link, {"password": "qwertyuiop", "password_confirm": "qwertyuiop"})
    assert response.status_code == 400
    assert "too common" in text_of(response)
    # the link still works after a rejected attempt
    assert client.submit(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}).status_code == 302


def test_change_password_needs_the_current_one_and_notifies(app, client, new_client, make_user, mailbox):
    user = make_user()
    other_device = new_client()
    other_device.login(user)
    client.login(user)
    wrong = client.submit("/account/password", {"current_password": "not my password",
                                                "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert wrong.status_code == 400 and "not your current password" in text_of(wrong)
    ok = client.submit("/account/password", {"current_password": DEFAULT_PASSWORD,
                                             "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert ok.status_code == 302
    assert client.get("/account/").status_code == 200  # this device stays logged in
    assert other_device.get("/account/").status_code == 302  # the other one does not
    assert "password" in mailbox.wait_for(user.email)[-1]["Subject"].lower()


def test_change_email_by_confirmation_link(app, client, make_user, mailbox, read_mail_link):
    user = make_user()
    client.login(user)
    response = client.submit("/account/email", {"email": "new.address@example.org",
                                                "current_password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert user_by_id(app, user.id).email == user.email  # nothing changes before the link is opened
    assert mailbox.wait_for(user.email)  # the old address is told
    link = read_mail_link(mailbox, "new.address@example.org", "/account/email/confirm/")
    client.submit(link)
    changed = user_by_id(app, user.id)
    assert changed.email == "new.address@example.org" and changed.is_verified
    assert len(mailbox.to(user.email)) == 2  # requested + changed notices
    # The link is single use.
    client.submit(link, follow_redirects=False)
    assert user_by_id(app, user.id).email == "new.address@example.org"
    assert "no longer valid" in text_of(client.get("/account/"))


def test_change_email_rejects_taken_and_wrong_password(client, make_user):
    user = make_user()
    other = make_user()
    client.login(user)
    taken = client.submit("/account/email", {"email": other.email, "current_password": DEFAULT_PASSWORD})
    assert taken.status_code == 400 and "already exists" in text_of(taken)
    assert f'value="{other.email}"' in text_of(taken)
    wrong = client.submit("/account/email", {"email": "x@example.org", "current_password": "not it at all"})
    assert wrong.status_code == 400 and "not your current password" in text_of(wrong)


def test_profile_name_and_language(app, client, make_user):
    user = make_user()
    client.login(user)
    response = client.submit("/account/", {"display_name": "  Grace Hopper  ", "locale": "de"})
    assert response.status_code == 302
    changed = user_by_id(app, user.id)
    assert changed.display_name == "Grace Hopper" and changed.locale == "de"
    # The account's language now wins over the browser's English.
    assert '<html lang="de">' in text_of(client.get("/account/"))
    bad = client.submit("/account/", {"display_name": "", "locale": "xx"})
    assert bad.status_code == 400


def test_profile_rejects_html_in_the_name_and_keeps_it(client, make_user):
    client.login(make_user())
    response = client.submit("/account/", {"display_name": "<script>x</script>", "locale": ""})
    assert response.status_code == 400
    page = text_of(response)
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page


def test_account_pages_need_login(client):
    for url in ("/account/", "/account/email", "/account/password"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_emails_are_stored_lowercase_and_login_ignores_case(app, client, make_user):
    user = make_user(email="Mixed.Case@Example.org")
    with app.app_context():
        assert db.session.scalar(select(User.email).where(User.id == user.id)) == "mixed.case@example.org"
    client.login("MIXED.case@example.ORG")


def test_an_account_without_a_language_keeps_the_one_it_logs_in_with(app, client, make_user):
    """Accounts from the command line (or older ones) have no stored language: the first login stores the
    page's, so cron mail to them is no longer German for an English speaker."""
    person = make_user(locale=None)
    client.login(person)  # the test client's browser prefers English
    with app.app_context():
        assert db.session.get(User, person.id).locale == "en"


def test_the_command_line_stores_the_language_it_was_given(app):
    result = app.test_cli_runner().invoke(args=["create-user", "--email", "cli@example.org", "--name", "Cli Person",
                                                "--locale", "en"])
    assert result.exit_code == 0 and "language en" in result.output
    default = app.test_cli_runner().invoke(args=["create-user", "--email", "cli2@example.org", "--name", "Zweite"])
    assert "language de" in default.output
    with app.app_context():
        assert db.session.scalar(select(User.locale).where(User.email == "cli@example.org")) == "en"
