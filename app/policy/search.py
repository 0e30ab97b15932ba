"""Search: which posts, teasers, comments, events and documents a person's search may find."""

from __future__ import annotations

from sqlalchemy import and_, false, or_, true

from app.models.post import Comment, Post, Status, Visibility
from app.policy.content import _in_feeds, _published_or_own, _user_id
from app.policy.events import members_area_events, public_events
from app.policy.offers import open_opportunities
from app.policy.roles import can_enter_members_area, can_moderate, is_member

__all__ = [
    "searchable_comments", "searchable_documents", "searchable_events", "searchable_opportunities",
    "searchable_posts", "searchable_teasers",
]


# ---------------------------------------------------------------- search
# Search joins each hit to its row and keeps it only when these clauses (the feeds' own) allow it.


def searchable_posts(user):
    """Posts whose whole text may be matched: what the feeds show in full to this person."""
    readable = or_(Post.visibility == Visibility.PUBLIC, true() if is_member(user) else false())
    return and_(_in_feeds(), _published_or_own(Post, user), readable)


def searchable_teasers(user):
    """Members-only posts with a public teaser: non-members may match their title and teaser only."""
    if is_member(user):
        return false()
    return and_(_in_feeds(), _published_or_own(Post, user), Post.visibility == Visibility.MEMBERS,
                Post.public_teaser.is_(True))


def searchable_comments(user):
    """Comments whose text this person sees on a post they may read (not deleted, hidden or held)."""
    readable = or_(Post.visibility == Visibility.PUBLIC, true() if is_member(user) else false())
    own = _user_id(user)
    shown = and_(Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
                 or_(Comment.status == Status.PUBLISHED, true() if can_moderate(user) else
                     (Comment.author_id == own) if own else false()))
    return and_(Post.hidden_at.is_(None), _published_or_own(Post, user), readable, shown)


def searchable_opportunities(user):
    """Offers found by search: exactly those the board shows this person."""
    return open_opportunities(user)


def searchable_events(user):
    return or_(public_events(), members_area_events(user))


def searchable_documents(user):
    return true() if can_enter_members_area(user) else false()
