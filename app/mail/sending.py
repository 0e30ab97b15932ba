"""Sending stored mail, exactly once across any number of senders and hosts.

A sender first *claims* a batch with one guarded UPDATE (rows not sent, not claimed — or claimed longer ago
than the lease, by a sender that died — and due for their next attempt); PostgreSQL skips rows another sender
has locked (`FOR UPDATE SKIP LOCKED`), SQLite serialises writers. Only the rows carrying this sender's claim
token are sent, over one SMTP connection per batch, and each is marked sent with its own commit.

The one window left: a sender killed after the SMTP server accepted a message and before its row was marked
sent. That message is claimed again when the lease runs out (MAIL_CLAIM_LEASE_SECONDS) and so may arrive twice;
no other message can.
"""

from __future__ import annotations

import email
import email.policy
import logging
import secrets
import smtplib
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

from flask import current_app, g
from sqlalchemy import and_, inspect, or_, select, true, update

from app.extensions import db
from app.models.mail import OutgoingMail
from app.models.types import utcnow

log = logging.getLogger(__name__)
# Headers are folded at RFC 5322's hard limit (998), not at 78: a long List-Unsubscribe URL would otherwise be
# folded into an RFC 2047 encoded-word, and mail programs then offer no one-click unsubscribe.
MAIL_POLICY = email.policy.default.clone(max_line_length=998)
BATCH = 100


def queued_ids() -> list[int]:
    """The mail this request stored; call only after its commit succeeded."""
    # The identity is known after the commit without loading the (expired) rows again.
    return [inspect(outgoing).identity[0] for outgoing in g.pop("queued_mail", [])]


def send_queued() -> None:
    """Send what this request (or command) queued, here and now: for the command line."""
    ids = queued_ids()
    if ids:
        send_pending(ids)


def send_pending(ids: list[int] | None = None, *, retry_now: bool = False) -> tuple[int, int]:
    """Claim and send every due message (or the given ones), batch by batch; returns (sent, failed).
    `retry_now` also takes messages waiting for their next attempt (an operator's `flask send-mail`)."""
    sent = failed = 0
    tried: set[int] = set()  # each message at most once per run, whatever its backoff
    while True:
        batch, token = _claim(ids, tried, retry_now)
        if not batch:
            return sent, failed
        tried |= {outgoing.id for outgoing in batch}
        batch_sent, batch_failed = _send_batch(batch, token)
        sent, failed = sent + batch_sent, failed + batch_failed
        if ids is not None:
            return sent, failed


def _due(now, retry_now: bool = False):
    config = current_app.config
    lease = timedelta(seconds=config["MAIL_CLAIM_LEASE_SECONDS"])
    waited = true() if retry_now else or_(OutgoingMail.retry_at.is_(None), OutgoingMail.retry_at <= now)
    return and_(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < config["MAIL_MAX_ATTEMPTS"], waited,
                or_(OutgoingMail.claimed_at.is_(None), OutgoingMail.claimed_at < now - lease))


def _claim(ids: list[int] | None, tried: set[int], retry_now: bool) -> tuple[list[OutgoingMail], str]:
    """One UPDATE marks a batch as this sender's; the rows that carry its token are its to send."""
    now, token = utcnow(), secrets.token_hex(16)
    due = _due(now, retry_now)
    candidates = select(OutgoingMail.id).where(due).order_by(OutgoingMail.id).limit(BATCH)
    if ids is not None:
        candidates = candidates.where(OutgoingMail.id.in_(ids))
    if tried:
        candidates = candidates.where(OutgoingMail.id.not_in(tried))
    candidates = candidates.with_for_update(skip_locked=True)  # PostgreSQL; SQLite locks the database anyway
    db.session.execute(update(OutgoingMail).where(OutgoingMail.id.in_(candidates.scalar_subquery()), due)
                       .values(claimed_at=now, claim_token=token).execution_options(synchronize_session=False))
    db.session.commit()
    batch = list(db.session.scalars(select(OutgoingMail).where(OutgoingMail.claim_token == token)
                                    .order_by(OutgoingMail.id)))
    db.session.expunge_all()
    return batch, token


def _send_batch(batch: list[OutgoingMail], token: str) -> tuple[int, int]:
    sent = failed = 0
    with Postman() as postman:
        for outgoing in batch:
            # The claim is released with the result (column objects as keys: the values are no secrets).
            values: dict = {OutgoingMail.attempts: outgoing.attempts + 1, OutgoingMail.claimed_at: None,
                            OutgoingMail.claim_token: None}
            try:
                postman.deliver(outgoing)
            except (OSError, smtplib.SMTPException) as exc:
                values.update(last_error=f"{type(exc).__name__}: {exc}"[:500],
                              retry_at=utcnow() + _backoff(outgoing.attempts + 1))
                log.warning("mail %s to %s not sent (attempt %s): %s", outgoing.id, outgoing.recipient,
                            outgoing.attempts + 1, values["last_error"])
                failed += 1
            else:
                values.update(sent_at=utcnow(), last_error=None, retry_at=None)
                sent += 1
            db.session.execute(update(OutgoingMail).where(OutgoingMail.id == outgoing.id,
                                                          OutgoingMail.claim_token == token).values(values))
            db.session.commit()  # each result is stored at once: a message that went out is never sent again
    return sent, failed


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes, at most 6 hours: a mail server that is down is not hammered, a bad address gives up."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


class Postman:
    """One SMTP connection for a batch (opened on first use, reopened if the server drops it); without
    MAIL_SERVER, messages go to the outbox folder as .eml files."""

    def __init__(self):
        self.config = current_app.config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Postman:
        return self

    def __exit__(self, *_exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()

    def deliver(self, outgoing: OutgoingMail) -> None:
        if not self.config["MAIL_SERVER"]:
            self._to_outbox(outgoing)
            return
        # send_message writes CRLF line ends; raw bytes with bare LF would break SMTP dot-stuffing.
        message = email.message_from_string(outgoing.message, policy=MAIL_POLICY)
        sender = parseaddr(self.config["MAIL_FROM"])[1]
        try:
            self._connection().send_message(message, from_addr=sender, to_addrs=[outgoing.recipient])
        except smtplib.SMTPServerDisconnected:
            self.smtp = None  # the server hung up between messages: one new connection, one more try
            self._connection().send_message(message, from_addr=sender, to_addrs=[outgoing.recipient])

    def _connection(self) -> smtplib.SMTP:
        if self.smtp is None:
            config = self.config
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            self.smtp = smtp
        return self.smtp

    def _to_outbox(self, outgoing: OutgoingMail) -> None:
        outbox = Path(self.config["MAIL_OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / f"{outgoing.created_at:%Y%m%d-%H%M%S}-{outgoing.id}.eml"
        path.write_text(outgoing.message, encoding="utf-8")
        log.info("mail to %s (%s) written to %s", outgoing.recipient, outgoing.subject, path)
