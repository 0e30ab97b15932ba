"""Load what a URL names, or 404: the first of a view's three beats, shared by every blueprint.

Each loader asks the policy, so an object the viewer may not see looks exactly like one that does not
exist (members-only posts and events included).
"""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.routing import IntegerConverter

from app import policy
from app.extensions import db
from app.models.attachment import Attachment
from app.models.event import Event
from app.models.post import Comment, Post

# Ids are PostgreSQL `integer`s; SQLite's are 64-bit. Larger numbers never reach the database: a URL
# with one does not match its route (404), a form or query string with one is answered 404 as well.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000


class IdConverter(IntegerConverter):
    """The app's `<int:...>`: 0 .. MAX_ID. Out of range, the rule does not match, so the answer is a 404
    instead of an overflow inside the database driver."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def id_or_404(value) -> int:
    """An id typed into a form or a query string: digits within range, or 404."""
    text = str(value or "")
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        abort(404)
    return int(text)


def page_number(name: str = "page") -> int:
    """`?page=`: 1 when absent; junk or out of range is a 404 (never an offset the database chokes on)."""
    value = request.args.get(name)
    if value is None:
        return 1
    if not value.isdigit() or not 0 < int(value) <= MAX_PAGE:
        abort(404)
    return int(value)


def load_post(post_id: int, *, allow_teaser: bool = False) -> Post:
    """The post if the viewer may read it (or only its teaser, where allowed); otherwise 404."""
    post = db.session.scalar(select(Post).where(Post.id == id_or_404(post_id))
                             .options(joinedload(Post.author), joinedload(Post.category), joinedload(Post.idea)))
    if post is None:
        abort(404)
    if policy.can_read_post(current_user, post):
        return post
    if allow_teaser and policy.shows_teaser(current_user, post):
        return post
    abort(404)


def load_comment(comment_id: int) -> Comment:
    """The comment if the viewer may read its post; otherwise 404."""
    comment = db.session.scalar(select(Comment).where(Comment.id == id_or_404(comment_id))
                                .options(joinedload(Comment.post), joinedload(Comment.author)))
    if comment is None or not policy.can_read_post(current_user, comment.post):
        abort(404)
    if comment.is_pending and not policy.can_see_comment_text(current_user, comment):
        abort(404)
    return comment


def load_event(event_id: int) -> Event:
    """The event if the viewer may see it; otherwise 404 (members-only events included)."""
    event = db.session.scalar(select(Event).where(Event.id == id_or_404(event_id))
                              .options(joinedload(Event.discussion)))
    if event is None or not policy.can_read_event(current_user, event):
        abort(404)
    return event


def load_event_of_discussion(post: Post) -> Event:
    """The event whose discussion `post` is (an event's comments live on the event page)."""
    event = db.session.scalar(select(Event).where(Event.discussion_id == post.id))
    if event is None or not policy.can_read_event(current_user, event):
        abort(404)
    return event


def load_attachment(attachment_id: int) -> Attachment:
    """The photo or file if the viewer may see what it is attached to (its uploader: a draft); otherwise 404."""
    attachment = db.session.get(Attachment, id_or_404(attachment_id))
    if attachment is None or not policy.can_see_attachment(current_user, attachment):
        abort(404)
    return attachment
