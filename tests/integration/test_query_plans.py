"""Every feed page is an index range seek, never a scan of the posts: a deep page costs what the first one does.

The statements come from the real pages (the test client as a visitor and as a member: the feed, an older page, the
kind and category filters, the members area), and each is explained with its own parameters. SQLite is explained
as the app leaves it (no ANALYZE: it plans without statistics); PostgreSQL after ANALYZE of a few thousand posts,
so the planner chooses by its real statistics, with sequential scans allowed.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, text

from app import site
from app.extensions import db
from app.models.post import Category, Post
from app.models.types import utcnow
from app.models.user import Role

POSTS = 3_000


def seed_posts(app, author_ids) -> None:
    """POSTS posts over a year: news and discussions, a tenth members-only (half with a teaser), some held or
    hidden, most in one of two categories."""
    now = utcnow()
    with app.app_context():
        db.session.add_all([Category(slug="campus", name="Campus"), Category(slug="careers", name="Careers")])
        db.session.flush()
        categories = [None, *db.session.scalars(db.select(Category.id)).all()]
        rows = []
        for n in range(POSTS):
            created = now - timedelta(days=365) + timedelta(minutes=175 * n)
            rows.append({"kind": "news" if n % 5 == 0 else "discussion", "title": f"Post {n}", "body_source": "b",
                         "body_html": "<p>b</p>", "excerpt": "b", "category_id": categories[n % 3],
                         "visibility": "members" if n % 10 == 3 else "public", "public_teaser": n % 20 == 3,
                         "status": "pending" if n % 97 == 5 else "published", "pinned": n in (2990, 2995),
                         "locked": False, "hidden_at": created if n % 89 == 7 else None,
                         "author_id": author_ids[n % len(author_ids)], "created_at": created,
                         "last_activity_at": created, "comment_count": 0, "like_count": 0})
        db.session.execute(insert(Post), rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))


@contextmanager
def post_statements(app):
    """The statements that read posts during the block, with their parameters."""
    seen = []
    with app.app_context():
        engine = db.engine
        site.get("site_name")

    def record(conn, cursor, statement, parameters, context, executemany):
        if re.search(r"\bFROM posts\b", statement) and not statement.lstrip().upper().startswith("EXPLAIN"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def plan_of(app, statement: str, parameters) -> str:
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return "\n".join(row[-1] for row in rows)
        rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        return "\n".join(row[0] for row in rows)


def older_link(page: str) -> str:
    marker = 'href="/?before='
    assert marker in page, "the first page links to older posts"
    return "/?before=" + page.split(marker, 1)[1].split('"', 1)[0].replace("&amp;", "&")


@pytest.mark.parametrize("role", [None, Role.MEMBER])
def test_feed_pages_seek_the_index_and_never_scan_the_posts(app, client, make_user, role):
    authors = [make_user(Role.MEMBER).id for _ in range(3)]
    seed_posts(app, authors)
    if role is not None:
        client.login(make_user(role))
    first = client.get("/")
    assert first.status_code == 200
    older = older_link(first.get_data(as_text=True))
    pages = ["/", older, older + "&kind=news", "/?kind=discussion", "/?category=campus", older + "&category=careers"]
    if role is not None:
        pages += ["/members/", "/members/?before=" + older.split("before=", 1)[1]]
    plans, older_pages = {}, {}
    for url in pages:
        with post_statements(app) as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        assert statements, f"{url} read no posts"
        for number, (statement, parameters) in enumerate(statements):
            plans[f"{url} #{number}"] = plan_of(app, statement, parameters)
            if "before=" in url and "posts.title" in statement:  # the page itself, not the pinned posts' ids
                older_pages[url] = plans[f"{url} #{number}"]
    for name, plan in plans.items():
        assert "SCAN posts" not in plan, f"{name}:\n{plan}"
        assert "Seq Scan on posts" not in plan, f"{name}:\n{plan}"
        assert "TEMP B-TREE FOR ORDER BY" not in plan, f"{name} sorts its rows:\n{plan}"
    # An older page starts at the cursor: the seek is bounded by it, so it does not read every newer post first.
    assert len(older_pages) == (4 if role else 3), older_pages.keys()
    for url, plan in older_pages.items():
        bounded = re.search(r"SEARCH posts USING .*last_activity_at<\?", plan) or re.search(
            r"Index Cond: .*ROW\(last_activity_at, id\) <", plan)
        assert bounded, f"{url} does not seek to its cursor:\n{plan}"


def test_older_pages_follow_the_order_without_gaps_or_repeats(app, client, make_user):
    """The row-value cursor continues strictly after the last post shown, ties on the timestamp included."""
    authors = [make_user(Role.MEMBER).id for _ in range(2)]
    seed_posts(app, authors)
    with app.app_context():
        stamp = utcnow() - timedelta(days=400)  # older than every seeded post: 45 posts share one timestamp
        db.session.execute(db.update(Post).where(Post.id.in_(db.select(Post.id).order_by(Post.id).limit(45)))
                           .values(last_activity_at=stamp))
        db.session.commit()
        from app import policy

        expected = db.session.scalars(db.select(Post.id).where(policy.public_feed_posts(None))
                                      .where(Post.pinned.is_(False))
                                      .order_by(Post.last_activity_at.desc(), Post.id.desc())).all()
    from app.services import feed_queries

    shown, cursor = [], None
    with app.test_request_context():
        from app import policy

        while True:
            page = feed_queries.feed_page(policy.public_feed_posts(None), cursor=cursor, page_size=50)
            shown += [post.id for post in page.posts]
            cursor = page.next_cursor
            if cursor is None:
                break
    assert shown == expected
