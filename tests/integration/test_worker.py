"""The background worker for real: an app that does not send mail itself (the production shape) stores
the mail and enqueues it; two `flask worker` processes on the same queue and database send each mail once,
and their periodic jobs run (the heartbeat /healthz reports)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.mail import OutgoingMail
from app.models.user import Role
from app.queue import huey
from tests.conftest import DEFAULT_PASSWORD, ROOT, english_client, make_app

pytestmark = pytest.mark.concurrency


@pytest.fixture
def queued_app(app, database_url, smtp_server, tmp_path):
    """The app as deployed: jobs go to a queue file that workers read; restored to inline mode afterwards."""
    queue_file = tmp_path / "jobs.sqlite3"
    application = make_app(database_url, smtp_server[0].port, JOBS_IMMEDIATE=False, JOBS_SQLITE=str(queue_file))
    yield application, queue_file
    huey.immediate = True


def start_workers(database_url, smtp_port, queue_file, tmp_path, count=2):
    env = dict(os.environ, FLASK_APP="wsgi", APP_ENV="development", DATABASE_URL=database_url,
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port), INSTANCE_PATH=str(tmp_path), SECRET_KEY="s" * 40,
               JOBS_SQLITE=str(queue_file), REDIS_URL="", JOBS_IMMEDIATE="")
    return [subprocess.Popen([sys.executable, "-m", "flask", "worker", "--workers", "2"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(count)]


def stop(workers):
    for worker in workers:
        worker.send_signal(signal.SIGINT)
    return [worker.communicate(timeout=30)[0] for worker in workers]


def test_requests_enqueue_their_mail_and_two_workers_send_each_once(queued_app, database_url, smtp_server,
                                                                    tmp_path):
    application, queue_file = queued_app
    _controller, mailbox = smtp_server
    mailbox.clear()
    client = english_client(application)
    for number in range(12):  # each registration stores a verification mail and enqueues it
        response = client.submit("/auth/register", {
            "email": f"person{number}@example.org", "display_name": f"Person {number}",
            "password": DEFAULT_PASSWORD, "password_confirm": DEFAULT_PASSWORD, "accept_guidelines": "y"})
        assert response.status_code == 302
    assert mailbox.messages == []  # the requests did not talk to SMTP
    with application.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)
                                 .where(OutgoingMail.sent_at.is_(None))) == 12
    workers = start_workers(database_url, smtp_server[0].port, queue_file, tmp_path)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(mailbox.messages) < 12:
            time.sleep(0.2)
    finally:
        logs = stop(workers)
    recipients = Counter(message["To"] for message in mailbox.messages)
    assert len(recipients) == 12 and set(recipients.values()) == {1}, (recipients, logs)
    with application.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)
                                 .where(OutgoingMail.sent_at.is_(None))) == 0


def test_admins_see_the_queue_the_periodic_jobs_and_mail_given_up(app, client, make_user):
    with app.app_context():
        db.session.add(OutgoingMail(recipient="nobody@invalid.example", subject="Lost", message="x", attempts=10,
                                    last_error="SMTPRecipientsRefused: 550 no such user"))
        db.session.add(OutgoingMail(recipient="later@example.org", subject="Later", message="x", attempts=1))
        db.session.commit()
    client.login(make_user(Role.ADMIN))
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Background work" in page and "550 no such user" in page and "nobody@invalid.example" in page
    assert "<dt>Mail waiting to be sent</dt><dd>1</dd>" in page
    assert "<dt>Mail given up after repeated errors</dt><dd>1</dd>" in page
    for job in ("daily-digest", "reminders", "heartbeat"):
        assert job in page


def test_the_announcement_job_sends_every_batch_in_one_run(app, client, make_user, make_post, smtp_server):
    from app import jobs
    from tests.integration.test_notifications import consent

    _controller, mailbox = smtp_server
    volunteer = make_user(Role.VOLUNTEER)
    news = make_post(volunteer, title="Großes Fest", kind="news")
    fans = [make_user() for _ in range(5)]
    for fan in fans:
        consent(app, fan, news="weekly")
    client.login(volunteer)
    app.config["ANNOUNCEMENT_BATCH"] = 2
    try:
        client.submit(f"/notifications/announce/{news.id}", {"action": "send"})  # the first batch of 2
        mailbox.clear()
        with app.app_context():
            jobs.send_announcements.call_local()  # one run of the periodic job: every batch left
    finally:
        app.config["ANNOUNCEMENT_BATCH"] = 200
    assert len([m for m in mailbox.messages if "Großes Fest" in m["Subject"]]) == 3
    assert "5 of 5 mails sent." in client.get(f"/notifications/announce/{news.id}").get_data(as_text=True)


def test_the_nightly_clean_up_deletes_stored_mail_that_has_done_its_job(app):
    from datetime import timedelta

    from app.models.types import utcnow

    now = utcnow()
    rows = {  # recipient: (created, sent, attempts); kept unless marked
        "sent-long-ago@example.org": (now - timedelta(days=41), now - timedelta(days=40), 1),  # deleted
        "sent-lately@example.org": (now - timedelta(days=6), now - timedelta(days=5), 1),
        "waiting@example.org": (now - timedelta(days=50), None, 3),  # still being tried: never deleted
        "given-up-long-ago@example.org": (now - timedelta(days=100), None, 10),  # deleted
        "given-up-lately@example.org": (now - timedelta(days=10), None, 10),
    }
    with app.app_context():
        for recipient, (created, sent, attempts) in rows.items():
            db.session.add(OutgoingMail(recipient=recipient, subject="s", message="m", created_at=created,
                                        sent_at=sent, attempts=attempts))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["clean-up"])
    assert result.exit_code == 0 and "2 old rows deleted" in result.output
    with app.app_context():
        left = set(db.session.scalars(select(OutgoingMail.recipient)))
    assert left == {"sent-lately@example.org", "waiting@example.org", "given-up-lately@example.org"}
