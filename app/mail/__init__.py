"""Mail: build a message in the recipient's language, store it with the request's transaction,
send it after the commit.

`queue_mail` only adds a row; sending lives in `app.mail.sending`: `send_queued` runs after the request
committed (see `app.register_request_hooks`), `send_pending` claims and sends what is due (`flask send-mail`).
Without MAIL_SERVER, messages are written to instance/outbox/ as .eml files.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from flask import current_app, g, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound

from app import site
from app.extensions import db
from app.mail.sending import MAIL_POLICY, send_pending, send_queued
from app.models.mail import OutgoingMail

log = logging.getLogger(__name__)
__all__ = ["queue_mail", "send_pending", "send_queued"]


def queue_mail(recipient: str, template: str, *, locale: str | None = None, attachments=(),
               reply_to: str | None = None, headers: dict | None = None, **context) -> OutgoingMail:
    """Render `email/<template>.txt` (first line: subject) and store it for sending after commit.

    `attachments` are (filename, "type/subtype", text) tuples, e.g. an .ics calendar entry.
    """
    with force_locale(locale or site.get("default_locale")):
        site_name = site.get("site_name")
        text = render_template(f"email/{template}.txt", site_name=site_name, **context)
        html = _render_optional(f"email/{template}.html", site_name=site_name, **context)
    subject, _, body = text.strip().partition("\n")
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["Subject"] = subject.strip()
    msg["From"] = _sender(site_name)
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


def _sender(site_name: str) -> str:
    """The configured address under the association's current name."""
    _name, address = parseaddr(current_app.config["MAIL_FROM"])
    return formataddr((site_name, address)) if address else current_app.config["MAIL_FROM"]


def _render_optional(name: str, **context) -> str | None:
    """An HTML part, for the mails that have one (digests)."""
    try:
        return render_template(name, **context)
    except TemplateNotFound:
        return None

