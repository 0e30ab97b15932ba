"""The jobs and volunteering board."""

from __future__ import annotations

from sqlalchemy import and_, false, or_, true

from app.models.opportunity import Opportunity
from app.models.post import Status, Visibility
from app.models.types import utcnow
from app.policy.content import _published_or_own, _user_id, can_start_discussion
from app.policy.roles import can_moderate, can_post, can_take_part, is_member

__all__ = [
    "can_apply_through_site", "can_edit_opportunity", "can_offer_opportunity", "can_read_opportunity",
    "open_opportunities", "shows_job_posting", "syndicated_opportunities",
]


# ---------------------------------------------------------------- the jobs and volunteering board


def can_offer_opportunity(user, visibility: Visibility = Visibility.PUBLIC) -> bool:
    """Verified alumni, members and volunteers post offers (like discussions); members-only ones need a member."""
    return can_start_discussion(user, visibility)


def _readable_opportunity(user):
    readable = or_(Opportunity.visibility == Visibility.PUBLIC, true() if is_member(user) else false())
    return and_(readable, _published_or_own(Opportunity, user))


def open_opportunities(user):
    """The board: offers not expired, closed or hidden, that this person may read (held ones: author and
    moderators). Expiry is read against the clock, so no job has to close offers on time."""
    return and_(_readable_opportunity(user), Opportunity.hidden_at.is_(None), Opportunity.closed_at.is_(None),
                Opportunity.expires_at > utcnow())


def syndicated_opportunities():
    """The board's Atom feed: public, published and open offers only."""
    return and_(Opportunity.visibility == Visibility.PUBLIC, Opportunity.status == Status.PUBLISHED,
                Opportunity.hidden_at.is_(None), Opportunity.closed_at.is_(None), Opportunity.expires_at > utcnow())


def can_read_opportunity(user, offer) -> bool:
    """An offer's page, open or not: members-only ones for members; held ones for their author and moderators;
    hidden ones for moderators."""
    if offer.is_members_only and not is_member(user):
        return False
    if offer.is_hidden and not can_moderate(user):
        return False
    return not offer.is_pending or can_moderate(user) or offer.author_id == _user_id(user)


def can_edit_opportunity(user, offer) -> bool:
    """Edit, renew, close: the author, and moderators any offer."""
    if not can_post(user) or not can_read_opportunity(user, offer):
        return False
    return offer.author_id == user.id or can_moderate(user)


def can_apply_through_site(user, offer) -> bool:
    """The contact form on an open offer: any verified account but the author's own."""
    return (can_take_part(user) and can_read_opportunity(user, offer) and offer.is_open
            and offer.applies_through_site and offer.author_id != user.id)


def shows_job_posting(offer) -> bool:
    """Search engines' structured data: public, published, open offers only."""
    return not offer.is_members_only and not offer.is_pending and offer.is_open
