"""Following, in-app notifications, and who wants which mail how often."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.event import Event
from app.models.membership import MembershipApplication
from app.models.opportunity import Opportunity
from app.models.post import Comment, Post
from app.models.sanction import Sanction
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class FollowTarget(enum.StrEnum):
    POST = "post"
    CATEGORY = "category"
    EVENTS = "events"  # the events calendar as a whole
    OPPORTUNITIES = "opportunities"  # the jobs board (target_id 0) or one kind of offer (KIND_FOLLOW_IDS)


class Follow(db.Model):
    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "target", "target_id", name="uq_follows_user_target"),
                      Index("ix_follows_target", "target", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target: Mapped[FollowTarget] = mapped_column(str_enum(FollowTarget))
    target_id: Mapped[int] = mapped_column(default=0)  # 0 for the events calendar
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NotificationKind(enum.StrEnum):
    REPLY = "reply"
    MENTION = "mention"
    FOLLOWED = "followed"  # new comment in a followed thread
    NEW_POST = "new_post"  # new post in a followed category
    NEW_EVENT = "new_event"  # new event, for followers of the events calendar
    APPLICATION = "application"  # a membership application, for those who decide on them
    REVIEW = "review"  # the person's own post or comment was hidden after reports, awaiting a moderator
    WARNING = "warning"  # a moderator's warning with its reason (app.services.sanctions)
    IDEA_STATUS = "idea_status"  # an idea one follows or wrote got a new status (app.services.ideas)
    NEW_OPPORTUNITY = "new_opportunity"  # a new offer, for followers of the board or of its kind
    OFFER_EXPIRING = "offer_expiring"  # one's own offer leaves the board soon (app.services.offer_reminders)


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at", "created_at"),
                      UniqueConstraint("user_id", "comment_id", name="uq_notifications_user_comment"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("membership_applications.id", ondelete="CASCADE"))
    sanction_id: Mapped[int | None] = mapped_column(ForeignKey("sanctions.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    post: Mapped[Post | None] = relationship()
    comment: Mapped[Comment | None] = relationship()
    event: Mapped[Event | None] = relationship()
    application: Mapped[MembershipApplication | None] = relationship()
    sanction: Mapped[Sanction | None] = relationship()
    opportunity: Mapped[Opportunity | None] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class MailKind(enum.StrEnum):
    REPLIES = "replies"  # replies and mentions
    FOLLOWED = "followed"
    NEWS = "news"
    EVENTS = "events"
    REMINDERS = "reminders"
    APPLICATIONS = "applications"  # new membership applications, for volunteers


class MailMode(enum.StrEnum):
    OFF = "off"
    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"


class MailPreference(db.Model):
    """One row per person and kind that is not off. `sent_until` is the cursor: everything up to it
    has been mailed, and advancing it with a guarded UPDATE is how a run claims what it sends."""

    __tablename__ = "mail_preferences"
    __table_args__ = (Index("ix_mail_preferences_mode", "mode", "kind"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[MailKind] = mapped_column(str_enum(MailKind), primary_key=True)
    mode: Mapped[MailMode] = mapped_column(str_enum(MailMode), default=MailMode.OFF)
    sent_until: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DigestClaim(db.Model):
    """A digest period that has been composed for a person: its unique key makes it happen once."""

    __tablename__ = "digest_claims"
    __table_args__ = (UniqueConstraint("user_id", "period", name="uq_digest_claims_user_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20))  # e.g. "daily:2026-11-21", "weekly:2026-W47"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Audience(enum.StrEnum):
    """Whom a news mail goes to (members-only news always goes to members only)."""

    EVERYONE = "everyone"
    MEMBERS = "members"


class Announcement(db.Model):
    """A news post sent by mail to everyone who opted in to news; sent in batches, once each.

    A scheduled one waits with `started_at` empty until its `scheduled_at`; the worker starts it with a guarded
    UPDATE and a cancel deletes it with a guarded DELETE, both on `started_at IS NULL`, so exactly one wins."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience), default=Audience.EVERYONE,
                                               server_default=Audience.EVERYONE.value)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    total: Mapped[int] = mapped_column(default=0)
    sent: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    post: Mapped[Post] = relationship()


class AnnouncementDelivery(db.Model):
    __tablename__ = "announcement_deliveries"
    __table_args__ = (UniqueConstraint("announcement_id", "user_id", name="uq_announcement_deliveries"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NewsConsent(db.Model):
    """Consent to news by mail given outside the site (a paper form at the general meeting, an older mailing
    list), recorded by an admin's import with its date and source: the proof GDPR Art. 7(1) asks for. The unique
    key makes importing the same file twice record nothing twice."""

    __tablename__ = "news_consents"
    __table_args__ = (UniqueConstraint("user_id", "consented_on", "source", name="uq_news_consents"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    consented_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
