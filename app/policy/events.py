"""Events: who sees them, manages them and signs up."""

from __future__ import annotations

from sqlalchemy import false

from app.models.event import Event
from app.models.post import Visibility
from app.models.user import User
from app.policy.roles import ROLE_ORDER, can_post, can_take_part, is_member, is_volunteer

__all__ = [
    "can_manage_events", "can_read_event", "can_see_online_link", "can_sign_up", "events_for_mail",
    "member_accounts", "members_area_events", "public_events",
]


# ---------------------------------------------------------------- events


def members_area_events(user):
    """The members area's events: members-only ones, for members."""
    return Event.visibility == Visibility.MEMBERS if is_member(user) else false()


def member_accounts():
    """Accounts that are members (for mail that only members may receive)."""
    return User.role.in_(ROLE_ORDER[1:])


def public_events():
    """Events on the public events page and in the public iCal feed, for everyone (members find the
    members-only ones in the members area)."""
    return Event.visibility == Visibility.PUBLIC


def events_for_mail():
    """New events that digests may mail: not cancelled. Each reader is then asked `can_read_event`."""
    return Event.cancelled_at.is_(None)


def can_read_event(user, event) -> bool:
    return not event.is_members_only or is_member(user)


def can_manage_events(user) -> bool:
    return is_volunteer(user) and can_post(user)


def can_sign_up(user, event) -> bool:
    return can_take_part(user) and can_read_event(user, event)


def can_see_online_link(user, event, signup) -> bool:
    """The online link: confirmed attendees of this event and organizers."""
    confirmed = signup is not None and signup.event_id == event.id and signup.is_confirmed
    return confirmed or can_manage_events(user)
