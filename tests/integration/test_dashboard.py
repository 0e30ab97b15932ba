"""The organizers' dashboard: its numbers on a small known data set, goals, suppression of small counts of
people, the CSV downloads, the period switch, and a query count that does not grow with the data."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from app.extensions import db
from app.models.audit import AuditAction, AuditEntry
from app.models.event import Event, Signup
from app.models.goal import Goal, GoalMetric, GoalPeriod
from app.models.moderation import Report
from app.models.notification import MailPreference
from app.models.post import Comment, Post, PostLike
from app.models.user import Role, User
from tests.conftest import text_of
from tests.integration.test_query_counts import count_queries


def _periods(app, kind=GoalPeriod.WEEK):
    from app.services.dashboard_periods import last_periods

    with app.test_request_context():
        return last_periods(kind)


def _post(author_id, created, kind="discussion", **extra):
    return Post(kind=kind, title="T", body_source="b", body_html="<p>b</p>", excerpt="b", author_id=author_id,
                created_at=created, last_activity_at=created, **extra)


def _comment(post, author_id, created):
    return Comment(post_id=post.id, author_id=author_id, body_source="c", body_html="<p>c</p>", created_at=created,
                   path="x")


@pytest.fixture
def known_data(app, make_user):
    """Everything in last week (a complete period, so the numbers do not depend on today's date):
    6 registrations, 3 discussions and 1 news, replies after 2 h and 10 h and one discussion unanswered,
    2 reports (one handled after 3 h), an event with 6 of 10 seats taken and one person waiting."""
    people = [make_user() for _ in range(8)]
    volunteer = make_user(Role.VOLUNTEER)
    periods = _periods(app)
    start = periods.bounds[-3] + timedelta(hours=1)  # last week, Monday 01:00 local time
    with app.app_context():
        for person in people[:6]:
            db.session.get(User, person.id).created_at = start
        for person in people[6:]:  # two in the week before: "<5" there
            db.session.get(User, person.id).created_at = periods.bounds[-4] + timedelta(hours=1)
        a, b, c, d = (p.id for p in people[:4])
        discussions = [_post(a, start), _post(b, start), _post(c, start)]
        news = _post(volunteer.id, start, kind="news", comment_count=4)
        db.session.add_all([*discussions, news])
        db.session.flush()
        db.session.add_all([_comment(discussions[0], a, start + timedelta(minutes=5)),  # the author: no reply
                            _comment(discussions[0], d, start + timedelta(hours=2)),
                            _comment(discussions[1], a, start + timedelta(hours=10))])
        db.session.add(PostLike(post_id=news.id, user_id=people[4].id, created_at=start + timedelta(hours=1)))
        db.session.add_all([Report(reporter_id=a, post_id=news.id, reason="spam", created_at=start,
                                   resolved_at=start + timedelta(hours=3)),
                            Report(reporter_id=b, post_id=news.id, reason="spam", created_at=start)])
        event = Event(title="Sommerfest", starts_at=start + timedelta(days=2), ends_at=start + timedelta(days=2, hours=3),
                      capacity=10, seats_taken=6)
        db.session.add(event)
        db.session.flush()
        db.session.add(Signup(event_id=event.id, user_id=people[5].id, status="waitlisted", queued_at=start))
        db.session.commit()
    return {"people": people, "volunteer": volunteer, "periods": periods}


def test_the_numbers_of_a_known_week(app, known_data):
    from app.services import dashboard

    with app.test_request_context():
        measured = dashboard.measurements(GoalPeriod.WEEK, now=known_data["periods"].now)
        last = lambda key: measured.values(key)[-2]  # noqa: E731
        assert last("registrations") == 6
        assert measured.values("registrations")[-3] == 2
        assert last("discussions") == 3 and last("news") == 1
        assert last("dialogue_share") == 75
        assert last("comments_per_post") == 1.0  # the news' 4 (denormalised counter) over 4 posts
        assert last("first_reply_median_hours") == 10.0  # 2 h, 10 h, and one still waiting (a week and more)
        assert last("first_reply_max_hours") > 24 * 6
        assert last("unanswered") == 1
        # Wrote: a, b, c, d (comments), the volunteer; liked: person 5; signed up: person 6.
        assert last("active_people") == 7
        assert last("reports") == 2
        assert last("report_median_hours") > 3  # one handled in 3 h, one open for days
        assert last("events") == 1 and last("fill_rate") == 60 and last("waitlisted") == 1
        assert last("signups") == 1
        assert measured.values("registrations")[:-3] == [0] * 9


def test_small_counts_of_people_show_as_less_than_five(app, known_data):
    from app.services import dashboard

    with app.test_request_context():
        measured = dashboard.measurements(GoalPeriod.WEEK, now=known_data["periods"].now)
        assert measured.shown("registrations")[-3:-1] == ["<5", 6]
        assert measured.shown("waitlisted")[-2] == "<5"  # one person waiting
        assert measured.shown("unanswered")[-2] == 1  # discussions are not people: shown as they are
        assert measured.shown("discussions")[-2] == 3


def test_the_page_shows_charts_tables_and_suppressed_counts(app, client, known_data):
    client.login(known_data["volunteer"])
    page = text_of(client.get("/organizer/"))
    assert page.count('role="img"') == 18  # one chart per series
    assert "<title id=" in page and "<desc id=" in page
    assert "&lt;5" in page
    assert 'style="' not in page.split("<main", 1)[1]  # strict CSP: classes only
    assert "not recorded" in page  # attendance, unsubscribes, bounces
    assert "/organizer/export/registrations.csv?period=week" in page


def test_the_header_links_the_dashboard_for_organizers_only(client, make_user):
    client.login(make_user(Role.MEMBER))
    assert "/organizer/" not in text_of(client.get("/"))
    client.logout()
    client.login(make_user(Role.VOLUNTEER))
    assert 'href="/organizer/"' in text_of(client.get("/"))


@pytest.mark.parametrize("query", ["period=month", "period=year", "period=%00", "period=week&period=month",
                                   "period=" + "x" * 5000, "period[]=week"])
def test_the_period_switch_never_fails(client, make_user, query):
    """Junk falls back to weeks (a NUL byte is refused by the app's input check before any view)."""
    client.login(make_user(Role.VOLUNTEER))
    expected = 400 if "%00" in query else 200
    assert client.get(f"/organizer/?{query}").status_code == expected
    assert client.get(f"/organizer/export/signups.csv?{query}").status_code == expected


def test_csv_of_a_series(app, client, known_data):
    client.login(known_data["volunteer"])
    response = client.get("/organizer/export/registrations.csv?period=week")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="registrations-weeks.csv"'
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["First day", "Period", "New registrations"]
    assert len(rows) == 13
    assert [row[2] for row in rows[-3:-1]] == ["<5", "6"]
    assert rows[-2][0] == known_data["periods"].days[-3].isoformat()  # days ends with where the current week ends
    assert client.get("/organizer/export/nonsense.csv").status_code == 404


def test_csv_cells_cannot_become_formulas():
    from app.spreadsheet import csv_safe

    assert csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("<5") == "<5"
    assert csv_safe(-3) == -3  # numbers stay numbers


def _goal_form(client, **data):
    return client.submit("/organizer/goals", {"metric": "active_people", "period": "month", "target": "40", **data})


def test_admins_set_goals_and_each_change_is_audited(app, client, make_user):
    admin = make_user(Role.ADMIN)
    client.login(admin)
    response = _goal_form(client)
    assert response.status_code == 302
    assert _goal_form(client, target="45").status_code == 302  # replaces the first
    with app.app_context():
        goals = db.session.scalars(select(Goal).order_by(Goal.id)).all()
        assert [g.target for g in goals if g.archived_at is None] == [45]
        assert len(goals) == 2 and goals[0].archived_at is not None
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.GOAL_SET)
                                     .order_by(AuditEntry.id)).all()
        assert [e.new_value for e in entries] == ["active_people >= 40 per month", "active_people >= 45 per month"]
        assert entries[1].old_value == "active_people >= 40 per month"
        assert entries[1].actor_id == admin.id
        goal_id = goals[1].id
    page = text_of(client.get("/organizer/"))
    assert "at least 45 per month" in page
    response = client.submit(f"/organizer/goals/{goal_id}/archive", form_url="/organizer/goals")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Goal, goal_id).archived_at is not None
        assert db.session.scalar(select(AuditEntry.old_value).where(
            AuditEntry.action == AuditAction.GOAL_ARCHIVED)) == "active_people >= 45 per month"
    assert "No goals are set yet." in text_of(client.get("/organizer/"))


@pytest.mark.parametrize("data, message", [
    ({"metric": "fill_rate", "target": "150"}, "A percentage is at most 100."),
    ({"target": "-1"}, "Please enter a number from 0 to 1000000."),
    ({"target": "lots"}, "Not a valid decimal value."),
    ({"metric": "nonsense"}, "Not a valid choice."),
    ({"period": "year"}, "Not a valid choice."),
])
def test_goals_are_validated(app, client, make_user, data, message):
    client.login(make_user(Role.ADMIN))
    response = _goal_form(client, **data)
    assert response.status_code == 400
    assert message in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Goal)) is None


def test_volunteers_see_goals_but_do_not_set_them(app, client, make_user):
    from app.services.goals import set_goal

    admin = make_user(Role.ADMIN)
    with app.test_request_context():
        set_goal(db.session.get(User, admin.id), GoalMetric.FIRST_REPLY_MAX_HOURS, GoalPeriod.WEEK, 48)
        db.session.commit()
    client.login(make_user(Role.VOLUNTEER))
    page = text_of(client.get("/organizer/?period=month"))  # a weekly goal on the monthly view
    assert "at most 48 per week" in page
    assert "/organizer/goals" not in page
    assert client.get("/organizer/goals").status_code == 403


def test_goal_progress_and_trend(app, known_data, make_user):
    from app.services import dashboard, goals

    with app.test_request_context():
        goal = Goal(metric=GoalMetric.REGISTRATIONS, target=5, period=GoalPeriod.WEEK)
        slow = Goal(metric=GoalMetric.FIRST_REPLY_MEDIAN_HOURS, target=12, period=GoalPeriod.WEEK)
        measured = {GoalPeriod.WEEK: dashboard.measurements(GoalPeriod.WEEK, now=known_data["periods"].now)}
        registrations, replies = goals.progress([goal, slow], measured)
    assert registrations.previous == 6 and registrations.met[-2] is True and registrations.met[-3] is False
    assert registrations.met_count == 1 and registrations.measured_count == 11
    assert registrations.trend == "better"  # 2, then 6
    assert replies.met[-2] is True  # median 10 h <= 12 h
    assert replies.met[-3] is None and replies.measured_count == 1  # no discussion that week: nothing measured


def _bulk(app, author_id, size):
    """`size` posts, comments, likes, sign-ups, reports and mail preferences spread over the last months."""
    from app.models.types import utcnow

    now = utcnow()
    with app.app_context():
        users = [{"email": f"bulk{size}-{n}@example.org", "display_name": f"B {n}", "password_hash": "x",
                  "role": "alumnus", "session_version": 1, "created_at": now - timedelta(days=n % 300),
                  "mail_consent_at": now - timedelta(days=n % 50)} for n in range(size)]
        db.session.execute(insert(User), users)
        user_ids = db.session.scalars(select(User.id).where(User.email.like(f"bulk{size}-%"))).all()
        db.session.execute(insert(Post), [
            {"kind": ("discussion", "news")[n % 2], "title": "T", "body_source": "b", "body_html": "b", "excerpt": "b",
             "visibility": "public", "public_teaser": False, "status": "published", "pinned": False, "locked": False,
             "author_id": user_ids[n % len(user_ids)], "created_at": now - timedelta(hours=7 * n),
             "last_activity_at": now, "comment_count": 1, "like_count": 0} for n in range(size)])
        post_ids = db.session.scalars(select(Post.id).where(Post.author_id.in_(user_ids))).all()
        db.session.execute(insert(Comment), [
            {"post_id": pid, "author_id": author_id, "body_source": "c", "body_html": "c", "status": "published",
             "created_at": now - timedelta(hours=n), "like_count": 0, "path": "x", "depth": 0}
            for n, pid in enumerate(post_ids)])
        db.session.execute(insert(PostLike), [{"post_id": pid, "user_id": author_id, "created_at": now}
                                              for pid in post_ids])
        db.session.execute(insert(Report), [{"post_id": pid, "reason": "spam", "note": "", "created_at": now}
                                            for pid in post_ids[:size // 2]])
        db.session.execute(insert(MailPreference), [{"user_id": uid, "kind": "news", "mode": "weekly",
                                                     "sent_until": now} for uid in user_ids])
        start = now - timedelta(days=3)
        event_id = db.session.execute(insert(Event).values(
            title="E", starts_at=start, ends_at=start + timedelta(hours=1), capacity=size * 2, seats_taken=size,
            visibility="public", timezone="Europe/Berlin", waitlist_enabled=True, max_guests=0,
            description_source="", description_html="", place="", online_url="", note_label="",
            created_at=now)).inserted_primary_key[0]
        db.session.execute(insert(Signup), [{"event_id": event_id, "user_id": uid, "status": "confirmed", "guests": 0,
                                             "note": "", "queued_at": now} for uid in user_ids])
        db.session.commit()


def test_the_dashboard_runs_a_fixed_number_of_queries(app, client, make_user):
    admin = make_user(Role.ADMIN)
    client.login(admin)
    with app.test_request_context():
        from app.services.goals import set_goal

        set_goal(db.session.get(User, admin.id), GoalMetric.ACTIVE_PEOPLE, GoalPeriod.MONTH, 40)
        db.session.commit()
    counts = {}
    for size in (10, 400):
        _bulk(app, admin.id, size)
        for kind in ("week", "month"):
            with count_queries(app) as statements:
                response = client.get(f"/organizer/?period={kind}")
            assert response.status_code == 200
            counts[(kind, size)] = len(statements)
    assert counts[("week", 10)] == counts[("week", 400)], counts
    assert counts[("month", 10)] == counts[("month", 400)], counts
    assert counts[("week", 400)] <= 25 and counts[("month", 400)] <= 25, counts
