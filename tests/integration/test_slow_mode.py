"""Slow mode (one comment per person every N minutes, moderators exempt) and locks that start and end by themselves,
set by moderators on a thread's settings page and read against the clock."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.post import Comment, Post
from app.models.types import utcnow
from app.models.user import Role
from tests.conftest import english_client, text_of
from tests.integration.test_feed import get_post

SETTINGS_FORM = {"slow_mode_minutes": "0", "lock": "open", "lock_from": "", "lock_until": ""}


@pytest.fixture
def moderator(app, make_user):
    client = english_client(app)
    client.login(make_user(Role.VOLUNTEER))
    return client


def settings(moderator, post_id: int, **fields):
    return moderator.submit(f"/moderation/posts/{post_id}/thread", {**SETTINGS_FORM, **fields})


def comment_on(client, post_id: int, body: str):
    return client.submit(f"/posts/{post_id}/comments", {"body": body}, form_url=f"/posts/{post_id}")


def local(value) -> str:
    """A UTC time as the datetime-local field takes it (the tests run with the site's zone, Europe/Berlin)."""
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%dT%H:%M")


def test_slow_mode_keeps_the_text_says_when_and_spares_moderators(app, client, moderator, make_user, make_post):
    post = make_post()
    assert settings(moderator, post.id, slow_mode_minutes="10").status_code == 302
    assert get_post(app, post.id).slow_mode_minutes == 10
    person = make_user()
    client.login(person)
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "Slow mode: one comment per person every 10 minutes." in page
    assert comment_on(client, post.id, "My first point").status_code == 302
    refused = comment_on(client, post.id, "My second point, typed with care")
    assert refused.status_code == 400
    text = text_of(refused)
    assert "one comment per person every 10 minutes. You can comment again in 10 min, at" in text
    assert "My second point, typed with care" in text  # kept in the form
    with app.app_context():  # a reply elsewhere in the thread counts the same
        first = db.session.scalar(select(Comment.id))
    reply = client.submit(f"/posts/{post.id}/comments", {"body": "A reply", "parent_id": str(first)},
                          form_url=f"/comments/{first}/reply")
    assert reply.status_code == 400 and "Slow mode is on" in text_of(reply)
    # Moderators are exempt.
    assert comment_on(moderator, post.id, "Please calm down, everyone").status_code == 302
    assert comment_on(moderator, post.id, "And one more thing").status_code == 302
    # Ten minutes later the person may write again; deleting the last comment does not skip the wait.
    with app.app_context():
        db.session.execute(update(Comment).where(Comment.author_id == person.id)
                           .values(created_at=utcnow() - timedelta(minutes=11)))
        db.session.commit()
    assert comment_on(client, post.id, "My second point, typed with care").status_code == 302
    with app.app_context():
        newest = db.session.scalar(select(Comment.id).where(Comment.author_id == person.id)
                                   .order_by(Comment.id.desc()))
    client.submit(f"/comments/{newest}/delete", form_url=f"/comments/{newest}/delete")
    assert comment_on(client, post.id, "Sneaking in").status_code == 400
    # Off again.
    settings(moderator, post.id, slow_mode_minutes="0")
    assert comment_on(client, post.id, "Sneaking in").status_code == 302
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "post.slow_mode")
                                     .order_by(AuditEntry.id)).all()
        assert [(e.old_value, e.new_value) for e in entries] == [("0", f"post:{post.id} 10 min"),
                                                                 ("10", f"post:{post.id} 0 min")]


def test_a_double_click_in_slow_mode_is_one_comment_not_an_error(app, client, moderator, make_user, make_post):
    post = make_post()
    settings(moderator, post.id, slow_mode_minutes="5")
    client.login(make_user())
    form = text_of(client.get(f"/posts/{post.id}"))
    key = re.search(r'name="submission" [^>]*value="([^"]+)"', form) or re.search(
        r'value="([^"]+)"[^>]*name="submission"', form)
    assert key, "the comment form carries a submission key"
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    data = {"csrf_token": token, "body": "Clicked twice", "submission": key.group(1)}
    assert client.post(f"/posts/{post.id}/comments", data=data).status_code == 302
    assert client.post(f"/posts/{post.id}/comments", data=data).status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(Comment)).all()) == 1


def test_a_lock_for_a_time_ends_by_itself(app, client, moderator, make_user, make_post):
    post = make_post()
    until = utcnow() + timedelta(hours=2)
    assert settings(moderator, post.id, lock="timed", lock_until=local(until)).status_code == 302
    locked = get_post(app, post.id)
    assert locked.locked and locked.is_locked and locked.locked_until is not None
    client.login(make_user())
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "This discussion is locked until" in page and "Publish comment" not in page
    assert comment_on(client, post.id, "Let me in").status_code == 403
    with app.app_context():  # two hours later, with no worker having run
        db.session.execute(update(Post).where(Post.id == post.id).values(locked_until=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert "Publish comment" in text_of(client.get(f"/posts/{post.id}"))
    assert comment_on(client, post.id, "Let me in").status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "post.lock_scheduled"))
        assert entry.new_value.startswith(f"post:{post.id} now – ")


def test_a_scheduled_lock_begins_by_itself_and_the_settings_show_it(app, client, moderator, make_user, make_post):
    post = make_post()
    start, end = utcnow() + timedelta(hours=1), utcnow() + timedelta(days=1)
    assert settings(moderator, post.id, lock="timed", lock_from=local(start), lock_until=local(end),
                    slow_mode_minutes="3").status_code == 302
    scheduled = get_post(app, post.id)
    assert not scheduled.locked and not scheduled.is_locked and scheduled.lock_ahead
    client.login(make_user())
    assert "This discussion will be locked at" in text_of(client.get(f"/posts/{post.id}"))
    assert comment_on(client, post.id, "Before the lock").status_code == 302
    form = text_of(moderator.get(f"/moderation/posts/{post.id}/thread"))
    assert f'value="{local(start)}"' in form and f'value="{local(end)}"' in form
    assert re.search(r'<input checked [^>]*name="lock"[^>]*value="timed"', form)
    with app.app_context():  # the hour has come
        db.session.execute(update(Post).where(Post.id == post.id).values(lock_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert comment_on(client, post.id, "After the lock").status_code == 403
    assert "Locked" in text_of(client.get(f"/posts/{post.id}"))
    # The moderator's "Unlock" ends it all at once.
    moderator.submit(f"/moderation/posts/{post.id}/unlock", form_url=f"/posts/{post.id}")
    opened = get_post(app, post.id)
    assert not opened.is_locked and opened.lock_at is None and opened.locked_until is None


@pytest.mark.parametrize("fields, field_error", [
    ({"lock": "timed"}, "Please enter when the lock begins, when it ends, or both."),
    ({"lock": "timed", "lock_until": "2001-01-01T10:00"}, "The end must lie in the future and after the beginning."),
    ({"lock": "timed", "lock_from": "2099-01-02T10:00", "lock_until": "2099-01-01T10:00"},
     "The end must lie in the future and after the beginning."),
    ({"slow_mode_minutes": "1441"}, "Please enter a number from 0 to 1440."),
    ({"slow_mode_minutes": "-3"}, "Please enter a number from 0 to 1440."),
    ({"slow_mode_minutes": "99999999999999999999999"}, "Please enter a number from 0 to 1440."),
    ({"slow_mode_minutes": "ten"}, "Not a valid integer value."),
    ({"lock": "forever"}, "Not a valid choice."),
    ({"lock": "timed", "lock_from": "tomorrow"}, "Not a valid datetime value."),
])
def test_bad_thread_settings_are_refused_at_their_field(app, moderator, make_post, fields, field_error):
    post = make_post()
    response = settings(moderator, post.id, **fields)
    assert response.status_code == 400
    assert field_error in text_of(response)
    assert not get_post(app, post.id).is_locked and get_post(app, post.id).slow_mode_minutes == 0


def test_only_moderators_set_thread_rules_and_unknown_threads_are_404(app, client, moderator, make_user, make_post):
    post = make_post()
    client.login(make_user(Role.MEMBER))
    assert client.get(f"/moderation/posts/{post.id}/thread").status_code == 403
    assert settings(client, post.id, slow_mode_minutes="5").status_code == 403
    assert get_post(app, post.id).slow_mode_minutes == 0
    assert moderator.get("/moderation/posts/999999/thread").status_code == 404
