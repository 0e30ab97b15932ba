"""Each mail is sent once, however many senders run at the same moment on the same database: three
`flask send-mail` processes race over 400 pending mails, delivered to a real SMTP server on loopback.
Runs on the SQLite file and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.mail.sending import MAIL_POLICY
from app.models.mail import OutgoingMail
from tests.conftest import ROOT

pytestmark = pytest.mark.concurrency
PENDING = 400


def stored_message(number: int) -> OutgoingMail:
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"], message["From"] = f"Race {number}", "Alumni Commons <noreply@test.example>"
    message["To"], message["Message-ID"] = f"person{number}@example.org", make_msgid(domain="alumni-commons")
    message.set_content(f"Mail number {number}\n")
    return OutgoingMail(recipient=message["To"], subject=message["Subject"], message=message.as_string())


def test_three_senders_at_once_deliver_each_of_400_mails_exactly_once(app, database_url, smtp_server, tmp_path):
    controller, mailbox = smtp_server
    mailbox.clear()
    with app.app_context():
        db.session.add_all([stored_message(number) for number in range(PENDING)])
        db.session.commit()
    env = dict(os.environ, FLASK_APP="wsgi", APP_ENV="development", DATABASE_URL=database_url,
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(controller.port), INSTANCE_PATH=str(tmp_path),
               SECRET_KEY="s" * 40, REDIS_URL="")
    senders = [subprocess.Popen([sys.executable, "-m", "flask", "send-mail"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [sender.communicate(timeout=180) for sender in senders]
    assert all(sender.returncode == 0 for sender in senders), outputs
    reported = sum(int(out.split(" sent")[0].split()[-1]) for out, _err in outputs)
    mailbox.wait_for("@example.org", count=PENDING, timeout=30)
    subjects = Counter(message["Subject"] for message in mailbox.messages if message["Subject"].startswith("Race "))
    assert len(subjects) == PENDING and set(subjects.values()) == {1}, subjects.most_common(3)
    assert reported == PENDING
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)
                                 .where(OutgoingMail.sent_at.is_(None))) == 0
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)
                                 .where(OutgoingMail.claim_token.is_not(None))) == 0


def test_a_failed_send_waits_for_its_next_attempt_and_an_abandoned_claim_is_taken_over(app, smtp_server):
    from datetime import timedelta

    from app.mail.sending import send_pending
    from app.models.types import utcnow

    _controller, mailbox = smtp_server
    mailbox.clear()
    with app.app_context():
        waiting, abandoned = stored_message(1), stored_message(2)
        waiting.attempts, waiting.retry_at = 1, utcnow() + timedelta(minutes=1)
        abandoned.claimed_at, abandoned.claim_token = utcnow() - timedelta(hours=1), "a-sender-that-died"
        db.session.add_all([waiting, abandoned])
        db.session.commit()
    with app.test_request_context():  # the suite's app sends to the loopback SMTP server
        assert send_pending() == (1, 0)  # the abandoned one; the waiting one is not due yet
        assert send_pending(retry_now=True) == (1, 0)
    assert sorted(m["Subject"] for m in mailbox.messages) == ["Race 1", "Race 2"]
