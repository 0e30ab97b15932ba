"""Becoming a member: applications and invitations; the member directory; documents for members."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class ApplicationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class MembershipApplication(db.Model):
    __tablename__ = "membership_applications"
    __table_args__ = (Index("ix_membership_applications_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    programme: Mapped[str] = mapped_column(String(200))  # programme / year, or how they belong
    year: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ApplicationStatus] = mapped_column(str_enum(ApplicationStatus),
                                                      default=ApplicationStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(1000), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        return self.status == ApplicationStatus.PENDING


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[InvitationStatus] = mapped_column(str_enum(InvitationStatus), default=InvitationStatus.PENDING)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A resend issues a new link and restarts the clock; links sent before it stop working.
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    send_count: Mapped[int] = mapped_column(Integer, default=1)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


# Directory fields a member can fill in, in display order.
PROFILE_FIELDS = ("programme", "year", "city", "employer", "position", "bio", "website", "social_url", "photo")


class MemberProfile(db.Model):
    """A member's directory entry. Nothing is listed until the member opts in."""

    __tablename__ = "member_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    programme: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    city: Mapped[str] = mapped_column(String(100), default="")
    employer: Mapped[str] = mapped_column(String(150), default="")
    position: Mapped[str] = mapped_column(String(150), default="")
    bio: Mapped[str] = mapped_column(String(1000), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    social_url: Mapped[str] = mapped_column(String(300), default="")  # LinkedIn or XING
    photo_name: Mapped[str | None] = mapped_column(String(80))  # stored file, outside static/
    # Comma-separated PROFILE_FIELDS the member keeps to themselves ("only me").
    private_fields: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()

    def is_private(self, name: str) -> bool:
        return name in (self.private_fields or "").split(",")


class Document(db.Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(1000), default="")
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)  # random; the upload's name is never used
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    uploaded_by: Mapped[User | None] = relationship()
