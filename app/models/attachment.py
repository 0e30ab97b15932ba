"""Photos and files attached to posts, comments and events.

An attachment starts as a draft of its uploader (stored, not shown anywhere) and is attached when the post,
comment or event is saved; drafts nobody attached are deleted after a day. It has no visibility of its own:
it is seen by exactly those who see what it is attached to (policy.can_see_attachment), also after that
changes. Images are stored re-encoded (no metadata) in a few widths; other files as checked bytes.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.event import Event
from app.models.post import Comment, Post
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class AttachmentKind(enum.StrEnum):
    IMAGE = "image"
    FILE = "file"


class Attachment(db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(str_enum(AttachmentKind, length=10))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    alt_text: Mapped[str] = mapped_column(String(300), default="")
    original_name: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(100))  # of what is stored (image/webp for images)
    size: Mapped[int] = mapped_column(Integer)  # bytes stored (the largest width for images)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)  # random; widths are suffixes
    widths: Mapped[str] = mapped_column(String(40), default="")  # "320,960,1920": what exists, ascending
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # by moderators

    owner: Mapped[User] = relationship()
    post: Mapped[Post | None] = relationship()
    comment: Mapped[Comment | None] = relationship()
    event: Mapped[Event | None] = relationship()

    @property
    def is_image(self) -> bool:
        return self.kind == AttachmentKind.IMAGE

    @property
    def is_draft(self) -> bool:
        return self.post_id is None and self.comment_id is None and self.event_id is None

    @property
    def available_widths(self) -> list[int]:
        return [int(width) for width in self.widths.split(",") if width]

    def key(self, width: int | None = None) -> str:
        """Where the bytes are in the file store."""
        return f"attachments/{self.stored_name}-{width}.webp" if width else f"attachments/{self.stored_name}"
