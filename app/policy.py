"""THE rules of who may see and do what.

Every view, template and later every query filter asks here; no other module compares roles.
Roles are ordered: visitor (anonymous) < alumnus < member < volunteer < admin.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from app.models.user import Role

ROLE_ORDER: tuple[Role, ...] = (Role.ALUMNUS, Role.MEMBER, Role.VOLUNTEER, Role.ADMIN)
_RANK = {role: rank for rank, role in enumerate(ROLE_ORDER, start=1)}
VISITOR_RANK = 0


def rank_of(user) -> int:
    """0 for a visitor, then 1..4 along ROLE_ORDER."""
    if user is None or not user.is_authenticated:
        return VISITOR_RANK
    return _RANK.get(Role(user.role), VISITOR_RANK)


def has_role(user, role: Role) -> bool:
    return rank_of(user) >= _RANK[role]


def is_member(user) -> bool:
    return has_role(user, Role.MEMBER)


def is_volunteer(user) -> bool:
    return has_role(user, Role.VOLUNTEER)


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_post(user) -> bool:
    """Comments, discussions, sign-ups: a verified, not suspended account."""
    return rank_of(user) > VISITOR_RANK and user.is_verified and not user.is_suspended


def can_enter_members_area(user) -> bool:
    return is_member(user)


def can_change_roles(user) -> bool:
    return is_admin(user)


def can_edit_pages(user) -> bool:
    return is_admin(user)


def can_view_audit_log(user) -> bool:
    return is_admin(user)


def assignable_roles(actor) -> tuple[Role, ...]:
    """Roles an actor may hand out in the admin page."""
    return ROLE_ORDER if is_admin(actor) else ()


def require(check):
    """View decorator: visitors go to login (Flask-Login keeps a safe `next`), others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from app.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
