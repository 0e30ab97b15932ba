"""Load what a URL names, or 404: the first of a view's three beats, shared by every blueprint.

Each loader asks the policy, so an object the viewer may not see looks exactly like one that does not
exist (members-only posts and events included).
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import policy
from app.extensions import db
from app.models.event import Event
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


def load_event(event_id: int) -> Event:
    """The event if the viewer may see it; otherwise 404 (members-only events included)."""
    event = db.session.scalar(select(Event).where(Event.id == event_id).options(joinedload(Event.discussion)))
    if event is None or not policy.can_read_event(current_user, event):
        abort(404)
    return event


def load_event_of_discussion(post: Post) -> Event:
    """The event whose discussion `post` is (an event's comments live on the event page)."""
    event = db.session.scalar(select(Event).where(Event.discussion_id == post.id))
    if event is None or not policy.can_read_event(current_user, event):
        abort(404)
    return event
