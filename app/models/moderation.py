"""Reports from the community (and from the watched words): what was flagged, why, and how a moderator settled
it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.attachment import Attachment
from app.models.opportunity import Opportunity
from app.models.post import Comment, Post
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    PRIVACY = "privacy"
    OFF_TOPIC = "off_topic"
    OTHER = "other"
    # Filed by the site itself (no reporter): a watched word, or too many links from a new account.
    WATCHED_WORD = "watched_word"
    LINKS = "links"


AUTOMATIC_REASONS = frozenset({ReportReason.WATCHED_WORD, ReportReason.LINKS})  # never chosen by a person


class ReportResolution(enum.StrEnum):
    HIDDEN = "hidden"  # the content was hidden
    DISMISSED = "dismissed"  # nothing to do


class Report(db.Model):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    # A single photo or file (its post or comment, if any, is filled in too, for context).
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"), index=True)
    # An offer on the jobs and volunteering board.
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"),
                                                       index=True)
    # Whose name, profile or message it is about, when it is none of those (a watched word found there).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[ReportReason] = mapped_column(str_enum(ReportReason, 40))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[ReportResolution | None] = mapped_column(str_enum(ReportResolution, 40))

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    post: Mapped[Post | None] = relationship()
    comment: Mapped[Comment | None] = relationship()
    attachment: Mapped[Attachment | None] = relationship()
    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
    opportunity: Mapped[Opportunity | None] = relationship()
