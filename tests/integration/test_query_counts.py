"""Pages run a fixed number of SQL queries, whatever the number of posts, comments or likes."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, insert

from app import site
from app.extensions import db
from app.models.post import Comment, CommentLike, Post
from app.models.types import utcnow
from app.models.user import Role

MAX_QUERIES = 10


@contextmanager
def count_queries(app):
    """Statements of the requests inside the block; the site's settings are read before (a process reads them
    once per SETTINGS_CACHE_SECONDS, not per request: see app.site)."""
    statements = []
    with app.app_context():
        engine = db.engine
        site.get("site_name")

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def seed_thread(app, author_id, liker_ids, comments: int, posts: int = 30):
    """`posts` posts, the first with a thread of `comments` comments nested up to depth 8, each liked."""
    now = utcnow()
    with app.app_context():
        rows = [{"kind": "discussion", "title": f"Post {n}", "body_source": "b", "body_html": "<p>b</p>",
                 "excerpt": "b", "visibility": "public", "public_teaser": False, "status": "published",
                 "pinned": False, "locked": False, "author_id": author_id, "created_at": now,
                 "last_activity_at": now, "comment_count": 0, "like_count": 0} for n in range(posts)]
        db.session.execute(insert(Post), rows[1:])
        thread_post = Post(**rows[0])
        db.session.add(thread_post)
        db.session.flush()
        post_id = thread_post.id
        parents: list[Comment] = []
        for number in range(comments):
            parent = parents[-1] if parents and len(parents) < 8 and number % 3 else None
            if parent is None:
                parents = []
            comment = Comment(post_id=post_id, author_id=liker_ids[number % len(liker_ids)], body_source="c",
                              body_html=f"<p>c{number}</p>", parent_id=parent.id if parent else None,
                              depth=len(parents), created_at=now)
            db.session.add(comment)
            db.session.flush()
            comment.path = (parent.path + "." if parent else "") + str(comment.id).zfill(10)
            comment.root_id = parent.root_id if parent else comment.id
            parents.append(comment)
        db.session.flush()
        comment_ids = db.session.scalars(db.select(Comment.id).where(Comment.post_id == post_id)).all()
        db.session.execute(insert(CommentLike), [{"comment_id": cid, "user_id": uid, "created_at": now}
                                                 for cid in comment_ids for uid in liker_ids])
        db.session.execute(db.update(Post).where(Post.id == post_id).values(comment_count=comments))
        db.session.commit()
        return post_id


@pytest.mark.parametrize("role", [None, Role.ALUMNUS, Role.VOLUNTEER])
def test_query_count_does_not_grow_with_the_data(app, client, make_user, role):
    author = make_user(Role.MEMBER)
    likers = [make_user().id for _ in range(3)]
    if role is not None:
        client.login(make_user(role))
    counts = {}
    for size in (10, 1000):
        post_id = seed_thread(app, author.id, likers, comments=size)
        for name, url in (("feed", "/"), ("post", f"/posts/{post_id}"), ("older", "/?before=9999999999.0_999999")):
            with count_queries(app) as statements:
                response = client.get(url)
            assert response.status_code == 200
            counts[(name, size)] = len(statements)
        assert f"c{size - 1}</p>" in response.get_data(as_text=True) or name == "older"
    for name in ("feed", "post", "older"):
        assert counts[(name, 10)] == counts[(name, 1000)], counts
        assert counts[(name, 1000)] <= MAX_QUERIES, counts


@pytest.mark.parametrize("role", [None, Role.MEMBER])
def test_event_pages_have_a_fixed_query_count(app, client, make_user, make_event, role):
    from app.models.event import Signup

    if role is not None:
        client.login(make_user(role))
    counts = {}
    for size in (3, 60):
        events = [make_event(title=f"Event {n}", capacity=1000) for n in range(size)]
        with app.app_context():
            people = [make_user().id for _ in range(size)]
            db.session.execute(insert(Signup), [
                {"event_id": events[0].id, "user_id": uid, "status": "confirmed", "guests": 0, "note": "",
                 "queued_at": utcnow()} for uid in people])
            db.session.commit()
        for name, url in (("list", "/events/"), ("event", f"/events/{events[0].id}")):
            with count_queries(app) as statements:
                assert client.get(url).status_code == 200
            counts[(name, size)] = len(statements)
    for name in ("list", "event"):
        assert counts[(name, 3)] == counts[(name, 60)] <= MAX_QUERIES, counts


def test_my_events_has_a_fixed_query_count(app, client, make_user, make_event):
    from app.models.event import Signup

    person = make_user(Role.MEMBER)
    client.login(person)
    counts = {}
    for size in (3, 60):
        events = [make_event(title=f"Event {n}") for n in range(size)]
        with app.app_context():
            db.session.execute(insert(Signup), [
                {"event_id": event.id, "user_id": person.id, "status": "confirmed", "guests": 0, "note": "",
                 "queued_at": utcnow()} for event in events])
            db.session.commit()
        with count_queries(app) as statements:
            page = client.get("/events/mine")
        assert page.status_code == 200 and page.get_data(as_text=True).count('href="/events/') >= size
        counts[size] = len(statements)
    assert counts[3] == counts[60] <= MAX_QUERIES, counts


def seed_notifications(app, user_id: int, actor_id: int, size: int) -> None:
    """`size` notifications for one person: new comments in followed threads, ten per thread (one thread per
    notification up to ten), the newest third unread, each with its comment."""
    from app.models.notification import Notification

    now = utcnow()
    threads = size if size <= 10 else size // 10
    with app.app_context():
        posts = [Post(kind="discussion", title=f"Thread {n}", body_source="b", body_html="<p>b</p>", excerpt="b",
                      visibility="public", public_teaser=False, status="published", pinned=False, locked=False,
                      author_id=actor_id, created_at=now, last_activity_at=now, comment_count=0, like_count=0)
                 for n in range(threads)]
        db.session.add_all(posts)
        db.session.flush()
        comments = [Comment(post_id=posts[n % threads].id, author_id=actor_id, body_source="c", body_html="<p>c</p>",
                            path="", created_at=now) for n in range(size)]
        db.session.add_all(comments)
        db.session.flush()
        db.session.execute(insert(Notification), [
            {"user_id": user_id, "kind": "mention" if n % 7 == 0 else "followed", "post_id": comment.post_id,
             "comment_id": comment.id, "actor_id": actor_id, "created_at": now - timedelta(minutes=size - n),
             "read_at": None if n > size * 2 // 3 else now} for n, comment in enumerate(comments)])
        db.session.commit()


def test_notifications_page_has_a_fixed_query_count(app, client, make_user):
    """The bell's page reads one page of lines with a bounded number of notifications each, whatever the person
    has: the same statements for 10 notifications as for 1,000."""
    counts, lines = {}, {}
    for size in (10, 1000):
        person = make_user(Role.MEMBER)
        seed_notifications(app, person.id, make_user().id, size)
        client.login(person)
        first_page = ""
        for page in ("first", "older"):
            url = "/notifications/"
            if page == "older":
                url += "?before=" + first_page.split('notifications/?before=', 1)[1].split('"', 1)[0]
            with count_queries(app) as statements:
                response = client.get(url)
            assert response.status_code == 200
            counts[(page, size)] = len(statements)
            lines[(page, size)] = response.get_data(as_text=True).count('notification-link"')
            if page == "first":
                first_page = response.get_data(as_text=True)
                if "notifications/?before=" not in first_page:
                    break
        client.logout()
    assert lines[("first", 10)] == 10 and lines[("first", 1000)] == 20 and lines[("older", 1000)] == 20, lines
    assert counts[("first", 10)] == counts[("first", 1000)] == counts[("older", 1000)] <= MAX_QUERIES, counts
