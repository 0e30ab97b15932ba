"""Polls: one per discussion or news post, anonymous.

A ballot row records only THAT someone voted (for the unique key that stops a second vote), never for what: the
counts live on the options, raised in the same transaction as the ballot is stored. Once a poll is closed, the
worker deletes its ballots (app.services.polls.forget_voters); `voter_count` keeps the total.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.post import Post
from app.models.types import UTCDateTime, str_enum, utcnow

QUESTION_MAX = 300
OPTION_MAX = 200
OPTIONS_MIN = 2
OPTIONS_MAX = 20


class ResultsShown(enum.StrEnum):
    """When people see the counts (the author's choice)."""

    AFTER_VOTE = "after_vote"  # once they voted (and to everyone once the poll is closed)
    AFTER_CLOSE = "after_close"  # to nobody before it closes: no early count sways the later votes


class Poll(db.Model):
    __tablename__ = "polls"
    __table_args__ = (Index("ix_polls_closing", "closed_at", "closes_at"),)  # the ballot clean-up's seek

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    question: Mapped[str] = mapped_column(String(QUESTION_MAX), default="")  # empty: the post's title
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    max_choices: Mapped[int | None] = mapped_column(Integer)  # multiple choice: at most this many (None: any)
    results_shown: Mapped[ResultsShown] = mapped_column(str_enum(ResultsShown), default=ResultsShown.AFTER_VOTE)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # closes by itself (read against the clock)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # closed early by its author or a moderator
    voter_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    post: Mapped[Post] = relationship(back_populates="poll")
    options: Mapped[list[PollOption]] = relationship(order_by="PollOption.position", back_populates="poll",
                                                     passive_deletes=True)

    def closed_at_time(self, now: datetime) -> bool:
        return self.closed_at is not None or (self.closes_at is not None and now >= self.closes_at)

    @property
    def is_closed(self) -> bool:
        return self.closed_at_time(utcnow())

    def question_for(self, post: Post) -> str:
        return self.question or post.title


class PollOption(db.Model):
    __tablename__ = "poll_options"
    __table_args__ = (UniqueConstraint("poll_id", "position", name="uq_poll_options_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(OPTION_MAX))
    vote_count: Mapped[int] = mapped_column(Integer, default=0)

    poll: Mapped[Poll] = relationship(back_populates="options")


class PollBallot(db.Model):
    """That this person voted in this poll: no option, no time (so nothing ties a person to a choice)."""

    __tablename__ = "poll_ballots"
    __table_args__ = (UniqueConstraint("poll_id", "user_id", name="uq_poll_ballots_poll_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
