"""Outgoing mail, stored in the same transaction as the action that caused it.

A message is only sent after that transaction commits, and stays here until a send succeeds,
so a failed commit sends nothing and a failed send loses nothing (`flask send-mail` retries).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)  # the whole RFC 5322 message
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # A sender's claim (app.mail.sending): who is sending it now, and since when (a lease, for crashed senders).
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # after a failure: not before this
