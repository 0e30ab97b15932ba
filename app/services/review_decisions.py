"""The moderators' decisions on the queue's cases (app.services.review_queue): approve, hide, restore or dismiss,
on one case from its own page or on many at once, each settling the case's open reports."""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import policy
from app.extensions import db
from app.models.attachment import Attachment
from app.models.audit import AuditAction
from app.models.moderation import Report, ReportResolution
from app.models.opportunity import Opportunity
from app.models.post import Comment, Post
from app.models.user import User
from app.services import attachments, audit, comments, flagging, opportunities, posts, reports
from app.services.errors import DomainError, PermissionDenied
from app.services.review_queue import ACTIONS, KINDS, MAX_AT_ONCE, load_cases

log = logging.getLogger(__name__)


def parse_keys(keys: list[str]) -> list[tuple[str, int]]:
    """Case keys from a form ("comment:12"); malformed ones are left out, and at most MAX_AT_ONCE are taken."""
    parsed: list[tuple[str, int]] = []
    for key in keys:
        kind, _, number = str(key).partition(":")
        if kind in KINDS and number.isdigit() and 0 < int(number) < 2**31 and (kind, int(number)) not in parsed:
            parsed.append((kind, int(number)))
    return parsed[:MAX_AT_ONCE]


def decide(actor: User, action: str, keys: list[str]) -> tuple[int, int]:
    """One decision (approve, hide, restore, dismiss) on each case named: how many it settled, and how many it
    did not apply to (approving something not held, a case gone meanwhile)."""
    if not policy.can_moderate(actor):
        raise PermissionDenied(_l("Only moderators may do this."))
    if action not in ACTIONS:
        raise DomainError(_l("Please choose what to do."))
    parsed = parse_keys(keys)
    if not parsed:
        raise DomainError(_l("Please select at least one item."))
    items = load_cases(parsed)
    done = sum(1 for (kind, _id), item in items.items() if _apply(actor, action, kind, item))
    log.info("%s by %s on %s cases: %s done", action, actor.id, len(parsed), done)
    return done, len(parsed) - done


def decide_one(actor: User, action: str, item: Post | Comment | Attachment) -> bool:
    """The same decision on one thing, from its own page (its moderation buttons)."""
    if not policy.can_moderate(actor):
        raise PermissionDenied(_l("Only moderators may do this."))
    kind = "file" if isinstance(item, Attachment) else "comment" if isinstance(item, Comment) else "post"
    if kind != "file" and item.is_pending:
        kind = f"held_{kind}"
    return _apply(actor, action, kind, item)


def _apply(actor: User, action: str, kind: str, item) -> bool:
    if kind == "held_post":
        return _held(actor, action, item, posts.approve_post, posts.set_post_hidden)
    if kind == "held_comment":
        return _held(actor, action, item, comments.approve_comment, comments.set_comment_hidden)
    if kind == "file":
        return _file(actor, action, item)
    if kind == "person":
        return _person(actor, action, item)
    if kind in ("offer", "held_offer"):
        return _offer(actor, action, item)
    return _reported_content(actor, action, kind, item)


def _held(actor: User, action: str, item, approve, set_hidden) -> bool:
    if not item.is_pending or item.is_hidden:
        return False
    if action == "approve":
        approve(actor, item)
    elif action == "hide":  # rejected: it stays held and hidden, out of the queue
        set_hidden(actor, item, True)
    else:
        return False
    about = {"comment": item} if isinstance(item, Comment) else {"post": item}  # what the screening said is settled
    reports.resolve_all_for(actor, resolution=ReportResolution.HIDDEN if action == "hide"
                            else ReportResolution.DISMISSED, **about)
    return True


def _person(actor: User, action: str, person: User) -> bool:
    """A name, profile or message the screening flagged: the moderator looked (dismiss); sanctions are on the
    person's page."""
    if action != "dismiss":
        return False
    found = list(db.session.scalars(select(Report).where(Report.person_id == person.id, Report.post_id.is_(None),
                                                         Report.resolved_at.is_(None))))
    for entry in found:
        reports.resolve(actor, entry, ReportResolution.DISMISSED)
    if found:
        audit.record(actor, AuditAction.REPORT_DISMISSED, subject_id=person.id, new_value=f"person:{person.id}")
    return bool(found)


def _offer(actor: User, action: str, offer: Opportunity) -> bool:
    """A reported or held offer: approve publishes a held one; hide hides it; restore and dismiss close the reports
    (restore also shows a hidden one again). Every decision settles the offer's open reports."""
    if action == "approve":
        if not offer.is_pending:
            return False
        opportunities.approve(actor, offer)
    elif action == "hide":
        opportunities.set_hidden(actor, offer, True)
    elif offer.is_pending:
        return False  # a held offer is approved or hidden
    elif action == "restore" and offer.is_hidden:
        opportunities.set_hidden(actor, offer, False)
    for entry in db.session.scalars(select(Report).where(Report.opportunity_id == offer.id,
                                                         Report.resolved_at.is_(None))):
        reports.resolve(actor, entry, ReportResolution.HIDDEN if action == "hide" else ReportResolution.DISMISSED)
    if action == "dismiss":
        audit.record(actor, AuditAction.REPORT_DISMISSED, subject_id=offer.author_id, new_value=f"offer:{offer.id}")
    return True


def _file(actor: User, action: str, attachment: Attachment) -> bool:
    if action == "hide":
        attachments.set_hidden(actor, attachment, hidden=True)
        reports.resolve_all_for(actor, attachment=attachment, resolution=ReportResolution.HIDDEN)
    elif action in ("restore", "dismiss"):
        if action == "restore":
            attachments.set_hidden(actor, attachment, hidden=False)
        _dismiss(actor, "file", attachment, attachment.owner_id, attachment=attachment)
    else:
        return False
    return True


def _reported_content(actor: User, action: str, kind: str, item: Post | Comment) -> bool:
    """Hide confirms a hiding after reports; restore and dismiss both undo one (the reports were unfounded).
    Otherwise hide and restore change what everyone sees, and dismiss closes the reports only."""
    post, comment = (None, item) if isinstance(item, Comment) else (item, None)
    set_hidden = posts.set_post_hidden if comment is None else comments.set_comment_hidden
    if action == "approve":
        return False
    if item.is_awaiting_review:
        (flagging.confirm if action == "hide" else flagging.restore)(actor, item)
    elif action == "hide":
        if not item.is_hidden:
            set_hidden(actor, item, True)
        reports.resolve_all_for(actor, post=post, comment=comment, resolution=ReportResolution.HIDDEN)
    else:
        if action == "restore" and item.is_hidden:
            set_hidden(actor, item, False)
        _dismiss(actor, kind, item, item.author_id, post=post, comment=comment)
    return True


def _dismiss(actor: User, kind: str, item, subject_id: int, **about) -> None:
    """Close the open reports about one thing, recorded once in the audit log (when there were any)."""
    if db.session.scalar(select(Report.id).where(reports.about(about.get("post"), about.get("comment"),
                                                               about.get("attachment")),
                                                 Report.resolved_at.is_(None)).limit(1)) is None:
        return
    reports.resolve_all_for(actor, resolution=ReportResolution.DISMISSED, **about)
    audit.record(actor, AuditAction.REPORT_DISMISSED, subject_id=subject_id, new_value=f"{kind}:{item.id}")
