"""Mail: build a message in the recipient's language, store it with the request's transaction,
send it after the commit.

`queue_mail` only adds a row; `send_queued` runs after the request committed (see
`app.register_request_hooks`); `send_pending` is the retry used by `flask send-mail`.
Without MAIL_SERVER, messages are written to instance/outbox/ as .eml files.
"""

from __future__ import annotations

import email
import email.policy
import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from flask import current_app, g, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from sqlalchemy import inspect, select, update

from app.extensions import db
from app.models.mail import OutgoingMail
from app.models.types import utcnow

log = logging.getLogger(__name__)
# Headers are folded at RFC 5322's hard limit (998), not at 78: a long List-Unsubscribe URL would otherwise be
# folded into an RFC 2047 encoded-word, and mail programs then offer no one-click unsubscribe.
MAIL_POLICY = email.policy.default.clone(max_line_length=998)


def queue_mail(recipient: str, template: str, *, locale: str | None = None, attachments=(),
               reply_to: str | None = None, headers: dict | None = None, **context) -> OutgoingMail:
    """Render `email/<template>.txt` (first line: subject) and store it for sending after commit.

    `attachments` are (filename, "type/subtype", text) tuples, e.g. an .ics calendar entry.
    """
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = render_template(f"email/{template}.txt", site_name=current_app.config["SITE_NAME"], **context)
        html = _render_optional(f"email/{template}.html", site_name=current_app.config["SITE_NAME"], **context)
    subject, _, body = text.strip().partition("\n")
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["Subject"] = subject.strip()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = recipient
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="alumni-commons")
    if reply_to:
        msg["Reply-To"] = reply_to
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body.strip() + "\n")
    if html:
        msg.add_alternative(html, subtype="html")
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/", 1)
        if isinstance(content, str):
            msg.add_attachment(content, subtype=subtype, filename=filename)
        else:
            msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    outgoing = OutgoingMail(recipient=recipient, subject=msg["Subject"], message=msg.as_string())
    db.session.add(outgoing)
    g.setdefault("queued_mail", []).append(outgoing)
    return outgoing


def _render_optional(name: str, **context) -> str | None:
    """An HTML part, for the mails that have one (digests)."""
    try:
        return render_template(name, **context)
    except TemplateNotFound:
        return None


def send_queued() -> None:
    """Send what this request queued. Called only after its commit succeeded."""
    # The identity is known after the commit without loading the (expired) rows again.
    ids = [inspect(outgoing).identity[0] for outgoing in g.pop("queued_mail", [])]
    if ids:
        send_pending(ids)


def send_pending(ids: list[int] | None = None) -> tuple[int, int]:
    """Try every unsent message (or the given ones); returns (sent, failed)."""
    query = select(OutgoingMail).where(
        OutgoingMail.sent_at.is_(None),
        OutgoingMail.attempts < current_app.config["MAIL_MAX_ATTEMPTS"],
    )
    if ids is not None:
        query = query.where(OutgoingMail.id.in_(ids))
    sent = failed = 0
    # Read once; each result is then stored with its own UPDATE and commit, so a message that went out
    # is never sent again, and nothing is re-read from the database per message.
    pending = db.session.scalars(query.order_by(OutgoingMail.id)).all()
    db.session.expunge_all()
    for outgoing in pending:
        values = {"attempts": outgoing.attempts + 1}
        try:
            _deliver(outgoing)
        except (OSError, smtplib.SMTPException) as exc:
            values["last_error"] = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("mail %s to %s not sent (attempt %s): %s", outgoing.id, outgoing.recipient,
                        values["attempts"], values["last_error"])
            failed += 1
        else:
            values.update(sent_at=utcnow(), last_error=None)
            sent += 1
        db.session.execute(update(OutgoingMail).where(OutgoingMail.id == outgoing.id).values(**values))
        db.session.commit()
    return sent, failed


def _deliver(outgoing: OutgoingMail) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        outbox = Path(config["MAIL_OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / f"{outgoing.created_at:%Y%m%d-%H%M%S}-{outgoing.id}.eml"
        path.write_text(outgoing.message, encoding="utf-8")
        log.info("mail to %s (%s) written to %s", outgoing.recipient, outgoing.subject, path)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        # send_message writes CRLF line ends; raw bytes with bare LF would break SMTP dot-stuffing.
        message = email.message_from_string(outgoing.message, policy=MAIL_POLICY)
        smtp.send_message(message, from_addr=_address(config["MAIL_FROM"]), to_addrs=[outgoing.recipient])


def _address(header_value: str) -> str:
    return parseaddr(header_value)[1]
