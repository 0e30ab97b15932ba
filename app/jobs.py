"""Background work (the queue itself is app.queue): mail after a request's commit, and the periodic jobs, so
no crontab is needed. Every job's effect is exactly-once on its own (mail is claimed row by row, digests claim
their period, reminders their row): a job that runs twice, or on two hosts, sends nothing twice; the locks only
save work. Periodic times are UTC.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_app_context
from huey import crontab
from redis.exceptions import RedisError

from app.extensions import db
from app.mail.sending import send_pending, send_queued
from app.models.notification import MailMode
from app.queue import huey, record_run
from app.services import (
    announcements,
    attachments,
    digests,
    erasure,
    notifications,
    offer_reminders,
    outbox,
    polls,
    push_delivery,
    sanctions,
    signups,
)

log = logging.getLogger(__name__)
_worker_app: Flask | None = None


def run_worker(app: Flask, workers: int) -> None:
    """The consumer: runs queued tasks and the periodic schedule until stopped (`flask worker`)."""
    global _worker_app  # noqa: PLW0603  (the one app a worker process serves)
    _worker_app = app
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True, check_worker_health=True).run()


def _app() -> Flask:
    """The worker's app, or the caller's in immediate mode."""
    app = current_app._get_current_object() if has_app_context() else _worker_app  # noqa: SLF001
    if app is None:
        raise RuntimeError("no app for this job: start the worker with `flask worker`")
    return app


def run_job(job: Callable[[], object]) -> object:
    """Run `job` inside the app (the worker's, or the caller's: the `flask send-*` commands) with links to
    SITE_URL and one commit at the end; then send the mail this job queued, and only that (the periodic mail
    job sends whatever else is due)."""
    app = _app()
    with app.test_request_context(base_url=app.config["SITE_URL"]):
        try:
            result = job()
            db.session.commit()
            for callback in g.pop("after_commit", []):  # e.g. delete the files of removed rows
                callback()
            send_queued()
        finally:
            db.session.remove()
    return result


# ---------------------------------------------------------------- after a request


@huey.task(retries=3, retry_delay=30)
def deliver_mail(ids: list[int]) -> tuple[int, int]:
    """Send the mail a request stored (claimed first: whoever else sends, each mail goes out once)."""
    with _app().app_context():
        return send_pending(ids)


def enqueue_mail(ids: list[int]) -> None:
    """Hand a request's mail to the worker. If the queue cannot be reached, the rows stay and the periodic mail
    job sends them: never an error for the person who clicked."""
    try:
        deliver_mail(ids)
    except (RedisError, OSError) as exc:
        log.warning("job queue unavailable (%s): mail %s waits for the next mail run", type(exc).__name__, ids)


@huey.task(retries=2, retry_delay=30)
def deliver_push() -> object:
    """Push the notifications a request wrote to their people's devices (and whatever else is due)."""
    with _app().app_context():
        return run_job(push_delivery.run)


def enqueue_push() -> None:
    """After a commit that wrote notifications. Queue unreachable: the periodic push job finds them within a minute."""
    try:
        deliver_push()
    except (RedisError, OSError) as exc:
        log.warning("job queue unavailable (%s): push waits for the next push run", type(exc).__name__)


# ---------------------------------------------------------------- periodic


def _periodic(name: str, schedule, job: Callable[[], object], *, until_done: bool = False):
    """A periodic job under a lock (a run still going when the next is due is not doubled). `until_done` repeats
    the job, each round in its own transaction with its mail sent, until a round does nothing."""

    @huey.periodic_task(schedule, name=name)
    @huey.lock_task(f"periodic-{name}")
    def task():
        started = datetime.now(UTC)
        try:
            result = _until_done(job) if until_done else run_job(job)
        except Exception as exc:
            record_run(name, started, f"failed: {type(exc).__name__}: {exc}"[:300])
            raise
        record_run(name, started, f"ok: {result}")
        return result

    return task


def _until_done(job: Callable[[], object], rounds: int = 1000) -> int:
    total = 0
    for _ in range(rounds):
        done = run_job(job)
        if not done:
            break
        total += done if isinstance(done, int) else 1
    return total


send_due_mail = _periodic("mail", crontab(minute="*"), lambda: send_pending()[0])
send_notifications = _periodic("notifications", crontab(minute="*/5"), digests.send_immediate)
# Announcements go out batch after batch in one run (not one batch a minute): 10,000 people take the time the
# mail server needs, not 50 minutes.
send_announcements = _periodic("announcements", crontab(minute="*"), announcements.send_pending_batches,
                               until_done=True)
send_reminders = _periodic("reminders", crontab(minute="*/15"), signups.send_reminders)
send_daily_digests = _periodic("daily-digest", crontab(minute="0", hour="6"),
                               lambda: digests.send_digests(MailMode.DAILY))
send_weekly_digests = _periodic("weekly-digest", crontab(minute="0", hour="6", day_of_week="1"),
                                lambda: digests.send_digests(MailMode.WEEKLY))
def clean_up() -> int:
    """Nightly: stored mail that has done its job, uploads nobody attached within a day, old notifications and push
    messages."""
    return (outbox.clean_up() + attachments.clean_up_drafts() + notifications.clean_up()
            + push_delivery.clean_up())


erase_accounts = _periodic("erase-accounts", crontab(minute="45", hour="3"), erasure.erase_due)
clean_up_task = _periodic("clean-up", crontab(minute="30", hour="3"), clean_up)
# Silences and suspensions stop counting at their end by themselves (the account row's date is read); this job
# clears them, writes the history and mails the person.
end_sanctions = _periodic("end-sanctions", crontab(minute="*/5"), sanctions.end_due)
# Who voted in a poll is kept only while it is open (to refuse a second vote): soon after it closes, it is gone.
forget_poll_voters = _periodic("forget-poll-voters", crontab(minute="*/10"), polls.forget_voters)
# An offer's author hears a few days before it leaves the board, so a position still open is renewed in time.
remind_expiring_offers = _periodic("remind-expiring-offers", crontab(minute="20"), offer_reminders.remind_due)
# Push messages for notifications the worker itself wrote, and retries of failed ones.
send_push = _periodic("push", crontab(minute="*"), push_delivery.run)
heartbeat = _periodic("heartbeat", crontab(minute="*"), lambda: "alive")
