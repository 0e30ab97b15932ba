"""Load a post or comment for a view, or 404: the first of a view's three beats."""

from __future__ import annotations

from flask import abort
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import policy
from app.extensions import db
from app.models.post import Comment, Post


def load_post(post_id: int, *, allow_teaser: bool = False) -> Post:
    """The post if the viewer may read it (or only its teaser, where allowed); otherwise 404."""
    post = db.session.scalar(select(Post).where(Post.id == post_id)
                             .options(joinedload(Post.author), joinedload(Post.category)))
    if post is None:
        abort(404)
    if policy.can_read_post(current_user, post):
        return post
    if allow_teaser and policy.shows_teaser(current_user, post):
        return post
    abort(404)


def load_comment(comment_id: int) -> Comment:
    """The comment if the viewer may read its post; otherwise 404."""
    comment = db.session.scalar(select(Comment).where(Comment.id == comment_id)
                                .options(joinedload(Comment.post), joinedload(Comment.author)))
    if comment is None or not policy.can_read_post(current_user, comment.post):
        abort(404)
    if comment.is_pending and not policy.can_see_comment_text(current_user, comment):
        abort(404)
    return comment


def posting_key() -> str:
    """Rate-limit per person (logged in), not per address."""
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def posting_limit() -> str:
    from flask import current_app

    return current_app.config["POSTING_RATE_LIMIT"]
