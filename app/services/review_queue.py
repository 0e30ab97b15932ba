"""The moderators' queue: everything waiting for a decision, one case per thing — a reported post, comment, photo or
file with all its open reports, or a post or comment held for approval — oldest first, filtered and a page at a
time. The decisions on the cases are app.services.review_decisions.

A page costs a fixed number of statements however long the queue is: one SELECT lists the page's cases (a UNION of
the grouped open reports and the held posts and comments), then one each loads their posts, comments, files,
reports and photos.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal_column, or_, select
from sqlalchemy.orm import joinedload

from app import policy
from app.extensions import db
from app.models.attachment import Attachment, AttachmentKind
from app.models.moderation import Report, ReportReason
from app.models.opportunity import Opportunity
from app.models.post import Comment, Post, Status
from app.models.types import utcnow
from app.models.user import User

log = logging.getLogger(__name__)
# person: a name, profile or message; offer: an offer on the jobs and volunteering board
KINDS = ("post", "comment", "file", "person", "offer", "held_post", "held_comment", "held_offer")
AGES = {"day": timedelta(days=1), "week": timedelta(days=7), "older": timedelta(days=7)}
ACTIONS = ("approve", "hide", "restore", "dismiss")
PER_PAGE = 30
MAX_AT_ONCE = 200  # cases one bulk decision may name


@dataclass(frozen=True)
class QueueFilter:
    kind: str | None = None
    reason: ReportReason | None = None
    age: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilter:
        """From the page's GET parameters; an unknown value is left out, never an error."""
        kind, reason, age = args.get("kind"), args.get("reason"), args.get("age")
        return cls(kind=kind if kind in KINDS else None,
                   reason=ReportReason(reason) if reason in set(ReportReason) else None,
                   age=age if age in AGES else None)

    def args(self) -> dict[str, str]:
        """Back into GET parameters (for links to further pages and the way back after a decision)."""
        chosen = {"kind": self.kind, "reason": self.reason.value if self.reason else None, "age": self.age}
        return {key: value for key, value in chosen.items() if value}


@dataclass
class Case:
    kind: str  # one of KINDS
    item: Any  # Post, Comment, Attachment or (a name, profile or message the screening flagged) User
    since: datetime  # the first open report, or when the held post or comment was written
    reports: list[Report] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.item.id}"

    @property
    def is_held(self) -> bool:
        return self.kind.startswith("held_")

    @property
    def is_hidden(self) -> bool:
        return getattr(self.item, "hidden_at", None) is not None

    @property
    def awaiting_review(self) -> bool:
        return bool(getattr(self.item, "is_awaiting_review", False))

    @property
    def edited_in_review(self) -> bool:
        """The author changed it after reports hid it: the moderator judges the new text."""
        edited = getattr(self.item, "edited_at", None)
        return self.awaiting_review and edited is not None and edited > self.item.hidden_at

    @property
    def reasons(self) -> list[tuple[ReportReason, int]]:
        """Each reason reported, with how many said so, in the form's order."""
        counted = Counter(report.reason for report in self.reports)
        return [(reason, counted[reason]) for reason in ReportReason if counted[reason]]


@dataclass
class QueuePage:
    cases: list[Case]
    page: int
    has_more: bool
    photos: dict = field(default_factory=dict)  # ("post"|"comment", id) -> its photos, for thumbnails


def _held_posts():
    return and_(Post.status == Status.PENDING, Post.hidden_at.is_(None))


def _held_comments():
    return and_(Comment.status == Status.PENDING, Comment.hidden_at.is_(None), Comment.deleted_at.is_(None))


def _held_offers():
    return and_(Opportunity.status == Status.PENDING, Opportunity.hidden_at.is_(None))


def _open_reports():
    """Open reports, less what the screening noted about held posts and comments: that shows with the held case
    (approving or rejecting it settles them), not as a second case."""
    held_comment = and_(Report.comment_id.is_not(None),
                        Report.comment_id.in_(select(Comment.id).where(_held_comments())))
    held_post = and_(Report.comment_id.is_(None), Report.post_id.is_not(None),
                     Report.post_id.in_(select(Post.id).where(_held_posts())))
    held_offer = Report.opportunity_id.in_(select(Opportunity.id).where(_held_offers()))
    return and_(Report.resolved_at.is_(None),
                ~and_(Report.reporter_id.is_(None), or_(held_comment, held_post, held_offer)))


def moderation_count(user) -> int:
    """What waits for moderators: reported things, held posts and held comments (one statement; 0 for everyone
    else, without a query). The header's badge."""
    if not policy.can_moderate(user):
        return 0
    reported = select(Report.post_id, Report.comment_id, Report.attachment_id, Report.person_id,
                      Report.opportunity_id).where(_open_reports()).distinct().subquery()
    counts = (select(func.count()).select_from(reported).scalar_subquery()
              + select(func.count()).select_from(Post).where(_held_posts()).scalar_subquery()
              + select(func.count()).select_from(Comment).where(_held_comments()).scalar_subquery()
              + select(func.count()).select_from(Opportunity).where(_held_offers()).scalar_subquery())
    return db.session.scalar(select(counts)) or 0


def _text(value: str):
    """A constant kind name in SQL (spelled out, so UNION and CASE agree on its type on both databases)."""
    return literal_column(f"'{value}'")


def _reported(filters: QueueFilter):
    """The reported things, one row each: (kind, item_id, since)."""
    grouped = select(Report.post_id, Report.comment_id, Report.attachment_id, Report.person_id,
                     Report.opportunity_id, func.min(Report.created_at).label("since")).where(_open_reports())
    if filters.reason is not None:
        grouped = grouped.where(Report.reason == filters.reason)
    if filters.kind == "file":
        grouped = grouped.where(Report.attachment_id.is_not(None))
    elif filters.kind == "comment":
        grouped = grouped.where(Report.attachment_id.is_(None), Report.comment_id.is_not(None))
    elif filters.kind == "post":
        grouped = grouped.where(Report.attachment_id.is_(None), Report.comment_id.is_(None),
                                Report.post_id.is_not(None))
    elif filters.kind == "person":
        grouped = grouped.where(Report.post_id.is_(None), Report.person_id.is_not(None))
    elif filters.kind == "offer":
        grouped = grouped.where(Report.opportunity_id.is_not(None))
    rows = grouped.group_by(Report.post_id, Report.comment_id, Report.attachment_id, Report.person_id,
                            Report.opportunity_id).subquery()
    kind = case((rows.c.attachment_id.is_not(None), _text("file")), (rows.c.comment_id.is_not(None), _text("comment")),
                (rows.c.post_id.is_not(None), _text("post")), (rows.c.opportunity_id.is_not(None), _text("offer")),
                else_=_text("person"))
    return select(kind.label("kind"), func.coalesce(rows.c.attachment_id, rows.c.comment_id, rows.c.post_id,
                                                    rows.c.opportunity_id, rows.c.person_id).label("item_id"),
                  rows.c.since)


def _case_rows(filters: QueueFilter, now: datetime):
    """One SELECT of (kind, item_id, since) for every case the filters let through, oldest first; None: none can."""
    parts: list[Any] = []  # Selects of the same three columns
    if filters.kind in (None, "post", "comment", "file", "person", "offer"):
        parts.append(_reported(filters))
    if filters.reason is None and filters.kind in (None, "held_post"):
        parts.append(select(_text("held_post").label("kind"), Post.id.label("item_id"),
                            Post.created_at.label("since")).where(_held_posts()))
    if filters.reason is None and filters.kind in (None, "held_comment"):
        parts.append(select(_text("held_comment").label("kind"), Comment.id.label("item_id"),
                            Comment.created_at.label("since")).where(_held_comments()))
    if filters.reason is None and filters.kind in (None, "held_offer"):
        parts.append(select(_text("held_offer").label("kind"), Opportunity.id.label("item_id"),
                            Opportunity.created_at.label("since")).where(_held_offers()))
    if not parts:
        return None
    cases = (parts[0].union_all(*parts[1:]) if len(parts) > 1 else parts[0]).subquery()
    query = select(cases.c.kind, cases.c.item_id, cases.c.since)
    if filters.age is not None:
        border = now - AGES[filters.age]
        query = query.where(cases.c.since < border if filters.age == "older" else cases.c.since >= border)
    return query.order_by(cases.c.since, cases.c.kind, cases.c.item_id)


def queue_page(filters: QueueFilter, page: int = 1) -> QueuePage:
    """One page of the queue, oldest case first."""
    query = _case_rows(filters, utcnow())
    if query is None:
        return QueuePage([], page, False)
    rows = db.session.execute(query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).all()
    has_more, rows = len(rows) > PER_PAGE, rows[:PER_PAGE]
    items = load_cases([(row.kind, row.item_id) for row in rows])
    cases = [Case(row.kind, items[(row.kind, row.item_id)], row.since) for row in rows
             if (row.kind, row.item_id) in items]
    _attach_reports(cases)
    return QueuePage(cases, page, has_more, _photos_of(cases))


def load_cases(keys: list[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    """The posts, comments and files these cases are about (one query per kind present)."""
    wanted = {kind: [item_id for k, item_id in keys if k == kind] for kind in KINDS}
    found: dict[tuple[str, int], Any] = {}
    post_ids = wanted["post"] + wanted["held_post"]
    if post_ids:
        for post in db.session.scalars(select(Post).where(Post.id.in_(post_ids)).options(joinedload(Post.author))):
            found.update({(kind, post.id): post for kind in ("post", "held_post") if post.id in wanted[kind]})
    comment_ids = wanted["comment"] + wanted["held_comment"]
    if comment_ids:
        for comment in db.session.scalars(select(Comment).where(Comment.id.in_(comment_ids)).options(
                joinedload(Comment.author), joinedload(Comment.post))):
            found.update({(kind, comment.id): comment for kind in ("comment", "held_comment")
                          if comment.id in wanted[kind]})
    if wanted["file"]:
        for attachment in db.session.scalars(select(Attachment).where(Attachment.id.in_(wanted["file"])).options(
                joinedload(Attachment.owner), joinedload(Attachment.post), joinedload(Attachment.comment))):
            found[("file", attachment.id)] = attachment
    if wanted["person"]:
        for person in db.session.scalars(select(User).where(User.id.in_(wanted["person"]))):
            found[("person", person.id)] = person
    _load_offers(wanted, found)
    return found


def _load_offers(wanted: dict[str, list[int]], found: dict[tuple[str, int], Any]) -> None:
    if wanted["offer"] or wanted["held_offer"]:
        for offer in db.session.scalars(select(Opportunity).where(Opportunity.id.in_(
                wanted["offer"] + wanted["held_offer"])).options(joinedload(Opportunity.author))):
            found.update({(kind, offer.id): offer for kind in ("offer", "held_offer") if offer.id in wanted[kind]})


def _attach_reports(cases: list[Case]) -> None:
    """Every open report about the cases (one query), oldest first; a held case gets what the screening noted."""
    by_kind = {kind: {case.item.id: case for case in cases if case.kind == kind} for kind in KINDS}
    if not any(by_kind.values()):
        return
    comments_ = [*by_kind["comment"], *by_kind["held_comment"]]
    posts_ = [*by_kind["post"], *by_kind["held_post"]]
    about = or_(Report.attachment_id.in_(by_kind["file"]),
                and_(Report.comment_id.in_(comments_), Report.attachment_id.is_(None)),
                and_(Report.post_id.in_(posts_), Report.comment_id.is_(None), Report.attachment_id.is_(None)),
                and_(Report.person_id.in_(by_kind["person"]), Report.post_id.is_(None)),
                Report.opportunity_id.in_([*by_kind["offer"], *by_kind["held_offer"]]))
    for entry in db.session.scalars(select(Report).where(Report.resolved_at.is_(None), about)
                                    .options(joinedload(Report.reporter)).order_by(Report.created_at, Report.id)):
        if entry.attachment_id is not None:
            case_ = by_kind["file"].get(entry.attachment_id)
        elif entry.comment_id is not None:
            case_ = by_kind["comment"].get(entry.comment_id) or by_kind["held_comment"].get(entry.comment_id)
        elif entry.opportunity_id is not None:
            case_ = by_kind["offer"].get(entry.opportunity_id) or by_kind["held_offer"].get(entry.opportunity_id)
        elif entry.post_id is not None:
            case_ = by_kind["post"].get(entry.post_id) or by_kind["held_post"].get(entry.post_id)
        else:
            case_ = by_kind["person"].get(entry.person_id)
        if case_ is not None:
            case_.reports.append(entry)


def _photos_of(cases: list[Case]) -> dict:
    """The photos of every post and comment on the page (one query)."""
    post_ids = {case.item.id for case in cases if case.kind in ("post", "held_post")}
    comment_ids = {case.item.id for case in cases if case.kind in ("comment", "held_comment")}
    if not post_ids and not comment_ids:
        return {}
    found: dict = {}
    for attachment in db.session.scalars(select(Attachment).where(
            or_(Attachment.post_id.in_(post_ids), Attachment.comment_id.in_(comment_ids)),
            Attachment.kind == AttachmentKind.IMAGE).order_by(Attachment.position)):
        key = ("comment", attachment.comment_id) if attachment.comment_id else ("post", attachment.post_id)
        found.setdefault(key, []).append(attachment)
    return found
