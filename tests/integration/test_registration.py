"""Register, verify by mail, and the rules around it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.user import User
from tests.conftest import DEFAULT_PASSWORD, text_of

GOOD = {
    "email": "ada@example.org",
    "display_name": "Ada Lovelace",
    "password": DEFAULT_PASSWORD,
    "password_confirm": DEFAULT_PASSWORD,
    "accept_guidelines": "y",
}


def find_user(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def test_register_verify_and_log_in(app, client, mailbox, read_mail_link):
    response = client.submit("/auth/register", GOOD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/check-email")

    user = find_user(app, "ada@example.org")
    assert user.role == "alumnus" and not user.is_verified
    assert user.password_hash.startswith("scrypt:")

    link = read_mail_link(mailbox, "ada@example.org", "/auth/verify/")
    # Opening the link only shows a button; mail scanners that prefetch links change nothing.
    assert client.get(link).status_code == 200
    assert not find_user(app, "ada@example.org").is_verified
    response = client.submit(link)
    assert response.status_code == 302
    assert find_user(app, "ada@example.org").is_verified

    client.login("ada@example.org")
    assert "Ada Lovelace" not in text_of(client.get("/auth/login"))  # logged in: redirected away
    assert client.get("/account/").status_code == 200


def test_unverified_account_can_log_in_and_sees_the_reminder(client, make_user):
    user = make_user(verified=False)
    client.login(user)
    page = text_of(client.get("/account/"))
    assert "/auth/verify/resend" in page


def test_resend_verification_sends_a_new_link(client, make_user, mailbox):
    user = make_user(verified=False)
    client.login(user)
    response = client.submit("/auth/verify/resend", form_url="/account/")
    assert response.status_code == 302
    assert mailbox.wait_for(user.email)


def test_registering_a_taken_address_answers_the_same_and_tells_the_owner(client, make_user, mailbox):
    owner = make_user(email="taken@example.org")
    fresh = client.submit("/auth/register", {**GOOD, "email": "new@example.org"})
    taken = client.submit("/auth/register", {**GOOD, "email": "Taken@Example.org"})
    assert (fresh.status_code, fresh.headers["Location"]) == (taken.status_code, taken.headers["Location"])
    mail = mailbox.wait_for(owner.email)[-1]
    assert "/auth/reset" in mailbox.body(mail)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": ""}, "email", "Please enter your email address."),
        ({"email": "not-an-address"}, "email", "valid email address"),
        ({"email": "a" * 250 + "@example.org"}, "email", "at most 254"),
        ({"display_name": ""}, "display_name", "Please enter the name"),
        ({"display_name": "x" * 81}, "display_name", "between 2 and 80"),
        ({"display_name": "<b>Ada</b>"}, "display_name", "&lt; and &gt;"),
        ({"display_name": "Ada\u202eevil"}, "display_name", "invisible characters"),
        ({"password": "short", "password_confirm": "short"}, "password", "at least 10"),
        ({"password": "x" * 129, "password_confirm": "x" * 129}, "password", "at most 128"),
        ({"password": "password123", "password_confirm": "password123"}, "password", "too common"),
        ({"password_confirm": "something else entirely"}, "password_confirm", "do not match"),
        ({"accept_guidelines": ""}, "accept_guidelines", "accept the guidelines"),
    ],
)
def test_bad_input_is_answered_next_to_the_field_and_kept(app, client, changes, field, message):
    data = {**GOOD, **changes}
    response = client.submit("/auth/register", data)
    assert response.status_code == 400
    page = text_of(response)
    assert f'id="{field}-error"' in page
    assert message in page
    # What the person typed is still there (passwords are never echoed back).
    if field not in ("password", "password_confirm") and data["display_name"]:
        from markupsafe import escape

        assert f'value="{escape(data["display_name"])}"' in page
    assert find_user(app, data["email"]) is None


def test_unicode_names_are_welcome(app, client):
    response = client.submit("/auth/register", {**GOOD, "display_name": "Jürgen Ößwald 李"})
    assert response.status_code == 302
    assert find_user(app, "ada@example.org").display_name == "Jürgen Ößwald 李"


def test_password_equal_to_email_is_refused(client):
    response = client.submit("/auth/register", {**GOOD, "email": "ada.lovelace@example.org",
                                                "password": "ada.lovelace", "password_confirm": "ada.lovelace"})
    assert response.status_code == 400
    assert "must not be your name or email" in text_of(response)


def test_mass_assignment_of_role_is_ignored(app, client):
    client.submit("/auth/register", {**GOOD, "role": "admin", "email_verified_at": "2020-01-01"})
    user = find_user(app, "ada@example.org")
    assert user.role == "alumnus" and not user.is_verified


def test_forged_or_expired_verification_links_fail(app, client, make_user):
    user = make_user(verified=False)
    response = client.submit("/auth/verify/not-a-token")
    assert response.status_code == 302
    assert not find_user(app, user.email).is_verified
    with app.test_request_context():
        from app.services.tokens import make_token

        token = make_token("verify-email", {"uid": user.id, "email": user.email})
    app.config["VERIFY_TOKEN_MAX_AGE"] = -1
    try:
        client.submit(f"/auth/verify/{token}")
    finally:
        app.config["VERIFY_TOKEN_MAX_AGE"] = 48 * 3600
    assert not find_user(app, user.email).is_verified
