"""Sanctions with reasons: every warning, silence and suspension of a person, who decided it, and how it ended.

The state that pages ask about on every request (is this person silenced or suspended now?) lives on the
account row (`User.silenced_*`, `User.suspended_*`); this table is the history moderators read.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class SanctionKind(enum.StrEnum):
    WARNING = "warning"  # a note in the bell and by mail, with the guidelines; nothing is restricted
    SILENCE = "silence"  # can read, like, sign up and log in, cannot write
    SUSPENSION = "suspension"  # cannot log in


class SanctionEnding(enum.StrEnum):
    LIFTED = "lifted"  # a moderator or admin ended it early
    EXPIRED = "expired"  # its end date came (the worker)
    REPLACED = "replaced"  # a newer sanction of the same kind took its place


class Sanction(db.Model):
    __tablename__ = "sanctions"
    __table_args__ = (Index("ix_sanctions_user", "user_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[SanctionKind] = mapped_column(str_enum(SanctionKind))
    reason: Mapped[str] = mapped_column(String(500))  # shown to the person
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None: until lifted (or, a warning: none)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # None: worker
    ending: Mapped[SanctionEnding | None] = mapped_column(str_enum(SanctionEnding))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id])

    @property
    def is_warning(self) -> bool:
        return self.kind == SanctionKind.WARNING

    def in_force(self, now: datetime) -> bool:
        """A silence or suspension not lifted whose end (if any) is still ahead."""
        return (not self.is_warning and self.lifted_at is None
                and (self.ends_at is None or self.ends_at > now))
