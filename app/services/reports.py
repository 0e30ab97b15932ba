"""Reports: anyone logged in flags a post or comment; moderators work through the queue."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from app import policy
from app.extensions import db
from app.models.moderation import Report, ReportReason, ReportResolution
from app.models.post import Comment, Post, Status
from app.models.types import utcnow
from app.models.user import User
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)

def report(reporter: User, *, post: Post | None = None, comment: Comment | None = None,
           reason: ReportReason | str, note: str = "") -> Report:
    """Flag content for moderators. Reporting the same thing again adds nothing."""
    if not policy.can_report(reporter):
        raise PermissionDenied(_l("Please log in to report content."))
    if reason not in set(ReportReason):
        raise DomainError(_l("Please choose a reason."), "reason")
    existing = db.session.scalar(select(Report).where(
        Report.reporter_id == reporter.id, _about(post, comment), Report.resolved_at.is_(None)))
    if existing is not None:
        return existing
    entry = Report(reporter=reporter, post=comment.post if comment else post, comment=comment,
                   reason=ReportReason(reason), note=note.strip())
    db.session.add(entry)
    db.session.flush()
    log.info("report %s by %s on post %s, comment %s", entry.id, reporter.id, entry.post_id, entry.comment_id)
    return entry


def _about(post: Post | None, comment: Comment | None):
    """Reports about this comment, or about this post itself (not about its comments)."""
    if comment is not None:
        return Report.comment_id == comment.id
    if post is None:
        raise ValueError("a report is about a post or a comment")
    return and_(Report.post_id == post.id, Report.comment_id.is_(None))


def resolve(actor: User, entry: Report, resolution: ReportResolution) -> None:
    """Close a report ("hidden" when the content was hidden, "dismissed" otherwise)."""
    if not policy.can_moderate(actor):
        raise PermissionDenied(_l("Only moderators may do this."))
    if entry.resolved_at is None:
        entry.resolved_at = utcnow()
        entry.resolved_by_id = actor.id
        entry.resolution = resolution


def resolve_all_for(actor: User, *, post: Post | None = None, comment: Comment | None = None,
                    resolution: ReportResolution) -> None:
    """Hiding content settles every open report about it."""
    for entry in db.session.scalars(select(Report).where(_about(post, comment), Report.resolved_at.is_(None))):
        resolve(actor, entry, resolution)


def open_report_count(user) -> int:
    """Open reports, for the moderators' badge in the header (0 for everyone else, without a query)."""
    if not policy.can_moderate(user):
        return 0
    return db.session.scalar(select(func.count()).select_from(Report).where(Report.resolved_at.is_(None))) or 0


@dataclass
class ModerationQueue:
    reports: list[Report]
    held_posts: list[Post]
    held_comments: list[Comment]


def moderation_queue(limit: int = 200) -> ModerationQueue:
    """Open reports (oldest first) and content held for approval: what moderators work through."""
    return ModerationQueue(
        reports=list(db.session.scalars(
            select(Report).where(Report.resolved_at.is_(None))
            .options(joinedload(Report.reporter), joinedload(Report.post), joinedload(Report.comment))
            .order_by(Report.created_at).limit(limit))),
        held_posts=list(db.session.scalars(select(Post).where(Post.status == Status.PENDING)
                                           .options(joinedload(Post.author)).order_by(Post.created_at))),
        held_comments=list(db.session.scalars(select(Comment).where(Comment.status == Status.PENDING)
                                              .options(joinedload(Comment.author), joinedload(Comment.post))
                                              .order_by(Comment.created_at))))
