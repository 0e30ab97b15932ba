"""Membership, the directory, documents and profiles."""

from __future__ import annotations

from sqlalchemy import and_, false

from app.models.membership import PROFILE_FIELDS, MemberProfile
from app.models.user import ProfileVisibility, Role, User
from app.policy.events import member_accounts
from app.policy.roles import (
    ROLE_ORDER,
    VISITOR_RANK,
    can_moderate,
    can_post,
    can_take_part,
    is_admin,
    is_member,
    is_volunteer,
    rank_of,
)

__all__ = [
    "can_apply_for_membership", "can_contact", "can_decide_membership", "can_end_membership", "can_invite",
    "can_leave_membership", "can_manage_documents", "can_see_profile", "listed_profiles", "membership_deciders",
    "shows_member_badge", "visible_profile_fields",
]


# ---------------------------------------------------------------- membership, directory, documents


def can_apply_for_membership(user) -> bool:
    return can_take_part(user) and user.role == Role.ALUMNUS


def membership_deciders():
    """Accounts that decide on membership applications (told about new ones)."""
    return User.role.in_(ROLE_ORDER[2:])


def can_decide_membership(user) -> bool:
    return is_volunteer(user)


def can_invite(user) -> bool:
    return is_volunteer(user)


def can_leave_membership(user) -> bool:
    """Members step back to alumnus themselves; volunteers and admins ask an admin."""
    return rank_of(user) > VISITOR_RANK and user.role == Role.MEMBER


def can_end_membership(actor, subject) -> bool:
    return is_admin(actor) and subject.role == Role.MEMBER


def listed_profiles(user):
    """Directory entries `user` may find: members see the opted-in entries of current members."""
    if not is_member(user):
        return false()
    return and_(MemberProfile.listed.is_(True), member_accounts(), ~User.is_suspended)


def visible_profile_fields(viewer, profile) -> set[str]:
    """Which directory fields of `profile` the viewer sees: all for the owner, the shared ones for members."""
    if rank_of(viewer) > VISITOR_RANK and viewer.id == profile.user_id:
        return set(PROFILE_FIELDS)
    if not is_member(viewer) or not profile.listed or not is_member(profile.user) or profile.user.is_suspended:
        return set()
    return {name for name in PROFILE_FIELDS if not profile.is_private(name)}


def can_contact(sender, profile) -> bool:
    return (can_post(sender) and is_member(sender) and sender.id != profile.user_id
            and bool(visible_profile_fields(sender, profile)))


def can_manage_documents(user) -> bool:
    return is_volunteer(user) and can_post(user)



# ---------------------------------------------------------------- profiles


def can_see_profile(viewer, person) -> bool:
    """The person's page: as they chose (everyone / registered alumni / members); themselves and moderators
    always."""
    if rank_of(viewer) > VISITOR_RANK and (viewer.id == person.id or can_moderate(viewer)):
        return True
    if person.profile_visibility == ProfileVisibility.EVERYONE:
        return True
    if person.profile_visibility == ProfileVisibility.ALUMNI:
        return rank_of(viewer) > VISITOR_RANK
    return is_member(viewer)


def shows_member_badge(viewer, person) -> bool:
    """Who is a member is for members to know."""
    return person.role == Role.MEMBER and is_member(viewer)
