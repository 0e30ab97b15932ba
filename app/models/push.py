"""Web Push: a person's devices (browser push subscriptions), which kinds of notification go to them, and the
messages on their way (one row per device and notification: what makes each go out once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.notification import Notification
from app.models.types import UTCDateTime, utcnow
from app.models.user import User

# Which notification kinds each push choice covers (app.models.notification.NotificationKind values).
PUSH_KINDS: dict[str, tuple[str, ...]] = {
    "replies": ("reply", "mention", "review", "warning"),
    "followed": ("followed", "new_post", "idea_status", "new_opportunity"),
    "events": ("new_event",),
    "applications": ("application",),
}


class PushSubscription(db.Model):
    """One browser on one device that agreed to receive push messages (the Push API's subscription)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))  # the browser's P-256 public key, base64url
    auth: Mapped[str] = mapped_column(String(100))  # its 16-byte auth secret, base64url
    device: Mapped[str] = mapped_column(String(80))  # "Chrome on Android": for the person to recognise it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failures: Mapped[int] = mapped_column(default=0)  # failed sends in a row; a success sets it back to 0

    user: Mapped[User] = relationship()


class PushChoice(db.Model):
    """Which kinds go to push, per person (no row: the defaults, replies and mentions only)."""

    __tablename__ = "push_choices"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    replies: Mapped[bool] = mapped_column(default=True)
    followed: Mapped[bool] = mapped_column(default=False)
    events: Mapped[bool] = mapped_column(default=False)
    applications: Mapped[bool] = mapped_column(default=False)


class PushMessage(db.Model):
    """A notification on its way to one device. The unique key makes queueing it twice queue it once; a sender
    claims rows with a guarded UPDATE (claim token), so two workers never send the same row."""

    __tablename__ = "push_messages"
    __table_args__ = (UniqueConstraint("subscription_id", "notification_id", name="uq_push_messages"),
                      Index("ix_push_messages_due", "sent_at", "retry_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("push_subscriptions.id", ondelete="CASCADE"))
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # also set when dropped: nothing more to do

    subscription: Mapped[PushSubscription] = relationship()
    notification: Mapped[Notification] = relationship()
