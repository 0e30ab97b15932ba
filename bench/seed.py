"""Build a bench database: the schema from the migrations, then the data set in bulk.

Rows go in through SQLAlchemy Core `insert()` with lists of parameter sets (executemany), a batch
at a time, against the models' tables so column types (UTC datetimes) are processed as the app does.
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass

from flask import Flask
from sqlalchemy import func, insert, select, text

BATCH = 1_000


@dataclass
class Sizes:
    users: int
    categories: int
    posts: int
    posts_in_public_feed: int
    comments: int
    post_likes: int
    comment_likes: int
    thread_post_id: int
    thread_comments: int
    thread_visible_to_visitors: int
    thread_max_depth: int
    thread_roots: int

    def as_dict(self) -> dict:
        return asdict(self)


def migrate(app: Flask) -> None:
    """The schema comes only from the migrations, as in production."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def seed(app: Flask) -> float:
    """Insert the whole data set; returns the seconds it took (hashing and generation included)."""
    from werkzeug.security import generate_password_hash

    from app.extensions import db
    from app.models.post import Category, Comment, CommentLike, Post, PostLike
    from app.models.types import utcnow
    from app.models.user import User
    from bench import dataset

    began = time.perf_counter()
    # One real scrypt hash shared by every account: hashing 200 passwords would cost ~20 s of CPU.
    password_hash = generate_password_hash("bench-password-not-secret", method=app.config["PASSWORD_HASH_METHOD"])
    data = dataset.build(utcnow(), password_hash)
    tables = ((User, data.users), (Category, data.categories), (Post, data.posts), (Comment, data.comments),
              (PostLike, data.post_likes), (CommentLike, data.comment_likes))
    with app.app_context(), db.engine.begin() as conn:
        for model, rows in tables:
            for start in range(0, len(rows), BATCH):
                conn.execute(insert(model.__table__), rows[start:start + BATCH])
            print(f"    {model.__tablename__}: {len(rows)} rows", file=sys.stderr)
        if conn.dialect.name == "postgresql":
            _advance_sequences(conn, (User.__table__, Category.__table__, Post.__table__, Comment.__table__))
    with app.app_context():
        _analyze(db.engine)
    return time.perf_counter() - began


def _advance_sequences(conn, tables) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them on so the app could still insert."""
    for table in tables:
        highest = select(func.max(table.c.id)).scalar_subquery()
        conn.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"), highest)))


def _analyze(engine) -> None:
    """PostgreSQL: VACUUM ANALYZE, as autovacuum would do shortly after a bulk load, so plans are stable
    from the first request. SQLite is left as the app leaves it (no sqlite_stat1): nothing runs ANALYZE there."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def describe(app: Flask) -> Sizes | None:
    """Sizes counted from the database itself (so --skip-seed reports what is really there),
    or None when it holds no bench data."""
    from sqlalchemy.exc import SQLAlchemyError

    from app import policy
    from app.extensions import db
    from app.models.post import Category, Comment, CommentLike, Post, PostLike
    from app.models.user import User

    def count(*what):
        return db.session.scalar(select(func.count()).select_from(*what))

    with app.app_context():
        try:
            thread_post_id = db.session.scalar(select(Post.id).order_by(Post.comment_count.desc()).limit(1))
        except SQLAlchemyError:  # no schema yet
            db.session.rollback()
            return None
        if thread_post_id is None:
            return None
        in_thread = Comment.post_id == thread_post_id
        return Sizes(
            users=count(User), categories=count(Category),
            posts=count(Post),
            posts_in_public_feed=db.session.scalar(select(func.count()).select_from(Post)
                                                   .where(policy.public_feed_posts(None))),
            comments=count(Comment), post_likes=count(PostLike), comment_likes=count(CommentLike),
            thread_post_id=thread_post_id,
            thread_comments=db.session.scalar(select(func.count()).where(in_thread)),
            thread_visible_to_visitors=db.session.scalar(select(func.count()).where(
                in_thread, Comment.status == "published")),
            thread_max_depth=db.session.scalar(select(func.max(Comment.depth)).where(in_thread)),
            thread_roots=db.session.scalar(select(func.count()).where(in_thread, Comment.parent_id.is_(None))),
        )
