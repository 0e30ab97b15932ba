"""Slow mode and timed locks: how often one person may comment in a heated thread, and when a thread closes and
opens again by itself.

Both are read against the clock when someone comments (`check_pace`, `Post.locked_at` through
policy.can_comment), so nothing has to run on time for them to hold: no worker job flips a lock.
"""

from __future__ import annotations

import enum
import logging
import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_datetime, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy
from app.extensions import db
from app.models.audit import AuditAction
from app.models.post import Comment, Post
from app.models.types import utcnow
from app.models.user import User
from app.services import audit
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)
MAX_SLOW_MODE_MINUTES = 24 * 60


class LockState(enum.StrEnum):
    """What the moderators' thread settings offer: open, locked by hand, or locked for a time."""

    OPEN = "open"
    LOCKED = "locked"
    TIMED = "timed"


def check_pace(author: User, post: Post) -> None:
    """Slow mode: refuse a comment sooner than `slow_mode_minutes` after this person's last one in this thread,
    saying when they may write again. Deleted and held comments count too, so deleting one skips no wait."""
    if not policy.is_slowed_down(author, post):
        return
    last = db.session.scalar(select(func.max(Comment.created_at)).where(Comment.post_id == post.id,
                                                                       Comment.author_id == author.id))
    if last is None:
        return
    allowed = last + timedelta(minutes=post.slow_mode_minutes)
    if utcnow() >= allowed:
        return
    wait = math.ceil((allowed - utcnow()).total_seconds() / 60)
    raise DomainError(lazy_ngettext(
        "Slow mode is on in this discussion: one comment per person every minute. You can comment again in "
        "%(wait)d min, at %(time)s. Your text is kept below.",
        "Slow mode is on in this discussion: one comment per person every %(num)d minutes. You can comment again "
        "in %(wait)d min, at %(time)s. Your text is kept below.",
        post.slow_mode_minutes, wait=wait, time=format_datetime(allowed, "short")), "body")


def lock_state(post: Post, now: datetime | None = None) -> LockState:
    """The thread's lock as the settings form shows it (a timed lock that has ended shows as open)."""
    now = now or utcnow()
    if post.locked_until is not None and now >= post.locked_until:
        return LockState.OPEN
    if post.lock_at is not None or post.locked_until is not None:
        return LockState.TIMED
    return LockState.LOCKED if post.locked else LockState.OPEN


def site_time(local: datetime | None) -> datetime | None:
    """A time typed in a form means the site's time zone."""
    if local is None or local.tzinfo is not None:
        return local
    return local.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def local_time(value: datetime | None) -> datetime | None:
    """A stored time as the form shows it: in the site's time zone, without one attached."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).replace(tzinfo=None)


def set_thread_rules(actor: User, post: Post, *, slow_mode_minutes: int, lock: LockState | str,
                     lock_from: datetime | None = None, lock_until: datetime | None = None) -> None:
    """A moderator sets slow mode and the lock of a thread: open, locked until opened by hand, or locked for a
    time (from `lock_from`, empty = now, until `lock_until`, empty = until opened by hand; times typed in the
    site's time zone). Each change is audited."""
    if not policy.can_moderate(actor):
        raise PermissionDenied(_l("Only moderators may do this."))
    if not 0 <= slow_mode_minutes <= MAX_SLOW_MODE_MINUTES:
        raise DomainError(_l("Please enter a number from %(min)d to %(max)d.", min=0, max=MAX_SLOW_MODE_MINUTES),
                          "slow_mode_minutes")
    if lock not in set(LockState):
        raise DomainError(_l("Please choose one of the options."), "lock")
    schedule = _schedule(LockState(lock), site_time(lock_from), site_time(lock_until))
    if slow_mode_minutes != post.slow_mode_minutes:
        audit.record(actor, AuditAction.POST_SLOW_MODE, subject_id=post.author_id,
                     old_value=str(post.slow_mode_minutes), new_value=f"post:{post.id} {slow_mode_minutes} min")
        post.slow_mode_minutes = slow_mode_minutes
    if schedule != (post.locked, post.lock_at, post.locked_until):
        _record_lock(actor, post, LockState(lock), schedule)
        post.locked, post.lock_at, post.locked_until = schedule
    log.info("thread rules of post %s set by %s: slow mode %s, lock %s", post.id, actor.id, slow_mode_minutes,
             schedule)


def _schedule(lock: LockState, start: datetime | None, end: datetime | None):
    """(locked, lock_at, locked_until) for the chosen lock; a start in the past means now."""
    if lock == LockState.OPEN:
        return False, None, None
    if lock == LockState.LOCKED:
        return True, None, None
    if start is None and end is None:
        raise DomainError(_l("Please enter when the lock begins, when it ends, or both."), "lock_from")
    now = utcnow()
    if start is not None and start <= now:
        start = None
    if end is not None and end <= (start or now):
        raise DomainError(_l("The end must lie in the future and after the beginning."), "lock_until")
    return start is None, start, end


def _record_lock(actor: User, post: Post, lock: LockState, schedule) -> None:
    _locked, start, end = schedule
    if lock == LockState.TIMED:
        action = AuditAction.POST_LOCK_SCHEDULED
        value = f"post:{post.id} {start.isoformat() if start else 'now'} – {end.isoformat() if end else '…'}"
    else:
        action = AuditAction.POST_LOCKED if lock == LockState.LOCKED else AuditAction.POST_UNLOCKED
        value = f"post:{post.id}"
    audit.record(actor, action, subject_id=post.author_id, new_value=value)
