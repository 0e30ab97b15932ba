"""The record of decisions: roles, memberships, suspensions, moderation, pages, settings, categories."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class AuditAction(enum.StrEnum):
    ROLE_CHANGED = "role.changed"
    MEMBERSHIP_APPROVED = "membership.approved"
    MEMBERSHIP_DECLINED = "membership.declined"
    MEMBERSHIP_INVITED = "membership.invited"
    MEMBERSHIP_LEFT = "membership.left"
    MEMBERSHIP_ENDED = "membership.ended"
    ACCOUNT_SUSPENDED = "account.suspended"
    ACCOUNT_UNSUSPENDED = "account.unsuspended"
    POST_PINNED = "post.pinned"
    POST_UNPINNED = "post.unpinned"
    POST_LOCKED = "post.locked"
    POST_UNLOCKED = "post.unlocked"
    POST_HIDDEN = "post.hidden"
    POST_RESTORED = "post.restored"
    POST_APPROVED = "post.approved"
    OFFER_HIDDEN = "offer.hidden"  # the jobs and volunteering board
    OFFER_RESTORED = "offer.restored"
    OFFER_APPROVED = "offer.approved"
    OFFER_CLOSED = "offer.closed"  # by a moderator (an author closing their own offer is not audited)
    OFFER_EDITED = "offer.edited"  # by a moderator
    COMMENT_HIDDEN = "comment.hidden"
    COMMENT_RESTORED = "comment.restored"
    COMMENT_APPROVED = "comment.approved"
    ACCOUNT_ERASED = "account.erased"
    ATTACHMENT_HIDDEN = "attachment.hidden"
    ATTACHMENT_RESTORED = "attachment.restored"
    PAGE_EDITED = "page.edited"
    SETTING_CHANGED = "setting.changed"
    CATEGORY_CREATED = "category.created"
    CATEGORY_CHANGED = "category.changed"
    ACCOUNT_APPROVED = "account.approved"
    ACCOUNT_DECLINED = "account.declined"
    SITE_SET_UP = "site.set_up"
    GOAL_SET = "goal.set"
    GOAL_ARCHIVED = "goal.archived"
    NEWS_CONSENT_IMPORTED = "news_consent.imported"
    # Community flagging (app.services.flagging) and the moderation queue
    REPORT_FILED = "report.filed"
    REPORT_DISMISSED = "report.dismissed"
    HIDDEN_BY_REPORTS = "content.hidden_by_reports"
    REVIEW_RESTORED = "content.review_restored"
    REVIEW_CONFIRMED = "content.review_confirmed"
    # Slow mode and timed locks (app.services.thread_limits)
    POST_SLOW_MODE = "post.slow_mode"
    POST_LOCK_SCHEDULED = "post.lock_scheduled"
    ACCOUNT_WARNED = "account.warned"
    ACCOUNT_SILENCED = "account.silenced"
    ACCOUNT_UNSILENCED = "account.unsilenced"
    SILENCE_ENDED = "account.silence_ended"  # at its end date, by the worker
    SUSPENSION_ENDED = "account.suspension_ended"  # at its end date, by the worker
    WATCHED_WORDS_ADDED = "watched_words.added"
    WATCHED_WORD_CHANGED = "watched_word.changed"
    WATCHED_WORD_DELETED = "watched_word.deleted"
    # Ideas with votes (app.services.ideas)
    IDEA_MARKED = "idea.marked"
    IDEA_UNMARKED = "idea.unmarked"
    IDEA_STATUS = "idea.status"
    POLL_CLOSED = "poll.closed"  # a moderator closed someone else's poll early (app.services.polls)


# Done by the worker on its schedule (no actor): the audit log says so rather than "command line".
AUTOMATIC_ACTIONS = frozenset({AuditAction.SILENCE_ENDED, AuditAction.SUSPENSION_ENDED})


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # NULL actor: done from the command line.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[AuditAction] = mapped_column(str_enum(AuditAction, 64))
    old_value: Mapped[str | None] = mapped_column(String(255))
    new_value: Mapped[str | None] = mapped_column(String(255))

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])
