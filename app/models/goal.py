"""Goals the association sets itself ("40 active people per month") and the dashboard measures against."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class GoalMetric(enum.StrEnum):
    """What a goal measures, one value per week or month (the dashboard's series of the same name)."""

    ACTIVE_PEOPLE = "active_people"
    REGISTRATIONS = "registrations"
    NEW_MEMBERS = "new_members"
    DISCUSSIONS = "discussions"
    COMMENTS_PER_POST = "comments_per_post"
    FIRST_REPLY_MEDIAN_HOURS = "first_reply_median_hours"
    FIRST_REPLY_MAX_HOURS = "first_reply_max_hours"
    UNANSWERED = "unanswered"
    REPORT_MEDIAN_HOURS = "report_median_hours"
    SIGNUPS = "signups"
    FILL_RATE = "fill_rate"
    OPT_INS = "opt_ins"


# Metrics where less is better: a goal is met when the value is at most the target.
LOWER_IS_BETTER = frozenset({GoalMetric.FIRST_REPLY_MEDIAN_HOURS, GoalMetric.FIRST_REPLY_MAX_HOURS,
                             GoalMetric.UNANSWERED, GoalMetric.REPORT_MEDIAN_HOURS})


class GoalPeriod(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"


class Goal(db.Model):
    """A target per period. Goals are never edited in place: a change archives the old one and sets a new
    one, so what was aimed at when stays readable (and both steps are in the audit log)."""

    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_archived_at", "archived_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[GoalMetric] = mapped_column(str_enum(GoalMetric, 40))
    target: Mapped[float] = mapped_column(Float)
    period: Mapped[GoalPeriod] = mapped_column(str_enum(GoalPeriod))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship()

    @property
    def lower_is_better(self) -> bool:
        return self.metric in LOWER_IS_BETTER

    def is_met_by(self, value: float | None) -> bool | None:
        """None when there is nothing to measure in that period (no discussion, no event)."""
        if value is None:
            return None
        return value <= self.target if self.lower_is_better else value >= self.target
