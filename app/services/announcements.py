"""Volunteers send a news post as mail to everyone who agreed to news (or to members only), now or at a set
time, in batches, once each.

Who counts: news mail switched on, an address that is confirmed, and consent — confirmed by link (double opt-in)
or imported with its date and source (app.services.news_consent). Members-only news goes to members only,
whatever was chosen, also when the post became members-only after it was scheduled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from app import policy
from app.content import plain_text
from app.content.mail import html_for_mail
from app.database import insert_if_absent, rows_changed
from app.extensions import db
from app.mail import links, queue_mail
from app.models.notification import (
    Announcement,
    AnnouncementDelivery,
    Audience,
    MailKind,
    MailMode,
    MailPreference,
    NewsConsent,
)
from app.models.post import Post
from app.models.types import utcnow
from app.models.user import User
from app.services.errors import DomainError, PermissionDenied
from app.services.mail_preferences import unsubscribe_url

log = logging.getLogger(__name__)
SCHEDULE_AHEAD_MAX = timedelta(days=366)


def audience_for(post: Post, chosen: Audience | str = Audience.EVERYONE) -> Audience:
    """Members-only news stays with members; public news goes where the volunteer chose."""
    return Audience.MEMBERS if post.is_members_only else Audience(chosen)


def _has_consent():
    """Confirmed by link, or recorded from outside the site with date and source."""
    imported = select(NewsConsent.id).where(NewsConsent.user_id == User.id).exists()
    return or_(User.mail_consent_at.is_not(None), imported)


def _recipients(audience: Audience):
    query = (select(User).join(MailPreference, MailPreference.user_id == User.id).where(
        MailPreference.kind == MailKind.NEWS, MailPreference.mode != MailMode.OFF, User.email_verified_at.is_not(None),
        ~User.is_suspended, _has_consent()))
    if audience == Audience.MEMBERS:
        query = query.where(policy.member_accounts())
    return query


def recipient_count(audience: Audience) -> int:
    return db.session.scalar(select(func.count()).select_from(_recipients(audience).subquery())) or 0


REACH_KINDS = ("confirmed_immediately", "confirmed_digest", "imported", "waiting")


@dataclass
class Reach:
    """Who a news mail would reach, by kind of consent, for each audience. `waiting` chose news but has not
    confirmed (address or consent) yet: they get nothing until they do, and are not in the total."""

    counts: dict[str, dict[Audience, int]] = field(default_factory=lambda: {
        kind: dict.fromkeys(Audience, 0) for kind in REACH_KINDS})

    def total(self, audience: Audience) -> int:
        return sum(self.counts[kind][audience] for kind in REACH_KINDS if kind != "waiting")


def _reach_kind(mode: MailMode, confirmed: bool, verified: bool, imported: bool) -> str:
    if not verified or not (confirmed or imported):
        return "waiting"
    if confirmed:
        return "confirmed_immediately" if mode == MailMode.IMMEDIATELY else "confirmed_digest"
    return "imported"


def reach() -> Reach:
    """The counts for the send form: two grouped queries (everyone, members), whatever the number of people."""
    result = Reach()
    imported_ids = select(NewsConsent.user_id).distinct().subquery()
    flags = (User.mail_consent_at.is_not(None), User.email_verified_at.is_not(None),
             imported_ids.c.user_id.is_not(None))
    for audience in Audience:
        query = (select(MailPreference.mode, *flags, func.count()).select_from(User)
                 .join(MailPreference, MailPreference.user_id == User.id)
                 .outerjoin(imported_ids, imported_ids.c.user_id == User.id)
                 .where(MailPreference.kind == MailKind.NEWS, MailPreference.mode != MailMode.OFF, ~User.is_suspended)
                 .group_by(MailPreference.mode, *flags))
        if audience == Audience.MEMBERS:
            query = query.where(policy.member_accounts())
        for mode, confirmed, verified, imported, count in db.session.execute(query):
            result.counts[_reach_kind(mode, bool(confirmed), bool(verified), bool(imported))][audience] += count
    return result


def _check(actor: User, post: Post) -> None:
    if not policy.can_write_news(actor):
        raise PermissionDenied(_l("Only volunteers send news by mail."))
    if not policy.is_announceable(post):
        raise DomainError(_l("Only published news can be sent by mail."))


def _refuse_nobody(audience: Audience) -> int:
    count = recipient_count(audience)
    if count == 0:
        raise DomainError(_l("Nobody would get this mail: no one in this group has agreed to news by mail yet. "
                             "Send a test to yourself, or import consent given on paper first."))
    return count


def _bodies(post: Post) -> dict[str, str]:
    """The HTML and text parts' body, made once per batch (the same for every recipient)."""
    body_html = html_for_mail(post.body_html, links.site_root())
    return {"body_html": body_html, "body_text": plain_text(body_html)}


def _mail(user: User, post: Post, bodies: dict[str, str]) -> None:
    unsubscribe = unsubscribe_url(user, MailKind.NEWS)
    queue_mail(user.email, "announcement", locale=user.locale, user=user, post=post, url=links.post(post.id),
               unsubscribe_url=unsubscribe, **bodies,
               headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


def announcement_of(post: Post) -> Announcement | None:
    """The sending of this post by mail, once started or scheduled."""
    return db.session.scalar(select(Announcement).where(Announcement.post_id == post.id))


def send_test(actor: User, post: Post) -> None:
    """The mail exactly as recipients will get it, to the volunteer themself."""
    _check(actor, post)
    _mail(actor, post, _bodies(post))


def start(actor: User, post: Post, audience: Audience | str = Audience.EVERYONE) -> Announcement:
    """Start sending now (once per post: a second start returns the one running or scheduled)."""
    _check(actor, post)
    chosen = audience_for(post, audience)
    existing = announcement_of(post)
    if existing is not None:
        return existing
    now = utcnow()
    if insert_if_absent(Announcement, post_id=post.id, created_by_id=actor.id, created_at=now, audience=chosen,
                        started_at=now, total=_refuse_nobody(chosen), sent=0):
        log.info("announcement of post %s to %s started by %s", post.id, chosen.value, actor.id)
    return db.session.scalars(select(Announcement).where(Announcement.post_id == post.id)).one()


def _site_time(local: datetime) -> datetime:
    """A time typed in the form means the site's time zone."""
    if local.tzinfo is not None:
        return local
    return local.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def schedule(actor: User, post: Post, audience: Audience | str, when: datetime | None) -> Announcement:
    """Send at a set time (in the site's time zone); the worker starts it then. Once per post, like `start`."""
    _check(actor, post)
    if when is None:
        raise DomainError(_l("Please enter when it should be sent."), "send_at")
    when = _site_time(when)
    if when <= utcnow() + timedelta(minutes=1):
        raise DomainError(_l("Please choose a time in the future."), "send_at")
    if when > utcnow() + SCHEDULE_AHEAD_MAX:
        raise DomainError(_l("Please choose a time within the next year."), "send_at")
    chosen = audience_for(post, audience)
    existing = announcement_of(post)
    if existing is not None:
        return existing
    if insert_if_absent(Announcement, post_id=post.id, created_by_id=actor.id, created_at=utcnow(),
                        audience=chosen, scheduled_at=when, total=_refuse_nobody(chosen), sent=0):
        log.info("announcement of post %s to %s scheduled for %s by %s", post.id, chosen.value, when.isoformat(),
                 actor.id)
    return db.session.scalars(select(Announcement).where(Announcement.post_id == post.id)).one()


def cancel(actor: User, post: Post) -> None:
    """Cancel a scheduled sending before the worker starts it (a guarded DELETE: the start or the cancel wins)."""
    if not policy.can_write_news(actor):
        raise PermissionDenied(_l("Only volunteers send news by mail."))
    if not rows_changed(delete(Announcement).where(Announcement.post_id == post.id,
                                                   Announcement.started_at.is_(None))):
        raise DomainError(_l("Sending has already started and can no longer be cancelled."))
    log.info("scheduled announcement of post %s cancelled by %s", post.id, actor.id)


def start_due() -> int:
    """Start every scheduled sending whose time has come (a guarded UPDATE: one start, whoever else runs)."""
    now, started = utcnow(), 0
    due = db.session.scalars(select(Announcement).where(Announcement.started_at.is_(None),
                                                        Announcement.scheduled_at <= now)).all()
    for announcement in due:
        if not policy.is_announceable(announcement.post):
            # Hidden or withdrawn before its time: nothing goes out later by surprise.
            rows_changed(delete(Announcement).where(Announcement.id == announcement.id,
                                                    Announcement.started_at.is_(None)))
            log.warning("scheduled announcement of post %s dropped: the post is no longer published",
                        announcement.post_id)
            continue
        audience = audience_for(announcement.post, announcement.audience)
        if rows_changed(update(Announcement).where(Announcement.id == announcement.id,
                                                   Announcement.started_at.is_(None))
                        .values(started_at=now, total=recipient_count(audience))
                        .execution_options(synchronize_session=False)):
            started += 1
            log.info("scheduled announcement of post %s started", announcement.post_id)
    return started


def send_batch(announcement: Announcement) -> int:
    """Mail the next batch of recipients; each person at most once, whatever runs in parallel."""
    if announcement.finished_at is not None or announcement.started_at is None:
        return 0
    already = select(AnnouncementDelivery.user_id).where(AnnouncementDelivery.announcement_id == announcement.id)
    audience = audience_for(announcement.post, announcement.audience)
    batch = db.session.scalars(_recipients(audience).where(User.id.not_in(already))
                               .order_by(User.id).limit(current_app.config["ANNOUNCEMENT_BATCH"])).all()
    sent, bodies = 0, _bodies(announcement.post)
    for user in batch:
        if insert_if_absent(AnnouncementDelivery, announcement_id=announcement.id, user_id=user.id,
                            created_at=utcnow()):
            _mail(user, announcement.post, bodies)
            sent += 1
    announcement.sent = db.session.scalars(select(func.count()).where(
        AnnouncementDelivery.announcement_id == announcement.id)).one()
    if not batch:
        announcement.finished_at = utcnow()
    return sent


def send_pending_batches() -> int:
    """For the worker (every minute): start what is due, then one batch of every unfinished announcement."""
    start_due()
    total = 0
    running = select(Announcement).where(Announcement.finished_at.is_(None), Announcement.started_at.is_not(None))
    for announcement in db.session.scalars(running.execution_options(populate_existing=True)).all():
        total += send_batch(announcement)
    return total
