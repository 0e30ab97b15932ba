"""Push delivery end to end: a notification is written in a request, the worker's job encrypts it for each of the
person's devices and sends it with a VAPID signature to the push service on loopback (tests/pushservice.py),
which verifies the JWT and decrypts the payload as the browser would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.models.push import PushMessage, PushSubscription
from app.models.types import utcnow
from app.models.user import Role, User
from app.services import push_delivery
from tests.integration.test_push import subscribe


@pytest.fixture
def reply_to(client, new_client):
    """reply_to(replier, comment_id, post, body): the replier answers through the site's own form."""
    def reply(replier, comment_id, post, body="I agree, see you there!"):
        other = new_client()
        other.login(replier)
        response = other.submit(f"/posts/{post.id}/comments", {"body": body, "parent_id": str(comment_id)},
                                form_url=f"/comments/{comment_id}/reply")
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return int(response.headers["Location"].rsplit("#c", 1)[1])

    return reply


@pytest.fixture
def subscribed(app, client, push_keys, push_service):
    """subscribed(user): the user enables push in their browser (a subscription made as a browser makes it)."""
    def enable(user):
        client.login(user)
        browser = push_service.subscribe()
        assert subscribe(client, browser.to_json()).status_code == 201
        return browser

    return enable


@pytest.fixture
def thread(make_user, make_post, add_comment, subscribed):
    """Bob commented on a discussion and enabled push on his phone; Alice may reply. (bob, alice, post, comment
    id, Bob's browser subscription)."""
    def make(role=Role.ALUMNUS, **post_fields):
        bob, alice = make_user(role), make_user(role)
        post = make_post(**post_fields)
        comment_id = add_comment(bob, post)
        return bob, alice, post, comment_id, subscribed(bob)

    return make


def run_push_job(app):
    """What the worker runs every minute (and after each request that wrote notifications)."""
    with app.app_context():
        return jobs.run_job(push_delivery.run)


def messages_in_db(app):
    with app.app_context():
        return list(db.session.scalars(select(PushMessage)))


def test_a_reply_reaches_the_device_encrypted_and_signed(app, make_user, make_post, add_comment, subscribed,
                                                         reply_to, push_service, push_keys):
    bob, alice = make_user(name="Bob Baker"), make_user(name="Alice Archer")
    post = make_post(title="Summer party on the lake")
    comment_id = add_comment(bob, post, "Who brings the boat?")
    browser = subscribed(bob)
    reply_id = reply_to(alice, comment_id, post)
    [message] = push_service.messages(browser.endpoint)  # sent after the request's commit, by the job
    assert message.error is None
    assert message.payload["url"] == f"/comments/{reply_id}"
    assert "Summer party on the lake" in message.payload["body"] and "Alice Archer" in message.payload["body"]
    assert message.payload["title"]
    claims = message.headers["claims"]
    assert claims["aud"] == push_service.origin and claims["sub"] == "mailto:board@test.example"
    assert message.headers["urgency"] == "high" and int(message.headers["ttl"]) == app.config["PUSH_TTL"]
    assert run_push_job(app) == 0  # exactly once: the next run finds nothing to send
    assert len(push_service.messages()) == 1
    with app.app_context():
        device = db.session.scalars(select(PushSubscription)).one()
        assert device.last_used_at is not None and device.failures == 0


def test_no_text_of_the_comment_itself_goes_to_the_push_service(app, thread, reply_to, push_service):
    bob, alice, post, comment_id, browser = thread()
    reply_to(alice, comment_id, post, body="The secret meeting point is the old mill")
    [message] = push_service.messages(browser.endpoint)
    assert "old mill" not in str(message.payload)


def test_gone_subscriptions_are_removed(app, thread, reply_to, push_service):
    bob, alice, post, comment_id, browser = thread()
    push_service.answers[browser.endpoint] = 410
    reply_to(alice, comment_id, post)
    assert len(push_service.messages(browser.endpoint)) == 1  # tried once, answered "gone"
    with app.app_context():
        assert db.session.scalars(select(PushSubscription)).all() == []
    assert messages_in_db(app) == []


def test_a_kind_turned_off_sends_nothing(app, client, thread, reply_to, push_service):
    bob, alice, post, comment_id, browser = thread()
    client.submit("/notifications/push/kinds", {"followed": "y"}, form_url="/notifications/settings")  # no replies
    reply_to(alice, comment_id, post)
    assert push_service.messages() == []
    assert messages_in_db(app) == []
    with app.app_context():  # the bell still has it
        from app.models.notification import Notification

        assert db.session.scalars(select(Notification).where(Notification.user_id == bob.id)).one().kind == "reply"


def test_members_only_thread_to_an_ex_member_sends_nothing(app, thread, reply_to, push_service, monkeypatch):
    """The policy is asked when the message goes out: a membership ended meanwhile means no text at all."""
    bob, alice, post, comment_id, _browser = thread(Role.MEMBER, title="Board minutes", visibility="members")
    monkeypatch.setattr(jobs, "enqueue_push", lambda: None)  # the worker is busy: it runs after the change below
    reply_to(alice, comment_id, post)
    with app.app_context():
        db.session.get(User, bob.id).role = Role.ALUMNUS
        db.session.commit()
    assert run_push_job(app) == 0
    assert push_service.messages() == []
    [row] = messages_in_db(app)
    assert row.sent_at is not None  # dropped, not retried


def test_members_only_thread_to_a_member_is_sent(app, thread, reply_to, push_service):
    bob, alice, post, comment_id, browser = thread(Role.MEMBER, title="Board minutes", visibility="members")
    reply_to(alice, comment_id, post)
    [message] = push_service.messages(browser.endpoint)
    assert "Board minutes" in message.payload["body"]


def test_failures_are_retried_with_backoff_then_dropped(app, thread, reply_to, push_service):
    bob, alice, post, comment_id, browser = thread()
    push_service.answers[browser.endpoint] = 503
    reply_to(alice, comment_id, post)
    [row] = messages_in_db(app)
    assert row.attempts == 1 and row.sent_at is None and row.retry_at > utcnow()
    assert run_push_job(app) == 0 and len(push_service.messages()) == 1  # not due yet
    for attempt in range(2, app.config["PUSH_MAX_ATTEMPTS"] + 1):
        with app.app_context():
            db.session.execute(PushMessage.__table__.update().values(retry_at=utcnow() - timedelta(seconds=1)))
            db.session.commit()
        run_push_job(app)
        assert messages_in_db(app)[0].attempts == attempt
    assert len(push_service.messages()) == app.config["PUSH_MAX_ATTEMPTS"]
    with app.app_context():
        db.session.execute(PushMessage.__table__.update().values(retry_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    run_push_job(app)
    assert len(push_service.messages()) == app.config["PUSH_MAX_ATTEMPTS"]  # dropped after N
    with app.app_context():
        assert db.session.scalars(select(PushSubscription)).one().failures == app.config["PUSH_MAX_ATTEMPTS"]


def test_a_failure_then_success(app, thread, reply_to, push_service):
    bob, alice, post, comment_id, browser = thread()
    push_service.answers[browser.endpoint] = 500
    reply_to(alice, comment_id, post)
    del push_service.answers[browser.endpoint]
    with app.app_context():
        db.session.execute(PushMessage.__table__.update().values(retry_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert run_push_job(app) == 1
    assert [m.error for m in push_service.messages()] == [None, None]
    with app.app_context():
        assert db.session.scalars(select(PushSubscription)).one().failures == 0


def test_every_device_gets_it_and_other_people_nothing(app, new_client, make_user, make_post, add_comment,
                                                       subscribed, reply_to, push_service, push_keys):
    bob, alice, carol = make_user(), make_user(), make_user()
    post = make_post()
    comment_id = add_comment(bob, post)
    phone = subscribed(bob)
    laptop_client = new_client()
    laptop_client.login(bob)
    laptop = push_service.subscribe()
    assert subscribe(laptop_client, laptop.to_json()).status_code == 201
    carols = new_client()
    carols.login(carol)
    subscribe(carols, push_service.subscribe().to_json())
    reply_to(alice, comment_id, post)
    assert {m.endpoint for m in push_service.messages()} == {phone.endpoint, laptop.endpoint}


def test_without_keys_nothing_is_sent(app, thread, reply_to, push_service):
    bob, alice, post, comment_id, browser = thread()
    app.config["VAPID_PRIVATE_KEY"] = None  # the admins took the key away
    reply_to(alice, comment_id, post)
    assert push_service.messages() == []
    [row] = messages_in_db(app)
    assert row.sent_at is None and row.attempts == 0  # waits for a key


def test_the_nightly_clean_up_forgets_old_rows(app, thread, reply_to, push_service):
    bob, alice, post, comment_id, browser = thread()
    reply_to(alice, comment_id, post)
    with app.app_context():
        db.session.execute(PushMessage.__table__.update().values(
            sent_at=utcnow() - timedelta(days=3), created_at=utcnow() - timedelta(days=3)))
        assert push_delivery.clean_up() == 1
        db.session.commit()


def test_senders_at_once_send_each_message_once(app, new_client, thread, reply_to, push_service, monkeypatch):
    """Several workers on one database: the claim (a guarded UPDATE with a token) gives each row to one of them."""
    from tests.conftest import run_together

    monkeypatch.setattr(jobs, "enqueue_push", lambda: None)  # nothing sent from the requests: the senders do it
    bob, alice, post, comment_id, browser = thread()
    laptop_client = new_client()
    laptop_client.login(bob)
    laptop = push_service.subscribe()
    subscribe(laptop_client, laptop.to_json())
    for number in range(5):
        reply_to(alice, comment_id, post, body=f"Reply number {number}")
    results, errors = run_together(app, lambda _sender: push_delivery.run(), list(range(4)))
    assert errors == []
    assert sum(results.values()) == 10
    received = push_service.messages()
    assert len(received) == 10 and all(message.error is None for message in received)
    assert len({(m.endpoint, m.payload["url"]) for m in received}) == 10
    assert {m.endpoint for m in received} == {browser.endpoint, laptop.endpoint}
