"""Sending push messages (the worker's part of app.services.push): queue, claim, encrypt, send.

Each notification of a kind the person chose becomes one row per device (`push_messages`, unique per device and
notification, so queueing twice queues once). A sender claims due rows with a guarded UPDATE carrying its token,
commits the claim, then sends them over one HTTP session with a timeout each; the text is written and the policy
asked at that moment, so a thread made members-only, or a membership ended, since the notification sends nothing.
404/410 from the push service: the device is gone (deleted). Other failures: retried with backoff, dropped after
PUSH_MAX_ATTEMPTS.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta

import requests
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from pywebpush import WebPushException, webpush
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import joinedload

from app import site
from app.database import insert_if_absent
from app.extensions import db
from app.models.notification import Notification, NotificationKind
from app.models.push import PUSH_KINDS, PushChoice, PushMessage, PushSubscription
from app.models.types import utcnow
from app.services import push
from app.services.notifications import notification_options, still_visible

log = logging.getLogger(__name__)
BATCH = 100
RECENT = timedelta(hours=1)  # notifications older than this when first seen are not pushed (the bell has them)
KEEP = timedelta(days=2)  # sent rows are kept this long: they are what stops a notification being queued again
URGENT = {NotificationKind.REPLY, NotificationKind.MENTION, NotificationKind.WARNING}


def queue_recent() -> int:
    """Queue every recent notification of a chosen kind for each of its person's devices that existed when it was
    made. Runs after each request that wrote notifications and every minute (what the worker itself wrote)."""
    now = utcnow()
    kind_on = or_(*(and_(getattr(PushChoice, choice).is_(True), Notification.kind.in_(kinds))
                    for choice, kinds in PUSH_KINDS.items()))
    rows = db.session.execute(
        select(Notification.id, PushSubscription.id)
        .join(PushSubscription, PushSubscription.user_id == Notification.user_id)
        .join(PushChoice, PushChoice.user_id == Notification.user_id)
        .outerjoin(PushMessage, and_(PushMessage.subscription_id == PushSubscription.id,
                                     PushMessage.notification_id == Notification.id))
        .where(Notification.created_at > now - RECENT, Notification.created_at >= PushSubscription.created_at,
               Notification.read_at.is_(None), PushMessage.id.is_(None), kind_on)
        .order_by(Notification.id).limit(BATCH * 10)).all()
    queued = sum(insert_if_absent(PushMessage, subscription_id=subscription_id, notification_id=notification_id,
                                  created_at=now, attempts=0) for notification_id, subscription_id in rows)
    if queued:
        log.info("queued %d push messages", queued)
    return queued


def _claim() -> tuple[list[PushMessage], str]:
    now, token = utcnow(), secrets.token_hex(16)
    lease = now - timedelta(seconds=current_app.config["PUSH_CLAIM_LEASE_SECONDS"])
    due = select(PushMessage.id).where(
        PushMessage.sent_at.is_(None), PushMessage.attempts < current_app.config["PUSH_MAX_ATTEMPTS"],
        or_(PushMessage.retry_at.is_(None), PushMessage.retry_at <= now),
        or_(PushMessage.claimed_at.is_(None), PushMessage.claimed_at < lease)).order_by(PushMessage.id).limit(BATCH)
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    db.session.execute(update(PushMessage).where(PushMessage.id.in_(due.scalar_subquery()))
                       .values(claimed_at=now, claim=token).execution_options(synchronize_session=False))
    db.session.commit()  # the claim is visible to every other sender before anything is sent
    messages = db.session.scalars(select(PushMessage).where(PushMessage.claim == token).options(
        joinedload(PushMessage.subscription).joinedload(PushSubscription.user),
        joinedload(PushMessage.notification).options(*notification_options())).order_by(PushMessage.id)).all()
    return list(messages), token


def send_due() -> int:
    """Send what is due, a batch at a time; returns how many went out."""
    key = push.vapid()
    if key is None:
        return 0
    sent = 0
    with requests.Session() as http:
        while True:
            messages, _token = _claim()
            if not messages:
                return sent
            for message in messages:
                sent += _send_one(message, key, http)
            db.session.commit()


def _send_one(message: PushMessage, key, http: requests.Session) -> int:
    subscription, notification = message.subscription, message.notification
    user, now = subscription.user, utcnow()
    if user.is_suspended or not still_visible(user, notification):
        message.sent_at = now  # nothing to say any more: dropped, unsent
        return 0
    config = current_app.config
    try:
        webpush({"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
                data=json.dumps(payload(notification, user)), vapid_private_key=key,
                vapid_claims={"sub": push.subject()}, timeout=config["PUSH_TIMEOUT"], ttl=config["PUSH_TTL"],
                headers={"Urgency": "high" if notification.kind in URGENT else "normal"}, requests_session=http)
    except (WebPushException, requests.RequestException, ValueError) as error:  # ValueError: keys it cannot use
        status = getattr(getattr(error, "response", None), "status_code", None)
        if status in (404, 410):
            log.info("push device %s is gone (%s): removed", subscription.id, status)
            db.session.execute(delete(PushSubscription).where(PushSubscription.id == subscription.id))
            return 0
        message.attempts += 1
        message.claimed_at, message.claim = None, None
        message.retry_at = now + timedelta(seconds=config["PUSH_RETRY_SECONDS"] * 2 ** (message.attempts - 1))
        subscription.failures += 1
        log.warning("push to device %s failed (%s), attempt %d", subscription.id, status or type(error).__name__,
                    message.attempts)
        return 0
    message.sent_at, subscription.last_used_at, subscription.failures = now, now, 0
    return 1


def payload(notification: Notification, user) -> dict[str, str]:
    """What the device shows: a title, a short line and where a tap leads. Only what the bell shows this person."""
    with force_locale(user.locale or site.get("default_locale")):
        return {"title": site.get("site_name"), "body": _line(notification)[:240], "url": _url(notification),
                "tag": f"n{notification.post_id or notification.event_id or notification.id}",
                "lang": user.locale or site.get("default_locale")}


def _line(notification: Notification) -> str:
    kind, actor = notification.kind, notification.actor.display_name if notification.actor else _("Someone")
    subject = (notification.post or notification.event or notification.opportunity)
    title = subject.title if subject is not None else ""
    lines = {
        NotificationKind.REPLY: lambda: _("%(name)s replied to you in “%(title)s”", name=actor, title=title),
        NotificationKind.MENTION: lambda: _("%(name)s mentioned you in “%(title)s”", name=actor, title=title),
        NotificationKind.FOLLOWED: lambda: _("New comment by %(name)s in “%(title)s”", name=actor, title=title),
        NotificationKind.NEW_POST: lambda: _("New post: “%(title)s”", title=title),
        NotificationKind.NEW_EVENT: lambda: _("New event: “%(title)s”", title=title),
        NotificationKind.IDEA_STATUS: lambda: _("News about the idea “%(title)s”", title=title),
        NotificationKind.NEW_OPPORTUNITY: lambda: _("New offer: “%(title)s”", title=title),
        NotificationKind.APPLICATION: lambda: _("A new membership application awaits a decision"),
        NotificationKind.REVIEW: lambda: _("Your contribution was hidden after reports and awaits a moderator"),
        NotificationKind.WARNING: lambda: _("A moderator has sent you a warning"),
    }
    return lines[NotificationKind(kind)]()


def _url(notification: Notification) -> str:
    """A path on this site (the service worker opens it on its own origin)."""
    if notification.comment_id and notification.kind != NotificationKind.REVIEW:
        return url_for("feed.permalink", comment_id=notification.comment_id)
    if notification.event_id:
        return url_for("events.show", event_id=notification.event_id)
    if notification.opportunity_id:
        return url_for("opportunities.show", offer_id=notification.opportunity_id)
    if notification.post_id and notification.kind != NotificationKind.REVIEW:
        return url_for("feed.show", post_id=notification.post_id)
    return url_for("notifications.index")


def run() -> int:
    """The worker's job: queue what is new, then send what is due."""
    queue_recent()
    db.session.commit()
    return send_due()


def clean_up() -> int:
    """Nightly: rows of messages sent or dropped long ago."""
    before = utcnow() - KEEP
    result = db.session.execute(delete(PushMessage).where(or_(PushMessage.sent_at < before,
                                                              PushMessage.created_at < before)))
    return int(getattr(result, "rowcount", 0) or 0)
