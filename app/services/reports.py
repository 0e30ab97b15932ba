"""Reports: anyone logged in flags a post, a comment or a photo; moderators settle them (app.services.review_queue).
Reports on posts and comments add up toward hiding them pending review (app.services.flagging)."""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from app import policy
from app.extensions import db
from app.models.attachment import Attachment
from app.models.audit import AuditAction
from app.models.moderation import AUTOMATIC_REASONS, Report, ReportReason, ReportResolution
from app.models.post import Comment, Post
from app.models.types import utcnow
from app.models.user import User
from app.services import audit
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)


def report(reporter: User, *, post: Post | None = None, comment: Comment | None = None,
           attachment: Attachment | None = None, reason: ReportReason | str, note: str = "") -> Report:
    """Flag content (a post, a comment, or a single photo or file) for moderators. Reporting the same thing
    again adds nothing."""
    if not policy.can_report(reporter):
        raise PermissionDenied(_l("Please log in to report content."))
    if reason not in set(ReportReason) or reason in AUTOMATIC_REASONS:
        raise DomainError(_l("Please choose a reason."), "reason")
    existing = db.session.scalar(select(Report).where(
        Report.reporter_id == reporter.id, about(post, comment, attachment), Report.resolved_at.is_(None)))
    if existing is not None:
        return existing
    kind, target_id, author_id = _target(post, comment, attachment)
    if attachment is not None:  # the photo's post or comment, for the moderators' context
        comment = attachment.comment
        post = attachment.post
    entry = Report(reporter=reporter, post=comment.post if comment else post, comment=comment,
                   attachment=attachment, reason=ReportReason(reason), note=note.strip())
    db.session.add(entry)
    db.session.flush()
    audit.record(reporter, AuditAction.REPORT_FILED, subject_id=author_id, new_value=f"{kind}:{target_id} {reason}")
    log.info("report %s by %s on post %s, comment %s", entry.id, reporter.id, entry.post_id, entry.comment_id)
    return entry


def _target(post: Post | None, comment: Comment | None, attachment: Attachment | None) -> tuple[str, int, int]:
    """What a report is about, for the audit log: its kind, its id and whose it is."""
    if attachment is not None:
        return "attachment", attachment.id, attachment.owner_id
    if comment is not None:
        return "comment", comment.id, comment.author_id
    if post is None:
        raise ValueError("a report is about a post, a comment or a photo")
    return "post", post.id, post.author_id


def about(post: Post | None, comment: Comment | None, attachment: Attachment | None = None, *, model=Report):
    """Reports (`model`: Report or an alias of it) about this photo, this comment, or this post itself (not about
    its comments or photos)."""
    if attachment is not None:
        return model.attachment_id == attachment.id
    if comment is not None:
        return and_(model.comment_id == comment.id, model.attachment_id.is_(None))
    if post is None:
        raise ValueError("a report is about a post, a comment or a photo")
    return and_(model.post_id == post.id, model.comment_id.is_(None), model.attachment_id.is_(None))


def resolve(actor: User, entry: Report, resolution: ReportResolution) -> None:
    """Close a report ("hidden" when the content was hidden, "dismissed" otherwise)."""
    if not policy.can_moderate(actor):
        raise PermissionDenied(_l("Only moderators may do this."))
    if entry.resolved_at is None:
        entry.resolved_at = utcnow()
        entry.resolved_by_id = actor.id
        entry.resolution = resolution


def resolve_all_for(actor: User, *, post: Post | None = None, comment: Comment | None = None,
                    attachment: Attachment | None = None, resolution: ReportResolution) -> None:
    """Hiding content settles every open report about it."""
    for entry in db.session.scalars(select(Report).where(about(post, comment, attachment),
                                                         Report.resolved_at.is_(None))):
        resolve(actor, entry, resolution)
