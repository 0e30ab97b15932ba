"""Ideas: a discussion that others can vote for, and the association's answer to it (its status)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.post import Post
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class IdeaStatus(enum.StrEnum):
    NEW = "new"
    UNDER_REVIEW = "under_review"
    PLANNED = "planned"
    DONE = "done"
    DECLINED = "declined"


# Done and declined ideas are answered: their votes stand as they were when the answer came.
CLOSED_STATUSES = frozenset({IdeaStatus.DONE, IdeaStatus.DECLINED})


class Idea(db.Model):
    """One row per discussion that is an idea. The post stays a discussion, so feeds, search, the members
    boundary and reports treat it as one; this row adds the votes and the status."""

    __tablename__ = "ideas"
    __table_args__ = (
        # The ideas page: most votes first, or one status by votes.
        Index("ix_ideas_votes", "vote_count", "post_id"),
        Index("ix_ideas_status_votes", "status", "vote_count", "post_id"),
    )

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[IdeaStatus] = mapped_column(str_enum(IdeaStatus), default=IdeaStatus.NEW)
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept in the same transaction as the vote rows, so lists never count them.
    vote_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    post: Mapped[Post] = relationship(back_populates="idea")
    status_changed_by: Mapped[User | None] = relationship()

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class IdeaVote(db.Model):
    """One person's vote for one idea: the primary key makes a second vote impossible, also two at once."""

    __tablename__ = "idea_votes"
    __table_args__ = (Index("ix_idea_votes_user", "user_id"),)

    post_id: Mapped[int] = mapped_column(ForeignKey("ideas.post_id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
