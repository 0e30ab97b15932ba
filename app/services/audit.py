"""The audit log: every decision of admins, volunteers and moderators is recorded through `record`."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.audit import AuditAction, AuditEntry
from app.models.user import User

log = logging.getLogger(__name__)
PER_PAGE = 50


def record(actor: User | None, action: AuditAction, *, subject: User | None = None, subject_id: int | None = None,
           old_value: str | None = None, new_value: str | None = None) -> AuditEntry:
    """Add one entry (actor None: the command line) in the caller's transaction."""
    entry = AuditEntry(actor=actor, action=action, old_value=old_value, new_value=new_value)
    # Only one of the two is set: a relationship set to None would blank the id at the flush.
    if subject is not None:
        entry.subject = subject
    else:
        entry.subject_id = subject_id
    db.session.add(entry)
    log.info("audit: %s by %s (subject %s, %s -> %s)", action, actor.id if actor else "cli",
             subject.id if subject else subject_id, old_value, new_value)
    return entry


def recent_entries(page: int):
    """Newest first, a page at a time (the admins' audit log)."""
    query = (select(AuditEntry).options(selectinload(AuditEntry.actor), selectinload(AuditEntry.subject))
             .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
