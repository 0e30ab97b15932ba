"""Watched words: what the moderators' word list holds (the matching itself is app.watched_words)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class WatchKind(enum.StrEnum):
    WORD = "word"  # a whole word or phrase
    SUBSTRING = "substring"  # also inside longer words ("arsch" in "Arschloch")
    REGEX = "regex"  # an admin's regular expression, on the text as written


class WatchAction(enum.StrEnum):
    BLOCK = "block"  # refused; the form keeps the text and says why
    HOLD = "hold"  # stored, shown once a moderator approves it
    FLAG = "flag"  # published, and put in the moderation queue
    CENSOR = "censor"  # published with the word replaced


class WatchedWord(db.Model):
    __tablename__ = "watched_words"
    __table_args__ = (
        # One entry per spelling as the rules read it: "Idiot" and "1d10t" are the same word.
        UniqueConstraint("kind", "normalised", name="uq_watched_words_kind_normalised"),
        Index("ix_watched_words_normalised", "normalised", "id"),  # the list's order, a page at a time
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200))  # as the volunteer wrote it
    normalised: Mapped[str] = mapped_column(String(400))  # app.watched_words.entry_key (ß -> ss can lengthen it)
    kind: Mapped[WatchKind] = mapped_column(str_enum(WatchKind))
    action: Mapped[WatchAction] = mapped_column(str_enum(WatchAction), index=True)
    replacement: Mapped[str] = mapped_column(String(40), default="")  # for "censor"; "" = the default ■■■
    rule: Mapped[str] = mapped_column(String(200), default="")  # which rule it breaks, told to the writer
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by: Mapped[User | None] = relationship()
