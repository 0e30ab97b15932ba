"""Community flagging: reports from different people add up, and enough of them hide a post or comment until a
moderator looks at it ("hidden after reports, awaiting review"). The author is told why and may edit it
meanwhile; a moderator restores it (the reports were unfounded) or confirms the hiding.

How much a report counts is the policy's (`policy.report_weight`); the threshold is the setting
`flag_hide_threshold` (0: reports never hide anything by themselves). The author's own report counts nothing, and
nor does a second report by someone whose report about the same thing a moderator dismissed: a restore is not
undone by the same people reporting again.

Reports arriving at once: each first locks the reported row (FOR NO KEY UPDATE on PostgreSQL, which does not wait
on the key-share lock another report's foreign key holds; on SQLite a no-op write, which takes the database's write
lock), then looks for an earlier report by the same person, adds its own and counts afresh. So they queue up one
behind the other, and exactly one of them finds the threshold reached and hides: one notification, one audit entry.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.orm import aliased

from app import policy, site
from app.extensions import db
from app.models.audit import AuditAction
from app.models.moderation import Report, ReportReason, ReportResolution
from app.models.post import Comment, Post
from app.models.types import utcnow
from app.models.user import User
from app.services import audit, comments, posts, reports
from app.services.errors import PermissionDenied
from app.services.notifications import notify_author_of_review

log = logging.getLogger(__name__)


def report_content(reporter: User, *, post: Post | None = None, comment: Comment | None = None,
                   reason: ReportReason | str, note: str = "") -> Report:
    """Report a post or a comment (see reports.report); when the reports about it weigh enough, it is hidden
    pending review and its author is told."""
    target: Post | Comment | None = comment or post
    if target is None:
        raise ValueError("a report is about a post or a comment")
    _lock(target)
    entry = reports.report(reporter, post=post, comment=comment, reason=reason, note=note)
    _weigh(target, reporter)
    return entry


def _lock(target: Post | Comment) -> None:
    """Hold the reported row for the rest of the transaction, and read it afresh."""
    model = type(target)
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE; a no-op write takes the write lock (waits on busy_timeout).
        db.session.execute(update(model).where(model.id == target.id).values(like_count=model.like_count)
                           .execution_options(synchronize_session=False))
    db.session.scalars(select(model).where(model.id == target.id).with_for_update(key_share=True)
                       .execution_options(populate_existing=True)).one()


def _about(target: Post | Comment, model=Report):
    if isinstance(target, Comment):
        return reports.about(None, target, model=model)
    return reports.about(target, None, model=model)


def counted_reporters(target: Post | Comment) -> list[User]:
    """The people whose open reports about `target` count toward hiding it: one each, never its author, nor anyone
    whose report about it a moderator dismissed before."""
    dismissed = aliased(Report)
    earlier_dismissed = exists().where(dismissed.reporter_id == Report.reporter_id, _about(target, dismissed),
                                       dismissed.resolution == ReportResolution.DISMISSED)
    reporter_ids = select(Report.reporter_id).where(_about(target), Report.resolved_at.is_(None),
                                                    Report.reporter_id != target.author_id, ~earlier_dismissed)
    return list(db.session.scalars(select(User).where(User.id.in_(reporter_ids)).order_by(User.id)))


def weight_of(people: list[User], threshold: int) -> int:
    """What these reports add up to, in half reports (a threshold of 3 is reached at 6)."""
    new_since = utcnow() - timedelta(days=site.get("new_account_days"))
    return sum(policy.report_weight(person, enough=2 * threshold, new_since=new_since) for person in people)


def open_reasons(target: Post | Comment) -> str:
    """The reasons of the open reports about `target`, in the form's order, comma-separated (as stored)."""
    found = set(db.session.scalars(select(Report.reason).where(_about(target), Report.resolved_at.is_(None))))
    return ",".join(reason.value for reason in ReportReason if reason in found)


def _weigh(target: Post | Comment, reporter: User) -> None:
    if target.is_pending or (isinstance(target, Comment) and target.is_deleted):
        return  # held content is seen by moderators only anyway; deleted content is gone
    if target.is_awaiting_review:
        target.review_reasons = open_reasons(target) or target.review_reasons  # the author sees every reason
        return
    threshold = site.get("flag_hide_threshold")
    if target.is_hidden or threshold <= 0:
        return
    weight = weight_of(counted_reporters(target), threshold)
    if weight < 2 * threshold:
        return
    reasons = open_reasons(target)
    if isinstance(target, Comment):
        comments.change_hidden(target, hidden=True, review_reasons=reasons)
        notify_author_of_review(target.post, target)
    else:
        posts.change_hidden(target, hidden=True, review_reasons=reasons)
        notify_author_of_review(target, None)
    audit.record(reporter, AuditAction.HIDDEN_BY_REPORTS, subject_id=target.author_id,
                 new_value=_described(target, reasons, weight))
    log.info("%s hidden pending review after reports (weight %s/%s)", _key(target), weight, 2 * threshold)


def _key(target: Post | Comment) -> str:
    return f"{'comment' if isinstance(target, Comment) else 'post'}:{target.id}"


def _described(target: Post | Comment, reasons: str, weight: int) -> str:
    """For the audit log: what, why, and how much the reports weighed (in whole reports)."""
    return f"{_key(target)} {reasons} weight {weight / 2:g}"


def restore(actor: User, target: Post | Comment) -> None:
    """The reports were unfounded: show it again and dismiss its open reports (their reporters' weight is noted in
    the audit log, and they no longer count toward hiding it again)."""
    _check(actor)
    threshold = max(site.get("flag_hide_threshold"), 1)
    noted = _described(target, open_reasons(target) or target.review_reasons or "",
                       weight_of(counted_reporters(target), threshold))
    _settle(actor, target, hidden=False, resolution=ReportResolution.DISMISSED)
    audit.record(actor, AuditAction.REVIEW_RESTORED, subject_id=target.author_id, new_value=noted)
    log.info("%s restored after review by %s", _key(target), actor.id)


def confirm(actor: User, target: Post | Comment) -> None:
    """The reports were right: it stays hidden, as a moderator's hiding now, and its open reports are settled."""
    _check(actor)
    reasons = open_reasons(target) or target.review_reasons or ""
    _settle(actor, target, hidden=True, resolution=ReportResolution.HIDDEN)
    audit.record(actor, AuditAction.REVIEW_CONFIRMED, subject_id=target.author_id,
                 new_value=f"{_key(target)} {reasons}")
    log.info("%s hiding confirmed after review by %s", _key(target), actor.id)


def _settle(actor: User, target: Post | Comment, *, hidden: bool, resolution: ReportResolution) -> None:
    """End the review: shown again or hidden by the moderators' decision, and the open reports closed."""
    if isinstance(target, Comment):
        comments.change_hidden(target, hidden=hidden)
        reports.resolve_all_for(actor, comment=target, resolution=resolution)
    else:
        posts.change_hidden(target, hidden=hidden)
        reports.resolve_all_for(actor, post=target, resolution=resolution)


def _check(actor: User) -> None:
    if not policy.can_moderate(actor):
        raise PermissionDenied(_l("Only moderators may do this."))
