"""Reports: anyone logged in flags a post or comment; moderators work through the queue."""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import policy
from app.extensions import db
from app.models.moderation import Report
from app.models.post import Comment, Post
from app.models.types import utcnow
from app.models.user import User
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)

REASONS = {
    "spam": _l("Spam or advertising"),
    "abuse": _l("Insulting, hateful or harassing"),
    "privacy": _l("Reveals personal data"),
    "off_topic": _l("Off topic"),
    "other": _l("Something else"),
}


def report(reporter: User, *, post: Post | None = None, comment: Comment | None = None,
           reason: str, note: str = "") -> Report:
    """Flag content for moderators. Reporting the same thing again adds nothing."""
    if not policy.can_report(reporter):
        raise PermissionDenied(_l("Please log in to report content."))
    if reason not in REASONS:
        raise DomainError(_l("Please choose a reason."), "reason")
    target = (Report.comment_id == comment.id) if comment else (Report.post_id == post.id)
    existing = db.session.scalar(select(Report).where(
        Report.reporter_id == reporter.id, target, Report.resolved_at.is_(None)))
    if existing is not None:
        return existing
    entry = Report(reporter=reporter, post=post if comment is None else comment.post, comment=comment,
                   reason=reason, note=note.strip())
    db.session.add(entry)
    db.session.flush()
    log.info("report %s by %s on %s", entry.id, reporter.id, f"comment {comment.id}" if comment else f"post {post.id}")
    return entry


def resolve(actor: User, entry: Report, resolution: str) -> None:
    """Close a report ("hidden" when the content was hidden, "dismissed" otherwise)."""
    if not policy.can_moderate(actor):
        raise PermissionDenied(_l("Only moderators may do this."))
    if entry.resolved_at is None:
        entry.resolved_at = utcnow()
        entry.resolved_by_id = actor.id
        entry.resolution = resolution


def resolve_all_for(actor: User, *, post: Post | None = None, comment: Comment | None = None,
                    resolution: str) -> None:
    """Hiding content settles every open report about it."""
    target = (Report.comment_id == comment.id) if comment else (
        (Report.post_id == post.id) & Report.comment_id.is_(None))
    for entry in db.session.scalars(select(Report).where(target, Report.resolved_at.is_(None))):
        resolve(actor, entry, resolution)
