"""Log in, log out, sessions ending everywhere, remember-me, throttling, enumeration."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.user import Role, User
from tests.conftest import CSRF_RE, DEFAULT_PASSWORD, english_client, text_of


def strip_tokens(html: str) -> str:
    return CSRF_RE.sub('name="csrf_token" value=""', html)


def test_login_with_wrong_password_and_unknown_email_answer_the_same(client, make_user):
    user = make_user()
    wrong = client.submit("/auth/login", {"email": user.email, "password": "wrong password here"})
    unknown = client.submit("/auth/login", {"email": "nobody@example.org", "password": "wrong password here"})
    assert wrong.status_code == unknown.status_code == 400
    wrong_html = strip_tokens(text_of(wrong)).replace(user.email, "X")
    unknown_html = strip_tokens(text_of(unknown)).replace("nobody@example.org", "X")
    assert wrong_html == unknown_html
    assert "Email address or password is not correct." in wrong_html


def test_login_keeps_the_typed_email(client):
    response = client.submit("/auth/login", {"email": "typed@example.org", "password": "nope nope nope"})
    assert 'value="typed@example.org"' in text_of(response)


def test_login_renews_the_session(client, make_user):
    user = make_user()
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.login(user)
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "\\\\evil.example", "/\\evil.example", "http:\\/evil.example", "https://evil.example",
     "javascript:alert(1)", "/%0d%0aSet-Cookie:x", " /x", "///evil.example", "http:/evil.example"],
)
def test_login_redirects_only_to_local_paths(client, make_user, target):
    user = make_user()
    token = client.token("/auth/login")
    response = client.post("/auth/login", query_string={"next": target},
                           data={"csrf_token": token, "email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_next_with_a_nul_byte_is_refused_not_followed(client, make_user):
    """NUL bytes are refused in every query string and form (400, see test_junk_input): never a redirect."""
    user = make_user()
    token = client.token("/auth/login")
    response = client.post("/auth/login", query_string={"next": "/\x00x"},
                           data={"csrf_token": token, "email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400 and "Location" not in response.headers


def test_login_follows_a_local_next(client, make_user):
    user = make_user()
    token = client.token("/auth/login")
    response = client.post("/auth/login?next=/account/password",
                           data={"csrf_token": token, "email": user.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/account/password"


def test_visitor_on_a_protected_page_is_sent_to_login_and_back(client, make_user):
    response = client.get("/members/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
    assert "%2Fmembers%2F" in response.headers["Location"]


def test_logout_is_post_only(client, make_user):
    client.login(make_user())
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/account/").status_code == 200


def test_logout_needs_the_csrf_token(client, make_user):
    client.login(make_user())
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/account/").status_code == 200


def _copy_cookies(source, target):
    for cookie in source.client._cookies.values():
        target.client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def test_logout_ends_other_sessions_and_cookie_replay_fails(client, new_client, make_user):
    user = make_user()
    client.login(user, remember=True)
    stolen = new_client()
    _copy_cookies(client, stolen)
    assert stolen.get("/account/").status_code == 200
    client.logout()
    assert client.get("/account/").status_code == 302
    assert stolen.get("/account/").status_code == 302


def test_remember_cookie_alone_logs_in_but_is_not_fresh(app, client, new_client, make_user):
    user = make_user()
    client.login(user, remember=True)
    remembered = new_client()
    remember_cookie = client.client.get_cookie("remember_token")
    assert remember_cookie is not None
    remembered.client.set_cookie("remember_token", remember_cookie.value)
    assert remembered.get("/account/").status_code == 200
    # Changing password or email asks to log in again.
    response = remembered.get("/account/password")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    response = remembered.get("/account/email")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_suspended_account_cannot_log_in(app, client, make_user):
    user = make_user()
    with app.app_context():
        from app.models.types import utcnow

        db.session.get(User, user.id).suspended_at = utcnow()
        db.session.commit()
    response = client.submit("/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert "Your account is suspended." in text_of(response)


def test_a_suspended_person_is_told_why_and_until_when_but_only_with_the_right_password(app, client, make_user,
                                                                                       mailbox):
    from datetime import date, timedelta

    person = make_user(name="Sam Suspended")
    admin_client = english_client(app)
    admin_client.login(make_user(Role.ADMIN))
    page = text_of(admin_client.get(f"/moderation/people/{person.id}/suspension"))
    assert "Reason" in page  # suspending asks first
    until = date.today() + timedelta(days=10)
    response = admin_client.submit(f"/moderation/people/{person.id}/suspension",
                                   {"reason": "Werbung in Kommentaren", "until": until.isoformat()})
    assert response.status_code == 302
    told = mailbox.body(mailbox.wait_for(person.email)[-1])
    assert "Werbung in Kommentaren" in told and str(until.year) in told
    wrong = client.submit("/auth/login", {"email": person.email, "password": "not the password at all"})
    assert "suspended" not in text_of(wrong) and "Email address or password is not correct." in text_of(wrong)
    right = client.submit("/auth/login", {"email": person.email, "password": DEFAULT_PASSWORD})
    assert right.status_code == 400
    assert "Your account is suspended until" in text_of(right) and "Werbung in Kommentaren" in text_of(right)
    with app.app_context():
        from app.models.audit import AuditEntry

        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.subject_id == person.id))
        assert entry.action == "account.suspended" and entry.new_value == "Werbung in Kommentaren"


def test_a_suspension_ends_by_itself_at_its_end(app, client, make_user):
    from datetime import timedelta

    from app.models.types import utcnow

    person = make_user()
    with app.app_context():
        user = db.session.get(User, person.id)
        user.suspended_at, user.suspended_until = utcnow() - timedelta(days=3), utcnow() - timedelta(minutes=1)
        db.session.commit()
    client.login(person)
    assert client.get("/account/").status_code == 200


def test_a_suspension_with_an_end_in_the_past_is_refused(app, client, make_user):
    client.login(make_user(Role.ADMIN))
    person = make_user()
    response = client.submit(f"/moderation/people/{person.id}/suspension", {"reason": "x", "until": "2001-01-01"})
    assert response.status_code == 400 and "must be in the future" in text_of(response)


def test_login_is_throttled_per_account_with_a_clear_page(limited_app, make_user):
    user = make_user()
    client = english_client(limited_app)
    statuses = []
    for _ in range(12):
        statuses.append(client.submit("/auth/login", {"email": user.email, "password": "wrong password here"}).status_code)
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    page = client.submit("/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert page.status_code == 429
    assert "Too many requests" in text_of(page)
    assert "Content-Security-Policy" in page.headers
    # Another account from the same address is not locked by this.
    other = make_user()
    assert client.submit("/auth/login", {"email": other.email, "password": DEFAULT_PASSWORD}).status_code == 302


def test_login_is_throttled_per_ip(limited_app):
    client = english_client(limited_app)
    statuses = [client.submit("/auth/login", {"email": f"u{i}@example.org", "password": "wrong password here"}).status_code
                for i in range(21)]
    assert statuses[-1] == 429 and 429 not in statuses[:20]


def test_registration_and_reset_are_rate_limited(limited_app):
    client = english_client(limited_app)
    statuses = [client.submit("/auth/reset", {"email": "same@example.org"}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    statuses = [client.submit("/auth/register", {"email": f"r{i}@example.org"}).status_code for _ in range(11)
                for i in [0]]
    assert statuses[-1] == 429


def test_security_events_are_logged_with_user_ip_and_utc_time(client, make_user, caplog):
    user = make_user()
    caplog.set_level("INFO", logger="alumni.security")
    client.submit("/auth/login", {"email": user.email, "password": "bad\r\nforged=line"})
    client.login(user)
    lines = [r.getMessage() for r in caplog.records if r.name == "alumni.security"]
    failed = next(line for line in lines if "event=login.failed" in line)
    assert f"user={user.id}" in failed and "ip=127.0.0.1" in failed
    assert re.search(r"at=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", failed)
    assert any("event=login " in line + " " and f"user={user.id}" in line for line in lines)
    assert not any("bad" in line for line in lines)  # the password never reaches the log


def test_log_lines_neutralise_line_breaks(app, caplog):
    from app.security import log_security_event

    caplog.set_level("INFO", logger="alumni.security")
    with app.test_request_context():
        log_security_event("test", path="/x\r\nevent=forged")
    message = caplog.records[-1].getMessage()
    assert "\n" not in message and "\r" not in message
