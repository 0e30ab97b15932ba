"""The dashboard's time axis: the last N weeks or months in the site's time zone, as UTC boundaries.

Weeks start on Monday and months on the 1st at local midnight, because that is how organizers count
("this week", "in November"). Each series is bucketed in SQL with a CASE over these boundaries: one
GROUP BY per series that works the same on SQLite and PostgreSQL, instead of date functions that differ.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, case, literal

from app.models.goal import GoalPeriod
from app.models.types import utcnow

DEFAULT_COUNT = 12


@dataclass(frozen=True)
class Periods:
    """`count` consecutive periods; the last one is the current, still running one."""

    kind: GoalPeriod
    days: tuple[date, ...]  # local first days: count + 1 of them, the last is where the current period ends
    bounds: tuple[datetime, ...]  # the same instants in UTC
    now: datetime

    @property
    def count(self) -> int:
        return len(self.days) - 1

    @property
    def start(self) -> datetime:
        return self.bounds[0]

    @property
    def end(self) -> datetime:
        return self.bounds[-1]

    def within(self, column):
        return and_(column >= self.start, column < self.end)

    def bucket(self, column, low: int = 0, high: int | None = None):
        """The period's index (0 = oldest) of a timestamp inside the range (rows outside are filtered anyway).

        A binary search written as nested CASEs: four comparisons a row for twelve periods instead of up to
        eleven, which halves the cost of bucketing a year of activity on SQLite."""
        high = self.count if high is None else high
        if high - low == 1:
            return literal(low)
        middle = (low + high) // 2
        return case((column >= self.bounds[middle], self.bucket(column, middle, high)),
                    else_=self.bucket(column, low, middle))

    def index_of(self, when: datetime) -> int | None:
        if when < self.start or when >= self.end:
            return None
        return bisect.bisect_right(self.bounds, when) - 1

    def elapsed(self, index: int) -> timedelta:
        """How much of a period has passed (all of it except for the current one)."""
        return min(self.bounds[index + 1], self.now) - self.bounds[index]


def _first_day(kind: GoalPeriod, today: date) -> date:
    return today - timedelta(days=today.weekday()) if kind == GoalPeriod.WEEK else today.replace(day=1)


def _shift(kind: GoalPeriod, day: date, steps: int) -> date:
    if kind == GoalPeriod.WEEK:
        return day + timedelta(weeks=steps)
    months = day.year * 12 + day.month - 1 + steps
    return date(months // 12, months % 12 + 1, 1)


def last_periods(kind: GoalPeriod, count: int = DEFAULT_COUNT, now: datetime | None = None) -> Periods:
    """The last `count` weeks or months up to and including the current one."""
    now = now or utcnow()
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    current = _first_day(kind, now.astimezone(zone).date())
    days = tuple(_shift(kind, current, step) for step in range(-(count - 1), 2))
    bounds = tuple(datetime.combine(day, time(), tzinfo=zone).astimezone(UTC) for day in days)
    return Periods(kind=kind, days=days, bounds=bounds, now=now)
