"""Reports: anyone logged in flags a post or comment; moderators work through the queue."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from app import policy
from app.extensions import db
from app.models.attachment import Attachment, AttachmentKind
from app.models.moderation import AUTOMATIC_REASONS, Report, ReportReason, ReportResolution
from app.models.post import Comment, Post, Status
from app.models.types import utcnow
from app.models.user import User
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
        Report.reporter_id == reporter.id, _about(post, comment, attachment), Report.resolved_at.is_(None)))
    if existing is not None:
        return existing
    if attachment is not None:  # the photo's post or comment, for the moderators' context
        comment = attachment.comment
        post = attachment.post
    entry = Report(reporter=reporter, post=comment.post if comment else post, comment=comment,
                   attachment=attachment, reason=ReportReason(reason), note=note.strip())
    db.session.add(entry)
    db.session.flush()
    log.info("report %s by %s on post %s, comment %s", entry.id, reporter.id, entry.post_id, entry.comment_id)
    return entry


def _about(post: Post | None, comment: Comment | None, attachment: Attachment | None = None):
    """Reports about this photo, this comment, or this post itself (not about its comments or photos)."""
    if attachment is not None:
        return Report.attachment_id == attachment.id
    if comment is not None:
        return and_(Report.comment_id == comment.id, Report.attachment_id.is_(None))
    if post is None:
        raise ValueError("a report is about a post, a comment or a photo")
    return and_(Report.post_id == post.id, Report.comment_id.is_(None), Report.attachment_id.is_(None))


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
    for entry in db.session.scalars(select(Report).where(_about(post, comment, attachment),
                                                         Report.resolved_at.is_(None))):
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
    photos: dict = field(default_factory=dict)  # ("post"|"comment", id) -> its photos, for thumbnails
    reasons: dict = field(default_factory=dict)  # ("post"|"comment", id) -> the screening's reports: why it is held


def moderation_queue(limit: int = 200) -> ModerationQueue:
    """Open reports (oldest first) and content held for approval, with the photos of each: what moderators
    work through."""
    queue = ModerationQueue(
        reports=list(db.session.scalars(
            select(Report).where(Report.resolved_at.is_(None))
            .options(joinedload(Report.reporter), joinedload(Report.post), joinedload(Report.comment),
                     joinedload(Report.attachment), joinedload(Report.person))
            .order_by(Report.created_at).limit(limit))),
        held_posts=list(db.session.scalars(select(Post).where(Post.status == Status.PENDING)
                                           .options(joinedload(Post.author)).order_by(Post.created_at))),
        held_comments=list(db.session.scalars(select(Comment).where(Comment.status == Status.PENDING)
                                              .options(joinedload(Comment.author), joinedload(Comment.post))
                                              .order_by(Comment.created_at))))
    queue.photos = _photos_of(queue)
    _held_reasons(queue)
    return queue


def _held_reasons(queue: ModerationQueue) -> None:
    """The screening's reports about held posts and comments go with them (approving or rejecting settles them),
    not into the list of reports."""
    held = {("post", post.id) for post in queue.held_posts} | {("comment", c.id) for c in queue.held_comments}
    kept = []
    for entry in queue.reports:
        key = ("comment", entry.comment_id) if entry.comment_id else ("post", entry.post_id)
        if entry.reporter_id is None and entry.attachment_id is None and key in held:
            queue.reasons.setdefault(key, []).append(entry)
        else:
            kept.append(entry)
    queue.reports = kept


def _photos_of(queue: ModerationQueue) -> dict:
    """The photos of every post and comment in the queue (one query)."""
    post_ids = {p.id for p in queue.held_posts} | {r.post_id for r in queue.reports if r.post_id and not r.comment_id}
    comment_ids = {c.id for c in queue.held_comments} | {r.comment_id for r in queue.reports if r.comment_id}
    if not post_ids and not comment_ids:
        return {}
    found: dict = {}
    for attachment in db.session.scalars(select(Attachment).where(
            or_(Attachment.post_id.in_(post_ids), Attachment.comment_id.in_(comment_ids)),
            Attachment.kind == AttachmentKind.IMAGE).order_by(Attachment.position)):
        key = ("comment", attachment.comment_id) if attachment.comment_id else ("post", attachment.post_id)
        found.setdefault(key, []).append(attachment)
    return found
