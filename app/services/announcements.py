"""Volunteers send a news post as mail to everyone who opted in to news, in batches, once each."""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy
from app.content import plain_text
from app.database import insert_if_absent
from app.extensions import db
from app.mail import links, queue_mail
from app.models.notification import Announcement, AnnouncementDelivery, MailKind, MailMode, MailPreference
from app.models.post import Post
from app.models.types import utcnow
from app.models.user import User
from app.services.errors import DomainError, PermissionDenied
from app.services.mail_preferences import unsubscribe_url

log = logging.getLogger(__name__)


def _recipients(post: Post):
    """Everyone who opted in to news (and confirmed), members only for members-only news."""
    query = (select(User).join(MailPreference, MailPreference.user_id == User.id).where(
        MailPreference.kind == MailKind.NEWS, MailPreference.mode != MailMode.OFF,
        User.mail_consent_at.is_not(None), User.email_verified_at.is_not(None), ~User.is_suspended))
    if post.is_members_only:
        query = query.where(policy.member_accounts())
    return query


def recipient_count(post: Post) -> int:
    return db.session.scalar(select(func.count()).select_from(_recipients(post).subquery())) or 0


def _check(actor: User, post: Post) -> None:
    if not policy.can_write_news(actor):
        raise PermissionDenied(_l("Only volunteers send news by mail."))
    if not policy.is_announceable(post):
        raise DomainError(_l("Only published news can be sent by mail."))


def _mail(user: User, post: Post) -> None:
    unsubscribe = unsubscribe_url(user, MailKind.NEWS)
    queue_mail(user.email, "announcement", locale=user.locale, user=user, post=post,
               body_text=plain_text(post.body_html), url=links.post(post.id), unsubscribe_url=unsubscribe,
               headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


def announcement_of(post: Post) -> Announcement | None:
    """The sending of this post by mail, once started."""
    return db.session.scalar(select(Announcement).where(Announcement.post_id == post.id))


def send_test(actor: User, post: Post) -> None:
    """The mail exactly as recipients will get it, to the volunteer themself."""
    _check(actor, post)
    _mail(actor, post)


def start(actor: User, post: Post) -> Announcement:
    """Start sending (once per post: a second start returns the running one)."""
    _check(actor, post)
    if insert_if_absent(Announcement, post_id=post.id, created_by_id=actor.id, created_at=utcnow(),
                        total=recipient_count(post), sent=0):
        log.info("announcement of post %s started by %s", post.id, actor.id)
    return db.session.scalars(select(Announcement).where(Announcement.post_id == post.id)).one()


def send_batch(announcement: Announcement) -> int:
    """Mail the next batch of recipients; each person at most once, whatever runs in parallel."""
    if announcement.finished_at is not None:
        return 0
    already = select(AnnouncementDelivery.user_id).where(AnnouncementDelivery.announcement_id == announcement.id)
    batch = db.session.scalars(_recipients(announcement.post).where(User.id.not_in(already))
                               .order_by(User.id).limit(current_app.config["ANNOUNCEMENT_BATCH"])).all()
    sent = 0
    for user in batch:
        if insert_if_absent(AnnouncementDelivery, announcement_id=announcement.id, user_id=user.id,
                            created_at=utcnow()):
            _mail(user, announcement.post)
            sent += 1
    announcement.sent = db.session.scalars(select(func.count()).where(
        AnnouncementDelivery.announcement_id == announcement.id)).one()
    if not batch:
        announcement.finished_at = utcnow()
    return sent


def send_pending_batches() -> int:
    """For cron: one batch of every unfinished announcement."""
    total = 0
    for announcement in db.session.scalars(select(Announcement).where(Announcement.finished_at.is_(None))).all():
        total += send_batch(announcement)
    return total
