"""Role decisions, each one recorded in the audit log."""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy
from app.extensions import db
from app.mail import links, queue_mail
from app.models.audit import AuditAction
from app.models.types import utcnow
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


def suspend(actor: User, subject: User, reason: str, until: datetime | None = None) -> None:
    """Suspend an account, with a reason and optionally an end: it can no longer log in, its sessions end,
    and the person is told by mail why and until when."""
    if not policy.can_suspend(actor, subject):
        raise PermissionDenied(_l("You may not suspend this account."))
    if until is not None and until <= utcnow():
        raise DomainError(_l("The end of a suspension must be in the future."), "until")
    subject.suspended_at = utcnow()
    subject.suspended_until = until
    subject.suspension_reason = reason.strip()
    subject.session_version += 1
    detail = f"{until:%Y-%m-%d}" if until else "-"
    audit.record(actor, AuditAction.ACCOUNT_SUSPENDED, subject=subject, old_value=detail,
                 new_value=subject.suspension_reason[:255])
    queue_mail(subject.email, "account_suspended", locale=subject.locale, user=subject,
               reason=subject.suspension_reason, until=until)
    log_security_event(AuditAction.ACCOUNT_SUSPENDED, actor, subject=subject.id)


def lift_suspension(actor: User, subject: User) -> None:
    """End a suspension now (again is fine); the person is told by mail."""
    if not policy.can_suspend(actor, subject):
        raise PermissionDenied(_l("You may not suspend this account."))
    if subject.suspended_at is None:
        return
    subject.suspended_at = subject.suspended_until = None
    subject.suspension_reason = ""
    audit.record(actor, AuditAction.ACCOUNT_UNSUSPENDED, subject=subject)
    queue_mail(subject.email, "account_unsuspended", locale=subject.locale, user=subject, login_url=links.login())
    log_security_event(AuditAction.ACCOUNT_UNSUSPENDED, actor, subject=subject.id)
