"""Reading: the feed with keyset pagination, and what a person liked on a post (threads: app.services.threads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import literal, select, tuple_, union_all
from sqlalchemy.orm import defer, joinedload

from app.extensions import db
from app.models.post import Category, Comment, CommentLike, Post, PostKind, PostLike

PAGE_SIZE = 20
PINNED_MAX = 5  # pinned posts shown above the feed; more pinned ones take their place in time order
MAX_CURSOR_ID = 2**31 - 1  # ids are PostgreSQL integers; a larger one is junk, not a position


@dataclass
class FeedPage:
    posts: list[Post]
    pinned: list[Post]
    next_cursor: str | None


def encode_cursor(post: Post) -> str:
    return f"{post.last_activity_at.timestamp():.6f}_{post.id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """A cursor is '<timestamp>_<id>' of the last post shown; anything else means the first page."""

    if not cursor:
        return None
    stamp, _, post_id = cursor.partition("_")
    if not post_id.isdigit() or int(post_id) > MAX_CURSOR_ID:
        return None
    try:
        return datetime.fromtimestamp(float(stamp), tz=UTC), int(post_id)
    except (ValueError, OverflowError, OSError):
        return None


def feed_page(visible, *, kind: str | None = None, category: Category | None = None,
              cursor: str | None = None, page_size: int = PAGE_SIZE, with_body: bool = False) -> FeedPage:
    """One page of the feed under the `visible` clause from the policy.

    Keyset pagination on (last_activity_at, id): a page continues strictly after the last post
    shown, so posts arriving meanwhile never shift what "older posts" shows.
    """
    # The poll comes in the same query (one row per post at most): the card says "Poll, open until …".
    query = (select(Post).where(visible)
             .options(joinedload(Post.author), joinedload(Post.category), joinedload(Post.idea),
                      joinedload(Post.poll)))
    if not with_body:  # lists show the excerpt; the bodies are most of a post's bytes
        query = query.options(defer(Post.body_source), defer(Post.body_html))
    if kind in (PostKind.NEWS, PostKind.DISCUSSION):
        query = query.where(Post.kind == kind)
    if category is not None:
        query = query.where(Post.category_id == category.id)
    # The pinned block heads the first page; every page leaves those posts out of the list below it, so no
    # post is ever shown twice while paging (one small query on later pages, on the pinned index).
    pinned_query = query.where(Post.pinned.is_(True)).order_by(Post.last_activity_at.desc(), Post.id.desc())
    position = decode_cursor(cursor)
    pinned: list[Post] = []
    if position is None:
        pinned = list(db.session.scalars(pinned_query.limit(PINNED_MAX)))
        pinned_ids = [post.id for post in pinned]
    else:
        pinned_ids = list(db.session.scalars(pinned_query.with_only_columns(Post.id).limit(PINNED_MAX)))
        stamp, post_id = position
        # A row value, not `a < x OR (a = x AND id < y)`: SQLite and PostgreSQL seek the index to it, where the OR
        # form read every newer row first (so a deep page cost more the deeper it was).
        query = query.where(tuple_(Post.last_activity_at, Post.id) < tuple_(stamp, post_id))
    if pinned_ids:
        query = query.where(Post.id.not_in(pinned_ids))
    rows = list(db.session.scalars(query.order_by(Post.last_activity_at.desc(), Post.id.desc())
                                   .limit(page_size + 1)))
    more = len(rows) > page_size
    rows = rows[:page_size]
    return FeedPage(posts=rows, pinned=pinned, next_cursor=encode_cursor(rows[-1]) if more and rows else None)


def liked_by(user, post: Post) -> tuple[bool, set[int]]:
    """Whether `user` liked the post, and which of its comments: two queries, whatever the size."""
    if user is None or not user.is_authenticated:
        return False, set()
    # One statement: the post's like (as comment id 0) and the comments' likes.
    rows = set(db.session.scalars(union_all(
        select(literal(0)).select_from(PostLike).where(PostLike.post_id == post.id, PostLike.user_id == user.id),
        select(CommentLike.comment_id).join(Comment, Comment.id == CommentLike.comment_id)
        .where(Comment.post_id == post.id, CommentLike.user_id == user.id))))
    return 0 in rows, rows - {0}
