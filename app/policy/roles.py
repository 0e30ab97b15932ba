"""Who is who: the roles in their order, and the predicates that compare them."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager
from app.models.user import Role

__all__ = [
    "ROLE_ORDER", "VISITOR_RANK", "assignable_roles", "can_change_roles", "can_change_settings", "can_edit_pages",
    "can_enter_members_area", "can_import_consent", "can_manage_categories", "can_manage_watched_words",
    "can_moderate", "can_post", "can_sanction", "can_set_goals", "can_suspend", "can_take_part",
    "can_view_audit_log", "can_view_dashboard", "can_write_patterns", "has_role", "is_admin", "is_member",
    "is_volunteer", "rank_of", "require", "skips_new_account_limits",
]


ROLE_ORDER: tuple[Role, ...] = (Role.ALUMNUS, Role.MEMBER, Role.VOLUNTEER, Role.ADMIN)
_RANK = {role: rank for rank, role in enumerate(ROLE_ORDER, start=1)}
VISITOR_RANK = 0


def rank_of(user) -> int:
    """0 for a visitor, then 1..4 along ROLE_ORDER."""
    if user is None or not user.is_authenticated:
        return VISITOR_RANK
    return _RANK.get(user.role, VISITOR_RANK)


def has_role(user, role: Role) -> bool:
    return rank_of(user) >= _RANK[role]


def is_member(user) -> bool:
    return has_role(user, Role.MEMBER)


def is_volunteer(user) -> bool:
    return has_role(user, Role.VOLUNTEER)


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_take_part(user) -> bool:
    """Sign-ups, likes, membership applications: a verified, not suspended account (a silenced one too: a
    silence stops words, not attendance)."""
    return rank_of(user) > VISITOR_RANK and user.is_verified and not user.is_suspended


def can_post(user) -> bool:
    """Writing what others read (discussions, news, comments, events, documents, messages, photos): a verified
    account that is neither suspended nor silenced."""
    return can_take_part(user) and not user.is_silenced


def can_enter_members_area(user) -> bool:
    return is_member(user)


def can_change_roles(user) -> bool:
    return is_admin(user)


def can_edit_pages(user) -> bool:
    return is_admin(user)


def can_view_audit_log(user) -> bool:
    return is_admin(user)


def can_moderate(user) -> bool:
    return is_volunteer(user)


def can_manage_categories(user) -> bool:
    return is_volunteer(user)


def can_manage_watched_words(user) -> bool:
    return is_volunteer(user)


def can_write_patterns(user) -> bool:
    """Regular expressions in the watched words: a careless one holds back everything or nothing, so admins only."""
    return is_admin(user)


def can_change_settings(user) -> bool:
    return is_admin(user)


def can_view_dashboard(user) -> bool:
    """The organizers' numbers (counts only, never a ranking of people): volunteers and admins."""
    return is_volunteer(user)


def can_set_goals(user) -> bool:
    return is_admin(user)


def can_import_consent(user) -> bool:
    """Recording consent given on paper speaks for other people: admins only, audited."""
    return is_admin(user)


def can_sanction(actor, subject) -> bool:
    """Warn or silence: moderators, never themselves nor anyone of their own rank or above (a volunteer cannot
    silence an admin, nor another volunteer)."""
    return can_moderate(actor) and actor.id != subject.id and rank_of(subject) < rank_of(actor)


def can_suspend(actor, subject) -> bool:
    """Locking someone out stays with admins (and, like every sanction, only of someone of a lower rank: an admin
    who must be stopped is first given another role, which is audited too)."""
    return is_admin(actor) and can_sanction(actor, subject)


def skips_new_account_limits(user) -> bool:
    """Members were let in by a person (application, invitation, import), volunteers and admins moderate: the
    limits of an account's first days (app.services.new_account_limits) are for everyone else."""
    return is_member(user)


def assignable_roles(actor) -> tuple[Role, ...]:
    """Roles an actor may hand out in the admin page."""
    return ROLE_ORDER if is_admin(actor) else ()


def require(check):
    """View decorator: visitors go to login (Flask-Login keeps a safe `next`), others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
