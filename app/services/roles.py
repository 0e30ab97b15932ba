"""Role decisions, each one recorded in the audit log."""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy
from app.extensions import db
from app.models.audit import AuditAction
from app.models.user import Role, User
from app.security import log_security_event
from app.services import audit
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)


def change_role(actor: User | None, subject: User, new_role: Role) -> bool:
    """Give `subject` a new role; `actor` None means the command line. Returns False if unchanged."""
    if actor is not None and new_role not in policy.assignable_roles(actor):
        raise PermissionDenied(_l("You may not assign this role."))
    return apply_role(actor, subject, new_role, AuditAction.ROLE_CHANGED)


def apply_role(actor: User | None, subject: User, new_role: Role, action: AuditAction) -> bool:
    """Set the role and record the decision; callers have checked that `actor` may decide it."""
    old_role = subject.role
    if old_role == new_role:
        return False
    if old_role == Role.ADMIN and _admin_count() <= 1:
        raise DomainError(_l("The last admin cannot be given another role. Make someone else admin first."), "role")
    subject.role = new_role
    audit.record(actor, action, subject=subject, old_value=old_role.value, new_value=new_role.value)
    db.session.flush()
    log.info("role of %s changed from %s to %s by %s (%s)", subject.id, old_role, new_role,
             actor.id if actor else "cli", action)
    log_security_event("role.changed", actor, subject=subject.id, old=old_role.value, new=new_role.value,
                       reason=action)
    return True


def _admin_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN)) or 0
