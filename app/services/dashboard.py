"""The organizers' dashboard: are we reaching people, and is there dialogue?

Every number is counted from the app's own tables (no tracking of who reads what). Each series is one
aggregate query over the chosen weeks or months, so the page runs the same number of queries whatever the
data's size; only the first-reply and report timings fetch one small row per discussion or report in the
range, because a median is not portable SQL (SQLite has no percentile function).

Privacy: counts of people shown per period or per kind are suppressed below five (`shown`), in the page and
in the CSV alike; counts of things (posts, reports, events) are not.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, distinct, func, literal, select, union_all

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.event import Event, Signup, SignupStatus
from app.models.goal import GoalPeriod
from app.models.membership import ApplicationStatus, MembershipApplication
from app.models.moderation import Report
from app.models.notification import MailKind, MailMode, MailPreference
from app.models.post import Comment, CommentLike, Post, PostKind, PostLike, Status
from app.models.types import UTCDateTime
from app.models.user import Role, User
from app.services.dashboard_periods import Periods, last_periods
from app.services.mail_preferences import NEEDS_CONSENT

SMALLEST_SHOWN = 5  # counts of people from 1 to 4 are shown as "<5"
SUPPRESSED = "<5"
ACTIVE_WINDOWS = (7, 30, 90)
_MEMBER_ROLES = (Role.MEMBER.value, Role.VOLUNTEER.value, Role.ADMIN.value)

Values = list[float | None]


def shown(value: float | None, people: bool):
    """What the page and the CSV show: a count of 1-4 people becomes "<5" (0 reveals nobody)."""
    if people and value is not None and 0 < value < SMALLEST_SHOWN:
        return SUPPRESSED
    return value


def _per_period(periods: Periods, rows) -> list[int]:
    values = [0] * periods.count
    for index, number in rows:
        values[int(index)] = int(number or 0)
    return values


def _bucket_counts(periods: Periods, at, *where, who=None) -> list[int]:
    """Rows (or distinct `who`) per period, by the timestamp `at`."""
    inner = (select(periods.bucket(at).label("bucket"), (who if who is not None else literal(1)).label("who"))
             .where(periods.within(at), *where).subquery())
    counted = func.count(distinct(inner.c.who)) if who is not None else func.count()
    return _per_period(periods, db.session.execute(select(inner.c.bucket, counted).group_by(inner.c.bucket)))


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def _hours_between(later, earlier):
    """Hours from `earlier` to `later` in SQL: SQLite stores timestamps as text (julianday reads it), PostgreSQL
    as timestamps (an interval's epoch)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 24
    return func.extract("epoch", later - earlier) / 3600


# ---------------------------------------------------------------- reaching people


def registrations(periods: Periods) -> dict[str, Values]:
    """Accounts created per period (also those erased since: they did register)."""
    return {"registrations": list(_bucket_counts(periods, User.created_at))}


def new_members(periods: Periods) -> dict[str, Values]:
    """People who became members (application, invitation or role change), from the audit log of roles."""
    became = and_(AuditEntry.old_value == Role.ALUMNUS.value, AuditEntry.new_value.in_(_MEMBER_ROLES))
    return {"new_members": list(_bucket_counts(periods, AuditEntry.created_at, became, who=AuditEntry.subject_id))}


def _activity(since: datetime):
    """(user_id, at) of everything a person did: wrote, commented, liked, signed up."""
    return union_all(
        select(Post.author_id.label("user_id"), Post.created_at.label("at")).where(Post.created_at >= since),
        select(Comment.author_id, Comment.created_at).where(Comment.created_at >= since),
        select(PostLike.user_id, PostLike.created_at).where(PostLike.created_at >= since),
        select(CommentLike.user_id, CommentLike.created_at).where(CommentLike.created_at >= since),
        select(Signup.user_id, Signup.queued_at).where(Signup.queued_at >= since),
    ).subquery()


def active_people(periods: Periods) -> dict[str, Values]:
    """Different people who did something in each period."""
    activity = _activity(periods.start)
    return {"active_people": list(_bucket_counts(periods, activity.c.at, activity.c.at < periods.end,
                                                 who=activity.c.user_id))}


def active_in_windows(now: datetime) -> dict[int, int]:
    """Different people active in the last 7, 30 and 90 days (one query)."""
    activity = _activity(now - timedelta(days=max(ACTIVE_WINDOWS)))
    columns = [func.count(distinct(_when(activity.c.at >= now - timedelta(days=days), activity.c.user_id)))
               for days in ACTIVE_WINDOWS]
    row = db.session.execute(select(*columns)).one()
    return dict(zip(ACTIVE_WINDOWS, (int(n or 0) for n in row), strict=True))


def _when(condition, value):
    return case((condition, value), else_=None)


# ---------------------------------------------------------------- dialogue


def posts(periods: Periods) -> dict[str, Values]:
    """Discussions (anyone) against news (volunteers): dialogue or one-way; comments per post."""
    shown_posts = and_(Post.kind.in_((PostKind.DISCUSSION, PostKind.NEWS)), Post.status == Status.PUBLISHED,
                       Post.hidden_at.is_(None), periods.within(Post.created_at))
    inner = select(periods.bucket(Post.created_at).label("bucket"), Post.kind.label("kind"),
                   Post.comment_count.label("comments")).where(shown_posts).subquery()
    rows = db.session.execute(select(inner.c.bucket, inner.c.kind, func.count(), func.sum(inner.c.comments))
                              .group_by(inner.c.bucket, inner.c.kind))
    counts = {kind: [0] * periods.count for kind in (PostKind.DISCUSSION, PostKind.NEWS)}
    comments = [0] * periods.count
    for index, kind, number, comment_sum in rows:
        counts[PostKind(kind)][int(index)] = int(number)
        comments[int(index)] += int(comment_sum or 0)
    discussions, news = counts[PostKind.DISCUSSION], counts[PostKind.NEWS]
    totals = [d + n for d, n in zip(discussions, news, strict=True)]
    return {"discussions": list(discussions), "news": list(news),
            "dialogue_share": [round(100 * d / t) if t else None for d, t in zip(discussions, totals, strict=True)],
            "comments_per_post": [round(c / t, 1) if t else None for c, t in zip(comments, totals, strict=True)]}


def first_replies(periods: Periods) -> dict[str, Values]:
    """Hours until a discussion's first reply by someone else; unanswered ones count with the time they have
    waited so far (so "every discussion answered within 2 days" cannot look met while one waits a week)."""
    reply = and_(Comment.post_id == Post.id, Comment.author_id != Post.author_id, Comment.hidden_at.is_(None),
                 Comment.status == Status.PUBLISHED)
    per_discussion = (
        select(periods.bucket(Post.created_at).label("bucket"), Post.created_at.label("created"),
               func.min(Comment.created_at).label("first")).outerjoin(Comment, reply)
        .where(Post.kind == PostKind.DISCUSSION, Post.status == Status.PUBLISHED, Post.hidden_at.is_(None),
               periods.within(Post.created_at))
        .group_by(Post.id, Post.created_at)).subquery()
    # Hours computed by the database: a year of discussions is thousands of rows, and parsing two timestamps
    # per row in Python cost more than the query itself.
    waited = _hours_between(func.coalesce(per_discussion.c.first, literal(periods.now, UTCDateTime())),
                            per_discussion.c.created)
    rows = db.session.execute(select(per_discussion.c.bucket, waited, per_discussion.c.first.is_(None)))
    waits: list[list[float]] = [[] for _ in range(periods.count)]
    unanswered = [0] * periods.count
    for index, hours, is_unanswered in rows:
        waits[int(index)].append(float(hours))
        unanswered[int(index)] += bool(is_unanswered)
    return {"first_reply_median_hours": [_median(w) for w in waits],
            "first_reply_max_hours": [round(max(w), 1) if w else None for w in waits],
            "unanswered": list(unanswered)}


# ---------------------------------------------------------------- moderation


def reports(periods: Periods) -> dict[str, Values]:
    """Reports per period and how long they took to handle (open ones: how long they have waited)."""
    rows = db.session.execute(select(Report.created_at, Report.resolved_at).where(periods.within(Report.created_at)))
    counts = [0] * periods.count
    waits: list[list[float]] = [[] for _ in range(periods.count)]
    for created, resolved in rows:
        index = periods.index_of(created)
        if index is not None:
            counts[index] += 1
            waits[index].append(_hours((resolved or periods.now) - created))
    return {"reports": list(counts), "report_median_hours": [_median(w) for w in waits]}


def open_reports() -> int:
    return db.session.scalar(select(func.count()).select_from(Report).where(Report.resolved_at.is_(None))) or 0


# ---------------------------------------------------------------- events


def signups(periods: Periods) -> dict[str, Values]:
    """Sign-ups made and cancelled per period (people)."""
    return {"signups": list(_bucket_counts(periods, Signup.queued_at)),
            "cancellations": list(_bucket_counts(periods, Signup.cancelled_at))}


def events(periods: Periods) -> dict[str, Values]:
    """Events by the period they take place in: how full (seats taken of the capacity, events with a limit)
    and how many people wait."""
    held = and_(Event.cancelled_at.is_(None), periods.within(Event.starts_at))
    inner = select(periods.bucket(Event.starts_at).label("bucket"), Event.capacity.label("capacity"),
                   Event.seats_taken.label("taken")).where(held).subquery()
    limited = inner.c.capacity.is_not(None)
    rows = db.session.execute(select(inner.c.bucket, func.count(), func.sum(_when(limited, inner.c.capacity)),
                                     func.sum(_when(limited, inner.c.taken))).group_by(inner.c.bucket))
    count: list[int] = [0] * periods.count
    fill: Values = [None] * periods.count
    for index, number, capacity, taken in rows:
        count[int(index)] = int(number)
        fill[int(index)] = round(100 * (taken or 0) / capacity) if capacity else None
    waiting = select(periods.bucket(Event.starts_at).label("bucket")).join(Signup, Signup.event_id == Event.id) \
        .where(held, Signup.status == SignupStatus.WAITLISTED).subquery()
    waitlisted = _per_period(periods, db.session.execute(
        select(waiting.c.bucket, func.count()).group_by(waiting.c.bucket)))
    return {"events": list(count), "fill_rate": fill, "waitlisted": list(waitlisted)}


# ---------------------------------------------------------------- mail and membership


def opt_ins(periods: Periods) -> dict[str, Values]:
    """Confirmed mail opt-ins (double opt-in links followed) per period."""
    return {"opt_ins": list(_bucket_counts(periods, User.mail_consent_at))}


@dataclass(frozen=True)
class MailReach:
    kind: MailKind
    chosen: int  # chose this kind (not "off")
    reached: int  # ... and may be mailed (confirmed opt-in where the kind needs it)


def mail_reach() -> list[MailReach]:
    """Per kind of mail: who chose it and who is really reached (one query)."""
    confirmed = func.sum(_when(User.mail_consent_at.is_not(None), 1))
    rows = {MailKind(kind): (int(chosen), int(with_consent or 0)) for kind, chosen, with_consent in db.session.execute(
        select(MailPreference.kind, func.count(), confirmed).join(User, User.id == MailPreference.user_id)
        .where(MailPreference.mode != MailMode.OFF, User.erased_at.is_(None)).group_by(MailPreference.kind))}
    reach = []
    for kind in MailKind:
        chosen, with_consent = rows.get(kind, (0, 0))
        reach.append(MailReach(kind, chosen, with_consent if kind in NEEDS_CONSENT else chosen))
    return reach


@dataclass(frozen=True)
class Applications:
    pending: int
    median_wait_days: float | None
    longest_wait_days: float | None


def applications(now: datetime) -> Applications:
    """Membership applications waiting for a decision, and how long they have waited."""
    waits = [(now - created).total_seconds() / 86400 for created in db.session.scalars(
        select(MembershipApplication.created_at).where(MembershipApplication.status == ApplicationStatus.PENDING))]
    return Applications(len(waits), _median(waits), round(max(waits), 1) if waits else None)


# ---------------------------------------------------------------- the series, and the page's numbers


@dataclass(frozen=True)
class SeriesSpec:
    source: Callable[[Periods], dict[str, Values]]
    unit: str  # count, hours, percent, ratio
    people: bool  # a count of people: suppressed below five


SERIES: dict[str, SeriesSpec] = {
    "registrations": SeriesSpec(registrations, "count", True),
    "new_members": SeriesSpec(new_members, "count", True),
    "active_people": SeriesSpec(active_people, "count", True),
    "discussions": SeriesSpec(posts, "count", False),
    "news": SeriesSpec(posts, "count", False),
    "dialogue_share": SeriesSpec(posts, "percent", False),
    "comments_per_post": SeriesSpec(posts, "ratio", False),
    "first_reply_median_hours": SeriesSpec(first_replies, "hours", False),
    "first_reply_max_hours": SeriesSpec(first_replies, "hours", False),
    "unanswered": SeriesSpec(first_replies, "count", False),
    "reports": SeriesSpec(reports, "count", False),
    "report_median_hours": SeriesSpec(reports, "hours", False),
    "signups": SeriesSpec(signups, "count", True),
    "cancellations": SeriesSpec(signups, "count", True),
    "events": SeriesSpec(events, "count", False),
    "fill_rate": SeriesSpec(events, "percent", False),
    "waitlisted": SeriesSpec(events, "count", True),
    "opt_ins": SeriesSpec(opt_ins, "count", True),
}


class Measurements:
    """The series of one period kind, each source queried once and only when asked for."""

    def __init__(self, periods: Periods):
        self.periods = periods
        self._computed: dict[Callable, dict[str, Values]] = {}

    def values(self, key: str) -> Values:
        source = SERIES[key].source
        if source not in self._computed:
            self._computed[source] = source(self.periods)
        return self._computed[source][key]

    def shown(self, key: str) -> list:
        return [shown(value, SERIES[key].people) for value in self.values(key)]


def measurements(kind: GoalPeriod, now: datetime | None = None) -> Measurements:
    return Measurements(last_periods(kind, now=now))


@dataclass(frozen=True)
class Snapshot:
    """What the dashboard shows besides the series: the state right now."""

    active: dict[int, int]
    open_reports: int
    mail: list[MailReach]
    confirmed_opt_ins: int
    applications: Applications


def snapshot(now: datetime) -> Snapshot:
    confirmed = db.session.scalar(select(func.count()).select_from(User).where(
        User.mail_consent_at.is_not(None), User.erased_at.is_(None)))
    return Snapshot(active=active_in_windows(now), open_reports=open_reports(), mail=mail_reach(),
                    confirmed_opt_ins=int(confirmed or 0), applications=applications(now))
