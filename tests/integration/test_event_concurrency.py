"""Capacity is a database guarantee: concurrent sign-ups and cancels, real threads, real commits.

Each thread has its own session and connection and commits for real; a barrier releases them
together. Run on the SQLite file and, with TEST_DATABASE_URL, on PostgreSQL. Removing the event-row
lock in services.signups makes these fail (overbooking, or the CHECK constraint refusing it).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.event import Event, Signup
from app.models.user import User
from tests.conftest import run_together

pytestmark = pytest.mark.concurrency
ROUNDS = 3


def signups(app, event_id):
    with app.app_context():
        rows = db.session.scalars(select(Signup).where(Signup.event_id == event_id)
                                  .order_by(Signup.queued_at, Signup.id)).all()
        seats = db.session.get(Event, event_id).seats_taken
        return [(r.user_id, r.status) for r in rows], seats


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_more_concurrent_sign_ups_than_seats(app, make_user, make_event, round_number):
    from app.services.signups import sign_up

    capacity, people = 4, 10
    event = make_event(capacity=capacity)
    users = [make_user().id for _ in range(people)]

    def work(user_id):
        signup = sign_up(db.session.get(User, user_id), db.session.get(Event, event.id))
        return signup.status

    results, errors = run_together(app, work, users)
    assert errors == []
    rows, seats = signups(app, event.id)
    statuses = [status for _user, status in rows]
    assert statuses.count("confirmed") == capacity and statuses.count("waitlisted") == people - capacity
    assert seats == capacity
    assert len({user for user, _status in rows}) == people  # no duplicates
    # The line is in arrival order: everyone confirmed arrived before everyone waitlisted.
    assert statuses == ["confirmed"] * capacity + ["waitlisted"] * (people - capacity)
    assert sorted(results.values()) == sorted(statuses)


def test_the_same_person_signing_up_concurrently_gets_one_registration(app, make_user, make_event):
    from app.services.signups import sign_up

    event = make_event(capacity=3)
    user_id = make_user().id

    def work(_n):
        return sign_up(db.session.get(User, user_id), db.session.get(Event, event.id)).status

    _results, errors = run_together(app, work, list(range(6)))
    assert errors == []
    rows, seats = signups(app, event.id)
    assert rows == [(user_id, "confirmed")] and seats == 1


def test_concurrent_cancels_promote_the_waitlist_in_order(app, make_user, make_event):
    from app.services.signups import cancel, sign_up

    event = make_event(capacity=3)
    users = [make_user().id for _ in range(8)]
    with app.test_request_context():
        for user_id in users:  # one after another: 3 confirmed, 5 waitlisted in this order
            sign_up(db.session.get(User, user_id), db.session.get(Event, event.id))
            db.session.commit()

    def work(user_id):
        signup = db.session.scalar(select(Signup).where(
            Signup.event_id == event.id, Signup.user_id == user_id))
        cancel(signup)
        return "cancelled"

    _results, errors = run_together(app, work, users[:3])
    assert errors == []
    rows, seats = signups(app, event.id)
    status = dict(rows)
    assert [status[u] for u in users] == ["cancelled"] * 3 + ["confirmed"] * 3 + ["waitlisted"] * 2
    assert seats == 3
