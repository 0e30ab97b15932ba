"""A few days before an offer leaves the board, its author hears of it (bell, and mail as their settings say), with a
link to renew it if the position is still open — as job boards remind of an expiring listing.

Periodic (app.jobs, hourly). Each reminder is claimed by a guarded UPDATE of `reminded_for` to the `expires_at` it is
about, so two workers remind once, and a renewal (which moves `expires_at`) makes the next one due by itself."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from app.database import rows_changed
from app.extensions import db
from app.models.notification import Notification, NotificationKind
from app.models.opportunity import Opportunity
from app.models.post import Status
from app.models.types import utcnow
from app.models.user import User

log = logging.getLogger(__name__)
REMIND_DAYS = 3  # how long before the end
BATCH = 500


def _not_reminded():
    return or_(Opportunity.reminded_for.is_(None), Opportunity.reminded_for != Opportunity.expires_at)


def remind_due(now: datetime | None = None) -> int:
    """Remind the authors of open offers that leave the board within REMIND_DAYS; returns how many were told."""
    now = now or utcnow()
    due = db.session.execute(
        select(Opportunity.id, Opportunity.author_id).join(User, User.id == Opportunity.author_id)
        .where(Opportunity.expires_at > now, Opportunity.expires_at <= now + timedelta(days=REMIND_DAYS),
               Opportunity.closed_at.is_(None), Opportunity.hidden_at.is_(None),
               Opportunity.status == Status.PUBLISHED, User.erased_at.is_(None), _not_reminded())
        .order_by(Opportunity.expires_at).limit(BATCH)).all()
    told = 0
    for offer_id, author_id in due:
        claimed = rows_changed(update(Opportunity).where(Opportunity.id == offer_id, _not_reminded())
                               .values(reminded_for=Opportunity.expires_at)
                               .execution_options(synchronize_session=False))
        if claimed:
            db.session.add(Notification(user_id=author_id, kind=NotificationKind.OFFER_EXPIRING,
                                        opportunity_id=offer_id, created_at=now))
            told += 1
    if told:
        log.info("reminded the authors of %d offers that leave the board soon", told)
    return told
