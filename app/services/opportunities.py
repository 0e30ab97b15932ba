"""The jobs and volunteering board: post, edit, renew and close offers; the board's page and feed; applying
through the site; following the board; and the moderators' hide, restore and approve.

An offer is open until it expires (the end of its deadline day in the site's time zone, else 60 days after it was
published or renewed), is closed or hidden. Lists ask the clock (policy.open_opportunities), so nothing has to run
at midnight to close offers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.utils import formataddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select, tuple_
from sqlalchemy.orm import joinedload

from app import policy, site
from app.content import excerpt_from_html, render_markdown
from app.database import insert_new
from app.extensions import db
from app.mail import links, queue_mail
from app.models.audit import AuditAction
from app.models.moderation import AUTOMATIC_REASONS, Report, ReportReason
from app.models.notification import Follow, FollowTarget, Notification, NotificationKind
from app.models.opportunity import KIND_FOLLOW_IDS, Opportunity, OpportunityKind, WorkMode
from app.models.post import Category, Status, Visibility
from app.models.types import utcnow
from app.models.user import User
from app.services import audit, new_account_limits, screening, search, search_index
from app.services.errors import DomainError, PermissionDenied
from app.services.feed_queries import decode_cursor
from app.services.posts import needs_approval as first_post_held

log = logging.getLogger(__name__)
OPEN_DAYS = 60  # how long an offer without a deadline stays open, from publishing or renewing
PAGE_SIZE = 20
FEED_SIZE = 50
DUPLICATE_WINDOW = timedelta(minutes=5)


@dataclass
class OfferDetails:
    """What the form says about an offer."""

    kind: OpportunityKind
    title: str
    organisation: str
    body: str
    place: str = ""
    work_mode: WorkMode = WorkMode.ON_SITE
    starts_on: date | None = None
    hours: str = ""
    category: Category | None = None
    apply_url: str | None = None  # None: through the site's contact form
    deadline: date | None = None
    visibility: Visibility = Visibility.PUBLIC


@dataclass
class BoardFilters:
    kind: OpportunityKind | None = None
    work_mode: WorkMode | None = None
    category: Category | None = None
    text: str = ""


@dataclass
class BoardPage:
    offers: list[Opportunity]
    next_cursor: str | None


# ---------------------------------------------------------------- dates


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def today() -> date:
    """Today in the site's time zone: what "a deadline in the past" means to the people posting."""
    return datetime.now(_zone()).date()


def end_of_day(day: date) -> datetime:
    """Midnight after `day` in the site's time zone: an offer is open all of its deadline day."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=_zone())


def expiry(deadline: date | None, since: datetime) -> datetime:
    return end_of_day(deadline) if deadline is not None else since + timedelta(days=OPEN_DAYS)


# ---------------------------------------------------------------- checking what was typed


def clean_apply_url(value: str | None) -> str | None:
    """A web page to apply on: http(s) with a host; anything else (javascript:, data:, mailto:, relative) is
    refused at its field. Empty: apply through the site."""
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise DomainError(_l("Please enter a web address starting with https:// or http://."), "apply_url")
    return value


def _check(author: User, details: OfferDetails, *, deadline_changed: bool = True) -> screening.Verdict:
    """Refuse what cannot be stored (at its field); screen the texts, which `details` then holds as they are to
    be stored. The verdict is recorded once the offer has an id."""
    if not details.title.strip():
        raise DomainError(_l("Please enter a title."), "title")
    if not details.organisation.strip():
        raise DomainError(_l("Please name the organisation."), "organisation")
    if not details.body.strip():
        raise DomainError(_l("Please describe the offer."), "body")
    if deadline_changed and details.deadline is not None and details.deadline < today():
        raise DomainError(_l("The deadline is in the past. Please choose today or a later day."), "deadline")
    details.apply_url = clean_apply_url(details.apply_url)
    new_account_limits.check_links(author, details.body)
    verdict = screening.screen(author, {"title": details.title, "body": details.body,
                                        "organisation": details.organisation}, where=screening.CONTRIBUTION)
    details.title, details.body = verdict.texts["title"].strip(), verdict.texts["body"]
    details.organisation = verdict.texts["organisation"].strip()
    return verdict


def needs_approval(user: User) -> bool:
    """New accounts' first contribution is held when the admin turned that on (a published offer counts too)."""
    if policy.can_moderate(user) or not site.get("hold_first_posts"):
        return False
    if not first_post_held(user):  # the posts' own rule: an account with a published post or comment is known
        return False
    return db.session.scalar(select(Opportunity.id).where(Opportunity.author_id == user.id,
                                                          Opportunity.status == Status.PUBLISHED).limit(1)) is None


# ---------------------------------------------------------------- writing


def create_offer(author: User, details: OfferDetails, *, submission: str | None = None) -> Opportunity:
    """Post an offer. The same form sent twice (its `submission` key, even both copies at once) stores one; without
    a key, the same title and text within minutes does."""
    if not policy.can_offer_opportunity(author, details.visibility):
        raise PermissionDenied(_l("You may not post this offer."))
    verdict = _check(author, details)
    same = (Opportunity.submission_key == submission) if submission else and_(
        Opportunity.title == details.title, Opportunity.body_source == details.body,
        Opportunity.created_at >= utcnow() - DUPLICATE_WINDOW)
    duplicate = db.session.scalar(select(Opportunity).where(Opportunity.author_id == author.id, same))
    if duplicate is not None:
        return duplicate
    new_account_limits.check_daily(author)
    now = utcnow()
    body_html = render_markdown(details.body)
    held = verdict.hold or needs_approval(author)
    new_id = insert_new(Opportunity, kind=details.kind, title=details.title, organisation=details.organisation,
                        place=details.place.strip(), work_mode=details.work_mode, starts_on=details.starts_on,
                        hours=details.hours.strip(), body_source=details.body, body_html=body_html,
                        excerpt=excerpt_from_html(body_html), category_id=details.category.id if details.category
                        else None, apply_url=details.apply_url, deadline=details.deadline,
                        visibility=details.visibility, status=Status.PENDING if held else Status.PUBLISHED,
                        expires_at=expiry(details.deadline, now), author_id=author.id, created_at=now,
                        submission_key=submission)
    if new_id is None:  # the other copy of this submission was stored a moment ago
        return db.session.scalars(select(Opportunity).where(Opportunity.author_id == author.id, same)).one()
    offer = db.session.get_one(Opportunity, new_id)
    search_index.index_new(offer)
    screening.record(verdict, opportunity=offer)
    notify_followers(offer)
    log.info("offer %s (%s, %s) posted by %s", offer.id, offer.kind, offer.visibility, author.id)
    return offer


def edit_offer(editor: User, offer: Opportunity, details: OfferDetails) -> None:
    """Change an offer (its author, or a moderator, which is audited); a new deadline moves its expiry."""
    if not policy.can_edit_opportunity(editor, offer):
        raise PermissionDenied(_l("You may not edit this offer."))
    if details.visibility == Visibility.MEMBERS and not policy.is_member(editor):
        raise PermissionDenied(_l("Only members may make an offer members-only."))
    changed = details.deadline != offer.deadline
    verdict = _check(editor, details, deadline_changed=changed)
    for name in ("kind", "title", "organisation", "work_mode", "starts_on", "category", "apply_url", "deadline",
                 "visibility"):
        setattr(offer, name, getattr(details, name))
    offer.place, offer.hours = details.place.strip(), details.hours.strip()
    offer.body_source = details.body
    offer.body_html = render_markdown(details.body)
    offer.excerpt = excerpt_from_html(offer.body_html)
    if changed:
        offer.expires_at = expiry(details.deadline, offer.created_at)
    offer.edited_at = utcnow()
    db.session.flush()
    screening.record(verdict, opportunity=offer)
    if offer.author_id != editor.id:
        audit.record(editor, AuditAction.OFFER_EDITED, subject_id=offer.author_id, new_value=f"offer:{offer.id}")
    log.info("offer %s edited by %s", offer.id, editor.id)


def renew_offer(actor: User, offer: Opportunity) -> None:
    """Open an offer again for OPEN_DAYS from now, or until its deadline when that is still ahead (a closed offer
    opens again; a passed deadline is dropped)."""
    if not policy.can_edit_opportunity(actor, offer):
        raise PermissionDenied(_l("You may not renew this offer."))
    now = utcnow()
    if offer.deadline is not None and end_of_day(offer.deadline) > now:
        offer.expires_at = end_of_day(offer.deadline)
    else:
        offer.deadline = None
        offer.expires_at = now + timedelta(days=OPEN_DAYS)
    offer.closed_at = None
    log.info("offer %s renewed by %s until %s", offer.id, actor.id, offer.expires_at)


def close_offer(actor: User, offer: Opportunity) -> None:
    """The position is filled: the offer leaves the board (closing twice changes nothing)."""
    if not policy.can_edit_opportunity(actor, offer):
        raise PermissionDenied(_l("You may not close this offer."))
    if offer.closed_at is None:
        offer.closed_at = utcnow()
        if offer.author_id != actor.id:
            audit.record(actor, AuditAction.OFFER_CLOSED, subject_id=offer.author_id, new_value=f"offer:{offer.id}")
    log.info("offer %s closed by %s", offer.id, actor.id)


# ---------------------------------------------------------------- moderators


def _moderation(actor: User, offer: Opportunity, action: AuditAction) -> None:
    if not policy.can_moderate(actor):
        raise PermissionDenied(_l("Only moderators may do this."))
    audit.record(actor, action, subject_id=offer.author_id, new_value=f"offer:{offer.id}")
    log.info("%s offer %s by %s", action, offer.id, actor.id)


def set_hidden(actor: User, offer: Opportunity, hidden: bool) -> None:
    """Hide an offer from everyone but moderators, or show it again."""
    _moderation(actor, offer, AuditAction.OFFER_HIDDEN if hidden else AuditAction.OFFER_RESTORED)
    offer.hidden_at = (offer.hidden_at or utcnow()) if hidden else None


def approve(actor: User, offer: Opportunity) -> None:
    """Publish a held offer: its followers hear of it now."""
    _moderation(actor, offer, AuditAction.OFFER_APPROVED)
    if offer.is_pending:
        offer.status = Status.PUBLISHED
        notify_followers(offer)


# ---------------------------------------------------------------- reading


def find_offer(offer_id: int) -> Opportunity | None:
    return db.session.scalar(select(Opportunity).where(Opportunity.id == offer_id)
                             .options(joinedload(Opportunity.author), joinedload(Opportunity.category)))


def board_page(viewer, filters: BoardFilters, cursor: str | None = None) -> BoardPage:
    """One page of open offers this person may see, newest first (keyset on created_at, id): one statement."""
    query = select(Opportunity).where(policy.open_opportunities(viewer))
    if filters.kind is not None:
        query = query.where(Opportunity.kind == filters.kind)
    if filters.work_mode is not None:
        query = query.where(Opportunity.work_mode == filters.work_mode)
    if filters.category is not None:
        query = query.where(Opportunity.category_id == filters.category.id)
    if filters.text:
        matching = search.matching_items(filters.text, "offer")
        if matching is None:
            return BoardPage([], None)
        query = query.where(Opportunity.id.in_(matching))
    position = decode_cursor(cursor)
    if position is not None:
        query = query.where(tuple_(Opportunity.created_at, Opportunity.id) < tuple_(*position))
    offers = list(db.session.scalars(query.options(joinedload(Opportunity.category))
                                     .order_by(Opportunity.created_at.desc(), Opportunity.id.desc())
                                     .limit(PAGE_SIZE + 1)))
    more, offers = len(offers) > PAGE_SIZE, offers[:PAGE_SIZE]
    last = offers[-1] if more else None
    return BoardPage(offers, f"{last.created_at.timestamp():.6f}_{last.id}" if last else None)


def feed_offers() -> list[Opportunity]:
    """The Atom feed: the newest public, published, open offers."""
    return list(db.session.scalars(select(Opportunity).where(policy.syndicated_opportunities())
                                   .order_by(Opportunity.created_at.desc(), Opportunity.id.desc())
                                   .limit(FEED_SIZE)))


# ---------------------------------------------------------------- applying, following, reporting


def apply_through_site(sender: User, offer: Opportunity, message: str) -> None:
    """Mail the offer's author with the applicant's name and address as reply-to; the author's address is never
    shown to the applicant."""
    if not policy.can_apply_through_site(sender, offer):
        raise PermissionDenied(_l("You cannot apply to this offer through the site."))
    if not message.strip():
        raise DomainError(_l("Please write a message."), "message")
    verdict = screening.screen(sender, {"message": message}, where=screening.MESSAGE)
    screening.record(verdict, person=sender)
    author = offer.author
    queue_mail(author.email, "offer_application", locale=author.locale,
               reply_to=formataddr((sender.display_name, sender.email)), user=author, sender=sender.display_name,
               sender_email=sender.email, offer=offer, message=verdict.texts["message"],
               url=links.opportunity(offer.id))
    log.info("user %s applied to offer %s through the site", sender.id, offer.id)


def follow_id(kind: OpportunityKind | None) -> int:
    return KIND_FOLLOW_IDS[kind] if kind is not None else 0


def notify_followers(offer: Opportunity) -> int:
    """A published offer tells the followers of the board and of its kind who may read it (once each)."""
    if offer.status != Status.PUBLISHED:
        return 0
    followers = db.session.scalars(select(User).join(Follow, Follow.user_id == User.id).where(
        Follow.target == FollowTarget.OPPORTUNITIES, Follow.target_id.in_((0, follow_id(offer.kind))),
        User.id != offer.author_id).distinct()).all()
    count = 0
    for user in followers:
        if not user.is_suspended and policy.can_read_opportunity(user, offer):
            db.session.add(Notification(user_id=user.id, kind=NotificationKind.NEW_OPPORTUNITY,
                                        opportunity_id=offer.id, actor_id=offer.author_id, created_at=utcnow()))
            count += 1
    return count


def report_offer(reporter: User, offer: Opportunity, reason: str, note: str = "") -> Report:
    """Flag an offer for the moderators (again by the same person: nothing new)."""
    if not policy.can_report(reporter):
        raise PermissionDenied(_l("Please log in to report content."))
    if reason not in set(ReportReason) or reason in AUTOMATIC_REASONS:
        raise DomainError(_l("Please choose a reason."), "reason")
    existing = db.session.scalar(select(Report).where(Report.reporter_id == reporter.id,
                                                      Report.opportunity_id == offer.id, Report.resolved_at.is_(None)))
    if existing is not None:
        return existing
    entry = Report(reporter=reporter, opportunity=offer, reason=ReportReason(reason), note=note.strip())
    db.session.add(entry)
    db.session.flush()
    audit.record(reporter, AuditAction.REPORT_FILED, subject_id=offer.author_id, new_value=f"offer:{offer.id} {reason}")
    return entry
