"""The state of the outgoing mail, for the admins' page on background work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select

from app.database import rows_changed
from app.extensions import db
from app.models.mail import OutgoingMail
from app.models.types import utcnow


@dataclass
class MailState:
    waiting: int  # not sent yet, will be tried
    failed: int  # given up after MAIL_MAX_ATTEMPTS
    sent_last_day: int
    failures: list[OutgoingMail]  # the latest given-up ones, with their error


def mail_state(limit: int = 20) -> MailState:
    """How the outgoing mail stands (four small queries)."""
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    unsent = OutgoingMail.sent_at.is_(None)

    def count(*conditions) -> int:
        return db.session.scalar(select(func.count()).select_from(OutgoingMail).where(*conditions)) or 0

    return MailState(
        waiting=count(unsent, OutgoingMail.attempts < max_attempts),
        failed=count(unsent, OutgoingMail.attempts >= max_attempts),
        sent_last_day=count(OutgoingMail.sent_at >= utcnow() - timedelta(days=1)),
        failures=list(db.session.scalars(select(OutgoingMail).where(unsent, OutgoingMail.attempts >= max_attempts)
                                         .order_by(OutgoingMail.id.desc()).limit(limit))))


def clean_up() -> int:
    """Delete mail that has done its job: sent more than MAIL_KEEP_DAYS ago, or given up more than
    MAIL_KEEP_FAILED_DAYS ago. A stored message holds its recipient's address and words: keep it no longer than
    needed to answer "did my mail go out?" (privacy by default). The number of rows deleted."""
    config = current_app.config
    sent_before = utcnow() - timedelta(days=config["MAIL_KEEP_DAYS"])
    failed_before = utcnow() - timedelta(days=config["MAIL_KEEP_FAILED_DAYS"])
    return rows_changed(delete(OutgoingMail).where(or_(
        OutgoingMail.sent_at < sent_before,
        and_(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts >= config["MAIL_MAX_ATTEMPTS"],
             OutgoingMail.created_at < failed_before))))
