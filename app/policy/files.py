"""Photos and files of posts, comments and events."""

from __future__ import annotations

from app.policy.content import _user_id, can_read_post, can_see_comment_text
from app.policy.events import can_read_event
from app.policy.roles import can_moderate, can_post, is_volunteer

__all__ = ["can_add_event_photos", "can_see_attachment", "is_public_attachment"]


# ---------------------------------------------------------------- photos and files
# An attachment is seen by exactly those who see what it is attached to, at the moment of asking.


def can_see_attachment(user, attachment) -> bool:
    if attachment.is_draft:
        return _user_id(user) == attachment.owner_id
    if attachment.hidden_at is not None and not can_moderate(user):
        return False
    if attachment.post is not None:
        post = attachment.post
        return can_read_post(user, post) and (not post.is_hidden or can_moderate(user))
    if attachment.comment is not None:
        comment = attachment.comment
        return (can_read_post(user, comment.post) and not comment.post.is_hidden
                and can_see_comment_text(user, comment))
    return attachment.event is not None and can_read_event(user, attachment.event)


def is_public_attachment(attachment) -> bool:
    """Seen by anyone without logging in: browsers and proxies may keep it."""
    return can_see_attachment(None, attachment) and attachment.hidden_at is None


def can_add_event_photos(user, event, signed_up: bool) -> bool:
    """After an event: its attendees, volunteers and (for members-only events) members add photos."""
    return can_post(user) and can_read_event(user, event) and (signed_up or is_volunteer(user))
