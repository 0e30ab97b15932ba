"""Offers on the jobs and volunteering board ("Stellen & Engagement"): jobs, internships, working-student posts,
volunteer roles and mentoring, public or members-only like posts, open until they expire or are closed."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.post import Category, SharedContent, Status, Visibility
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class OpportunityKind(enum.StrEnum):
    JOB = "job"
    INTERNSHIP = "internship"
    WORKING_STUDENT = "working_student"
    VOLUNTEER = "volunteer"
    MENTORING = "mentoring"


# A follow of one kind is stored as FollowTarget.OPPORTUNITIES with this id; 0 is the whole board.
KIND_FOLLOW_IDS = {kind: number for number, kind in enumerate(OpportunityKind, start=1)}


class WorkMode(enum.StrEnum):
    ON_SITE = "on_site"
    REMOTE = "remote"
    HYBRID = "hybrid"


class Opportunity(SharedContent, db.Model):
    __tablename__ = "opportunities"
    __table_args__ = (
        # The board: open offers newest first; every list filters on expires_at (no job closes offers).
        Index("ix_opportunities_board", "expires_at", "created_at", "id"),
        Index("ix_opportunities_status", "status"),  # held offers, for the moderators' queue
        UniqueConstraint("author_id", "submission_key", name="uq_opportunities_author_submission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OpportunityKind] = mapped_column(str_enum(OpportunityKind))
    title: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    work_mode: Mapped[WorkMode] = mapped_column(str_enum(WorkMode), default=WorkMode.ON_SITE)
    starts_on: Mapped[date | None] = mapped_column(Date)  # None: by arrangement
    hours: Mapped[str] = mapped_column(String(100), default="")
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # sanitized by app.content at write time
    excerpt: Mapped[str] = mapped_column(String(400))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    # How to apply: a web address, or (None) the site's contact form, which mails the author.
    apply_url: Mapped[str | None] = mapped_column(String(500))
    deadline: Mapped[date | None] = mapped_column(Date)
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility), default=Visibility.PUBLIC)
    status: Mapped[Status] = mapped_column(str_enum(Status), default=Status.PUBLISHED)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The end of the deadline day in the site's time zone, else 60 days after publishing (or renewing).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The `expires_at` its author was last reminded of (app.services.offer_reminders): a renewal or a new deadline
    # moves `expires_at`, so the next reminder is due again without anyone resetting this.
    reminded_for: Mapped[datetime | None] = mapped_column(UTCDateTime())
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submission_key: Mapped[str | None] = mapped_column(String(64))  # see Comment.submission_key

    author: Mapped[User] = relationship()
    category: Mapped[Category | None] = relationship()

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= utcnow()

    @property
    def is_open(self) -> bool:
        return not (self.is_closed or self.is_expired or self.is_hidden)

    @property
    def applies_through_site(self) -> bool:
        return not self.apply_url

    @property
    def is_remote(self) -> bool:
        return self.work_mode == WorkMode.REMOTE
