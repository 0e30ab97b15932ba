"""Goals: admins set targets per week or month, the dashboard shows progress and trend against each.

A goal is never edited in place: setting a new target for the same measure and period archives the old
goal, so the audit log reads as a history of what was aimed at when.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import policy
from app.extensions import db
from app.models.audit import AuditAction
from app.models.goal import Goal, GoalMetric, GoalPeriod
from app.models.types import utcnow
from app.models.user import User
from app.services import audit
from app.services.dashboard import SERIES, Measurements, shown
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)
MAX_ACTIVE_GOALS = 20
MAX_TARGET = 1_000_000
PERCENT_METRICS = frozenset({GoalMetric.FILL_RATE})


def active_goals() -> list[Goal]:
    return list(db.session.scalars(select(Goal).where(Goal.archived_at.is_(None))
                                   .order_by(Goal.period, Goal.created_at, Goal.id)))


def _describe(goal: Goal) -> str:
    return f"{goal.metric.value} {'<=' if goal.lower_is_better else '>='} {goal.target:g} per {goal.period.value}"


def _check_target(metric: GoalMetric, target: float) -> None:
    if not 0 <= target <= MAX_TARGET:
        raise DomainError(_l("Please enter a number from 0 to %(max)d.", max=MAX_TARGET), "target")
    if metric in PERCENT_METRICS and target > 100:
        raise DomainError(_l("A percentage is at most 100."), "target")


def set_goal(actor: User, metric: GoalMetric, period: GoalPeriod, target: float) -> Goal:
    """Set a target; an active goal for the same measure and period is archived (replaced)."""
    if not policy.can_set_goals(actor):
        raise PermissionDenied(_l("Only admins set goals."))
    _check_target(metric, target)
    goals = active_goals()
    replaced = next((g for g in goals if g.metric == metric and g.period == period), None)
    if replaced is None and len(goals) >= MAX_ACTIVE_GOALS:
        raise DomainError(_l("There are %(num)d goals already. Please archive one first.", num=MAX_ACTIVE_GOALS))
    goal = Goal(metric=metric, period=period, target=target, created_by_id=actor.id, created_at=utcnow())
    db.session.add(goal)
    if replaced is not None:
        replaced.archived_at = goal.created_at
    db.session.flush()
    audit.record(actor, AuditAction.GOAL_SET, old_value=_describe(replaced) if replaced else None,
                 new_value=_describe(goal))
    log.info("goal %s (%s) set by %s", goal.id, _describe(goal), actor.id)
    return goal


def archive_goal(actor: User, goal: Goal) -> None:
    """Stop measuring against a goal (it stays in the database and the audit log)."""
    if not policy.can_set_goals(actor):
        raise PermissionDenied(_l("Only admins set goals."))
    if goal.archived_at is not None:
        return
    goal.archived_at = utcnow()
    audit.record(actor, AuditAction.GOAL_ARCHIVED, old_value=_describe(goal))
    log.info("goal %s archived by %s", goal.id, actor.id)


@dataclass(frozen=True)
class Progress:
    goal: Goal
    values: list  # per period, oldest first; the last is the running period
    shown: list  # the same, with small counts of people suppressed
    met: list  # True / False / None (nothing measured) per period
    met_count: int  # complete periods that met the goal
    measured_count: int  # complete periods with a value
    trend: str | None  # "better", "worse", "steady" (the last complete period against the one before)

    @property
    def current(self):
        return self.shown[-1]

    @property
    def previous(self):
        return self.shown[-2] if len(self.shown) > 1 else None


def _trend(goal: Goal, values: list) -> str | None:
    if len(values) < 3 or values[-2] is None or values[-3] is None:
        return None
    change = values[-2] - values[-3]
    if change == 0:
        return "steady"
    return "better" if (change < 0) == goal.lower_is_better else "worse"


def progress(goals: list[Goal], measured: dict[GoalPeriod, Measurements]) -> list[Progress]:
    """Each goal against its own period's series (a monthly goal on the weekly view still counts months)."""
    result = []
    for goal in goals:
        values = measured[goal.period].values(goal.metric.value)
        met = [goal.is_met_by(value) for value in values]
        complete = met[:-1]
        result.append(Progress(goal=goal, values=values,
                               shown=[shown(value, SERIES[goal.metric.value].people) for value in values],
                               met=met, met_count=sum(1 for m in complete if m),
                               measured_count=sum(1 for m in complete if m is not None), trend=_trend(goal, values)))
    return result
