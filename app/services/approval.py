"""Registration mode "new accounts need approval": an admin lets each new account in (or not), and the
person is told by mail either way."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy
from app.extensions import db
from app.mail import links, queue_mail
from app.models.audit import AuditAction
from app.models.user import User
from app.services import audit, erasure
from app.services.errors import PermissionDenied

WAITING_SHOWN = 200


def _waiting():
    return select(User).where(User.awaiting_approval, User.erased_at.is_(None))


def waiting_accounts() -> list[User]:
    """Accounts waiting for approval, oldest first."""
    return list(db.session.scalars(_waiting().order_by(User.created_at, User.id).limit(WAITING_SHOWN)))


def waiting_count(viewer) -> int:
    """For the admins' link in the header (one query, only for admins)."""
    if not policy.can_change_roles(viewer):
        return 0
    return db.session.scalar(select(func.count()).select_from(_waiting().subquery())) or 0


def _check(actor: User) -> None:
    if not policy.can_change_roles(actor):
        raise PermissionDenied(_l("Only admins approve new accounts."))


def approve(actor: User, user: User) -> bool:
    """Let the account in; False when it was approved already (a second click)."""
    _check(actor)
    if not user.awaiting_approval:
        return False
    user.awaiting_approval = False
    audit.record(actor, AuditAction.ACCOUNT_APPROVED, subject=user)
    queue_mail(user.email, "account_approved", locale=user.locale, user=user, url=links.login())
    return True


def decline(actor: User, user: User) -> bool:
    """Tell the person, then erase the account (it never got in, so nothing of theirs is kept)."""
    _check(actor)
    if not user.awaiting_approval or user.erased_at is not None:
        return False
    address, locale, name = user.email, user.locale, user.display_name
    audit.record(actor, AuditAction.ACCOUNT_DECLINED, subject=user)
    user.deletion_keeps_content = False
    erasure.erase(user, actor)
    # Written after the erasure, which removes the mail queued to the person: this one must still go.
    queue_mail(address, "account_declined", locale=locale, person_name=name)
    return True
