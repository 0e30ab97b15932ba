"""Events and the sign-ups for them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.post import Post, Visibility
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        # The database itself refuses an overbooked event, whatever the code above it does.
        CheckConstraint("capacity IS NULL OR seats_taken <= capacity", name="capacity_not_exceeded"),
        CheckConstraint("seats_taken >= 0", name="seats_taken_not_negative"),
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        Index("ix_events_listing", "visibility", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(60), default="Europe/Berlin")
    place: Mapped[str] = mapped_column(String(300), default="")
    # Shown only to confirmed attendees.
    online_url: Mapped[str] = mapped_column(String(500), default="")
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility), default=Visibility.PUBLIC)
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    # Confirmed people plus their guests; kept in the same transaction as every sign-up and cancel.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    signup_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signup_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    waitlist_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    max_guests: Mapped[int] = mapped_column(Integer, default=0)
    note_label: Mapped[str] = mapped_column(String(120), default="")  # e.g. "Diet"; empty: no note field
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The event's own discussion: a post of kind "event" that no feed lists.
    discussion_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()
    discussion: Mapped[Post | None] = relationship()

    @property
    def is_members_only(self) -> bool:
        return self.visibility == Visibility.MEMBERS

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)


class Signup(db.Model):
    __tablename__ = "registrations"  # the table keeps its first name: a rename migration buys nothing
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", name="uq_registrations_event_user"),
        Index("ix_registrations_queue", "event_id", "status", "queued_at", "id"),
        Index("ix_registrations_queued_at", "queued_at", "user_id"),  # sign-ups and active people (dashboard)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[SignupStatus] = mapped_column(str_enum(SignupStatus))
    guests: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(String(500), default="")
    # Place in the line: the waitlist is promoted in this order.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()

    @property
    def seats(self) -> int:
        return 1 + self.guests

    @property
    def is_confirmed(self) -> bool:
        return self.status == SignupStatus.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == SignupStatus.WAITLISTED
