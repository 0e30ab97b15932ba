"""Sanctions with reasons: warn, silence, suspend and lift — and the worker's job that ends them at their end date.

Each decision is a row in the person's history (app.models.sanction), an entry in the audit log and a mail in the
person's language. What every page asks (silenced? suspended?) is kept on the account row, so `policy.can_post`
costs no query. Moderators warn and silence people of a lower rank; suspending stays with admins
(policy.can_sanction, policy.can_suspend).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import joinedload

from app import policy, site
from app.database import rows_changed
from app.extensions import db
from app.mail import links, queue_mail
from app.models.attachment import Attachment
from app.models.audit import AuditAction
from app.models.moderation import Report
from app.models.notification import Notification, NotificationKind
from app.models.post import Comment, Post, Status
from app.models.sanction import Sanction, SanctionEnding, SanctionKind
from app.models.types import utcnow
from app.models.user import User
from app.security import log_security_event
from app.services import audit
from app.services.errors import DomainError, PermissionDenied

log = logging.getLogger(__name__)
REASON_MAX = 500
# One click fills the reason with one of these, in the language of the person who will read it; the moderator
# can still change it.
REASON_TEMPLATES = {
    "insults": _l("Insults and contempt for other people. Please argue about the matter, not about the person."),
    "hate": _l("Hate speech against a group of people. Our community guidelines do not allow it."),
    "spam": _l("Advertising or spam."),
    "off_topic": _l("Repeatedly off-topic, after being asked to keep to the subject of the discussion."),
}
DURATION_DAYS = {"1": 1, "7": 7, "30": 30}
# What a decision records and mails when it starts.
_STARTS = {
    SanctionKind.WARNING: (AuditAction.ACCOUNT_WARNED, "account_warned"),
    SanctionKind.SILENCE: (AuditAction.ACCOUNT_SILENCED, "account_silenced"),
    SanctionKind.SUSPENSION: (AuditAction.ACCOUNT_SUSPENDED, "account_suspended"),
}


@dataclass(frozen=True)
class _Lasting:
    """A silence or suspension: its columns on the account row, what is recorded when it is lifted or ends at its
    end date, and the mail that says so."""

    since: str
    until: str
    reason: str
    in_force: str  # the account's property that says so now
    lifted: AuditAction
    ended: AuditAction
    mail: str


_LASTING = {
    SanctionKind.SILENCE: _Lasting("silenced_at", "silenced_until", "silence_reason", "is_silenced",
                                   AuditAction.ACCOUNT_UNSILENCED, AuditAction.SILENCE_ENDED, "account_unsilenced"),
    SanctionKind.SUSPENSION: _Lasting("suspended_at", "suspended_until", "suspension_reason", "is_suspended",
                                      AuditAction.ACCOUNT_UNSUSPENDED, AuditAction.SUSPENSION_ENDED,
                                      "account_unsuspended"),
}


def reason_template(key: str, subject: User) -> str:
    """A ready reason in the language of the person it is for (they read it, not the moderator)."""
    with force_locale(subject.locale or site.get("default_locale")):
        return str(REASON_TEMPLATES[key])


def end_of(duration: str | None, day: date | None) -> datetime | None:
    """The end a moderator chose: 1, 7 or 30 days from now; the end of a chosen day in the site's time zone ("until
    3 May" lasts through that day); or None, until it is lifted. A day alone counts as "until that day"."""
    if day is not None and duration not in (None, "", "date"):
        raise DomainError(_l("You chose a length and a day. Please choose “Through the day below” to use the day, "
                             "or clear the day."), "until")
    if duration in DURATION_DAYS:
        return utcnow() + timedelta(days=DURATION_DAYS[duration])
    if duration == "date" and day is None:
        raise DomainError(_l("Please choose the last day."), "until")
    if day is not None:
        return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return None


# ---------------------------------------------------------------- decisions


def warn(actor: User, subject: User, reason: str) -> Sanction:
    """A note with the reason and a link to the guidelines, in the bell and by mail; nothing is restricted."""
    sanction = _record(actor, subject, SanctionKind.WARNING, reason, None)
    db.session.add(Notification(user_id=subject.id, kind=NotificationKind.WARNING, sanction_id=sanction.id,
                                created_at=sanction.starts_at))
    _audit_and_tell(actor, subject, sanction)
    return sanction


def silence(actor: User, subject: User, reason: str, until: datetime | None = None) -> Sanction:
    """The person can read, like, sign up for events, log in and change their settings, but writes nothing others
    read until `until` (None: until lifted)."""
    sanction = _record(actor, subject, SanctionKind.SILENCE, reason, until)
    subject.silenced_at, subject.silenced_until, subject.silence_reason = sanction.starts_at, until, sanction.reason
    _audit_and_tell(actor, subject, sanction)
    return sanction


def suspend(actor: User, subject: User, reason: str, until: datetime | None = None) -> Sanction:
    """The account cannot log in until `until` (None: until an admin lifts it) and its sessions end now; at the
    login, after the right password only, the person is told why and until when."""
    sanction = _record(actor, subject, SanctionKind.SUSPENSION, reason, until)
    subject.suspended_at, subject.suspended_until, subject.suspension_reason = (
        sanction.starts_at, until, sanction.reason)
    subject.session_version += 1
    _audit_and_tell(actor, subject, sanction)
    return sanction


def lift(actor: User, subject: User, kind: SanctionKind) -> bool:
    """End a silence or suspension now; False when none is in force (one past its end is the worker's to close, with
    the mail that says it ended). The person is told by mail."""
    _check(actor, subject, kind)
    lasting = _LASTING[kind]
    if not getattr(subject, lasting.in_force):
        return False
    setattr(subject, lasting.since, None)
    setattr(subject, lasting.until, None)
    setattr(subject, lasting.reason, "")
    _close_open(subject, kind, SanctionEnding.LIFTED, actor, utcnow())
    audit.record(actor, lasting.lifted, subject=subject)
    _tell_ended(subject, lasting, lifted=True)
    log_security_event(lasting.lifted, actor, subject=subject.id)
    return True


def _check(actor: User, subject: User, kind: SanctionKind) -> None:
    if kind == SanctionKind.SUSPENSION and not policy.can_suspend(actor, subject):
        raise PermissionDenied(_l("You may not suspend this account."))
    if not policy.can_sanction(actor, subject):
        raise PermissionDenied(_l("You may not warn or silence this person."))


def _record(actor: User, subject: User, kind: SanctionKind, reason: str, until: datetime | None) -> Sanction:
    """Check the decision and add it to the history; a silence or suspension in force is replaced by it."""
    _check(actor, subject, kind)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Please give a reason: the person is told."), "reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_l("Use at most %(max)d characters.", max=REASON_MAX), "reason")
    now = utcnow()
    if until is not None and until <= now:
        raise DomainError(_l("The end must be in the future."), "until")
    if kind != SanctionKind.WARNING:
        _close_open(subject, kind, SanctionEnding.REPLACED, actor, now)
    sanction = Sanction(user_id=subject.id, kind=kind, reason=reason, starts_at=now, ends_at=until,
                        created_by_id=actor.id)
    db.session.add(sanction)
    db.session.flush()
    log.info("%s of %s by %s until %s", kind, subject.id, actor.id, until)
    return sanction


def _audit_and_tell(actor: User, subject: User, sanction: Sanction) -> None:
    action, mail = _STARTS[sanction.kind]
    until = None if sanction.is_warning else f"{sanction.ends_at:%Y-%m-%d}" if sanction.ends_at else "-"
    audit.record(actor, action, subject=subject, old_value=until, new_value=sanction.reason[:255])
    queue_mail(subject.email, mail, locale=subject.locale, user=subject, reason=sanction.reason,
               until=sanction.ends_at, guidelines_url=links.guidelines())
    log_security_event(action, actor, subject=subject.id)


def _tell_ended(subject: User, lasting: _Lasting, *, lifted: bool) -> None:
    queue_mail(subject.email, lasting.mail, locale=subject.locale, user=subject, lifted=lifted,
               login_url=links.login())


def _close_open(subject: User, kind: SanctionKind, ending: SanctionEnding, actor: User | None,
                at: datetime) -> None:
    """Close the person's open rows of this kind. One whose end date has passed ended by itself, whatever
    happens now."""
    open_rows = (Sanction.user_id == subject.id, Sanction.kind == kind, Sanction.lifted_at.is_(None))
    db.session.execute(update(Sanction).where(*open_rows, Sanction.ends_at <= at)
                       .values(lifted_at=Sanction.ends_at, ending=SanctionEnding.EXPIRED))
    db.session.execute(update(Sanction).where(*open_rows).values(
        lifted_at=at, lifted_by_id=actor.id if actor else None, ending=ending))


# ---------------------------------------------------------------- the worker


def end_due() -> int:
    """The worker's job: silences and suspensions whose end date has passed end for good: the account row is
    cleared, the history and the audit log say so, and the person gets a mail. (They stopped counting at their
    end already: `User.is_silenced` and `is_suspended` read the date.) Each end is claimed by a guarded UPDATE of
    the account row, so two workers running at once mail nobody twice."""
    now = utcnow()
    ended = 0
    for kind, lasting in _LASTING.items():
        since, until = getattr(User, lasting.since), getattr(User, lasting.until)
        due = db.session.execute(select(User.id, until).where(since.is_not(None), until <= now)).all()
        for user_id, ends_at in due:
            claim = (update(User).where(User.id == user_id, since.is_not(None), until <= now)
                     .values({since: None, until: None, getattr(User, lasting.reason): ""}))
            if rows_changed(claim) != 1:
                continue  # another worker ended it, or a moderator changed it meanwhile
            subject = db.session.get_one(User, user_id)
            _close_open(subject, kind, SanctionEnding.EXPIRED, None, ends_at)
            audit.record(None, lasting.ended, subject=subject, old_value=f"{ends_at:%Y-%m-%d}")
            _tell_ended(subject, lasting, lifted=False)
            log.info("%s of %s ended at its end date", kind, user_id)
            ended += 1
    return ended


# ---------------------------------------------------------------- what moderators read


def history(subject: User) -> list[Sanction]:
    """Every warning, silence and suspension of the person, newest first, with who decided and who lifted it."""
    return list(db.session.scalars(
        select(Sanction).where(Sanction.user_id == subject.id)
        .options(joinedload(Sanction.created_by), joinedload(Sanction.lifted_by))
        .order_by(Sanction.starts_at.desc(), Sanction.id.desc())))


@dataclass
class ContentRecord:
    """What moderators weigh beside the history: reports about the person's content, and their held and hidden
    posts and comments."""

    open_reports: int
    reports: int
    held: int
    hidden: int


def content_record(subject: User) -> ContentRecord:
    """Counts only (six small queries, however much the person has written)."""
    own = or_(
        and_(Report.attachment_id.is_not(None), Attachment.owner_id == subject.id),
        and_(Report.attachment_id.is_(None), Report.comment_id.is_not(None), Comment.author_id == subject.id),
        and_(Report.attachment_id.is_(None), Report.comment_id.is_(None), Post.author_id == subject.id))
    about = (select(func.count()).select_from(Report)
             .outerjoin(Attachment, Attachment.id == Report.attachment_id)
             .outerjoin(Comment, Comment.id == Report.comment_id)
             .outerjoin(Post, Post.id == Report.post_id).where(own))

    def count(query) -> int:
        return db.session.scalar(query) or 0

    def posts_and_comments(condition) -> int:
        return sum(count(select(func.count()).select_from(model).where(model.author_id == subject.id,
                                                                       condition(model)))
                   for model in (Post, Comment))

    return ContentRecord(open_reports=count(about.where(Report.resolved_at.is_(None))), reports=count(about),
                         held=posts_and_comments(lambda model: model.status == Status.PENDING),
                         hidden=posts_and_comments(lambda model: model.hidden_at.is_not(None)))
