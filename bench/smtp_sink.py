"""A local SMTP sink (aiosmtpd) on a free loopback port: accepts every message and counts it.

It runs in a thread of the bench driver while the app (gunicorn workers, the digest job) sends to it
through its ordinary SMTP code (`MAIL_SERVER=127.0.0.1`, `MAIL_PORT=<port>`). Nothing leaves the machine.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from email import message_from_bytes
from email import policy as email_policy


class Sink:
    """Counts messages per recipient; keeps the plain-text body only when asked (`keep_bodies`)."""

    def __init__(self, keep_bodies: bool = False):
        self.keep_bodies = keep_bodies
        self.lock = threading.Lock()
        self.port = 0
        self.reset()

    def reset(self) -> None:
        with getattr(self, "lock", threading.Lock()):
            self.count = 0
            self.bytes = 0
            self.recipients: list[str] = []
            self.messages: list[tuple[str, str, str]] = []  # (recipient, subject, plain text) when kept

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        content = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        kept = None
        if self.keep_bodies:
            message = message_from_bytes(content, policy=email_policy.default)
            body = message.get_body(("plain",))
            kept = (str(message["Subject"]), body.get_content() if body is not None else "")
        with self.lock:
            self.count += 1
            self.bytes += len(content)
            self.recipients += envelope.rcpt_tos
            if kept is not None:
                self.messages += [(rcpt, *kept) for rcpt in envelope.rcpt_tos]
        return "250 Message accepted for delivery"

    def snapshot(self) -> dict:
        with self.lock:
            return {"received": self.count, "recipients": len(self.recipients),
                    "distinct_recipients": len(set(self.recipients)), "bytes": self.bytes}


@contextmanager
def smtp_sink(keep_bodies: bool = False):
    """Yield a running Sink (its `port` set); stopped on exit."""
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection at INFO

    from bench.serving import free_port

    sink = Sink(keep_bodies)
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, ready_timeout=10)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
