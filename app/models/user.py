"""People who have an account, and their role in the association."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ColumnElement, Integer, String, and_, false, or_, true
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow


class Role(enum.StrEnum):
    """Stored roles, lowest first. A visitor has no account and so no stored role."""

    ALUMNUS = "alumnus"
    MEMBER = "member"
    VOLUNTEER = "volunteer"
    ADMIN = "admin"


class ProfileVisibility(enum.StrEnum):
    """Who sees a person's profile page (their name next to what they write is shown wherever that is)."""

    EVERYONE = "everyone"
    ALUMNI = "alumni"  # registered, logged in
    MEMBERS = "members"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.ALUMNUS)
    locale: Mapped[str | None] = mapped_column(String(5))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A suspension ends by itself at `suspended_until` (None: until an admin lifts it); the person is told why.
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # the worker ends it
    suspension_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # Silenced: reads, likes, signs up and logs in, but writes nothing others read until `silenced_until` (None:
    # until a moderator lifts it). Kept on the row like the suspension, because every page asks (policy.can_post);
    # the history of both is in app.models.sanction.
    silenced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    silenced_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    silence_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # Bumped on logout, password change and reset: every older session and remember
    # cookie carries the old number and stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # An account made under "new accounts need approval" waits for an admin (app.services.approval)
    awaiting_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Secret part of the personal calendar feed URL; regenerating it invalidates the old URL.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # For @mentions: unique, lower case, editable in the account settings.
    handle: Mapped[str | None] = mapped_column(String(30), unique=True)
    # Double opt-in for mail beyond the transactional: set when the person confirms by link.
    mail_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    auto_follow: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The profile page (/people/<handle>): privacy-friendly defaults, the person widens them.
    bio: Mapped[str] = mapped_column(String(500), default="", server_default="")
    profile_visibility: Mapped[ProfileVisibility] = mapped_column(
        str_enum(ProfileVisibility), default=ProfileVisibility.ALUMNI, server_default=ProfileVisibility.ALUMNI.value)
    show_activity: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    avatar_name: Mapped[str | None] = mapped_column(String(80))  # an uploaded picture (app.storage), else generated
    # "Delete my account": asked for at, undone by logging in within ACCOUNT_DELETION_GRACE_DAYS, then erased
    # (app.services.erasure): the row stays as an anonymous former member, `erased_at` set.
    deletion_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    deletion_keeps_content: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @hybrid_property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None and (self.suspended_until is None or self.suspended_until > utcnow())

    @is_suspended.inplace.expression
    @classmethod
    def _is_suspended_expression(cls) -> ColumnElement[bool]:
        return and_(cls.suspended_at.is_not(None), or_(cls.suspended_until.is_(None), cls.suspended_until > utcnow()))

    @property
    def is_silenced(self) -> bool:
        """Asked of the one account a page is for (policy.can_post); the end date counts before the worker clears
        the row."""
        return self.silenced_at is not None and (self.silenced_until is None or self.silenced_until > utcnow())

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


# What a byline shows of a person (name, profile link and picture, a suspension badge): lists of comments load
# only these of each author, not the whole account row (mail, password hash, settings, a dozen dates), which
# was most of what reading a long thread cost.
BYLINE = (User.display_name, User.handle, User.avatar_name, User.suspended_at, User.suspended_until)
