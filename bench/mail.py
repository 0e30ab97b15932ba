"""The mail bench: real `flask worker` processes sending to a local SMTP sink.

- throughput: 2,000 stored mails (about 2 KB each), handed to the queue as requests do (`deliver_mail`, 50 ids a
  job), sent by one worker process and then by two (each `flask worker --workers 2`); mails per second from the
  first enqueue to the last message at the sink, and a check that each arrived once.
- announcement: news mailed to 10,000 subscribers: the volunteer's start, then the worker's announcement job
  (batch after batch, each batch composed, committed and sent) until the sink has all 10,000.

The queue is a SQLite file for the SQLite database and Redis for PostgreSQL (as deployed), when reachable.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from email.message import EmailMessage

import redis
from sqlalchemy import func, insert, select

from bench.databases import RESULTS, Unavailable, postgres_url, server_version, sqlite_url
from bench.serving import ROOT

MAILS, JOB_SIZE, SUBSCRIBERS = 2_000, 50, 10_000
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
SQLITE_FILE = RESULTS / "bench-mail.sqlite"
TIMEOUT = 900


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _queue_settings(kind: str, name: str) -> dict:
    if kind == "postgres":
        try:
            client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
            client.flushdb()
            return {"REDIS_URL": REDIS_URL, "JOBS_SQLITE": ""}
        except redis.RedisError:
            progress("mail/postgres: Redis not reachable, the queue is a SQLite file")
    queue_file = RESULTS / f"bench-{name}-jobs.sqlite3"
    queue_file.unlink(missing_ok=True)
    return {"REDIS_URL": "", "JOBS_SQLITE": str(queue_file)}


def _app(kind: str, args, queue: dict):
    from app import create_app
    from bench import seed

    url = sqlite_url(True, SQLITE_FILE) if kind == "sqlite" else postgres_url(True, args.postgres_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "JOBS_IMMEDIATE": False, **queue})
    seed.migrate(app)
    return app, url


def _workers(url: str, sink_port: int, queue: dict, count: int) -> list[subprocess.Popen]:
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="production", MAIL_SERVER="127.0.0.1",
               MAIL_PORT=str(sink_port), JOBS_IMMEDIATE="", **queue)
    return [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "2"], cwd=ROOT,
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for _ in range(count)]


def _stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGINT)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def _wait_for(sink, count: int, workers) -> None:
    began = time.perf_counter()
    while sink.snapshot()["received"] < count:
        if time.perf_counter() - began > TIMEOUT:
            raise RuntimeError(f"only {sink.snapshot()['received']} of {count} mails in {TIMEOUT} s")
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("a worker stopped: " + next(w.stderr.read() for w in workers if w.poll() is not None))
        time.sleep(0.02)


def _message(number: int) -> str:
    message = EmailMessage()
    message["From"], message["To"] = "Alumni Commons <noreply@bench.invalid>", f"person{number}@example.org"
    message["Subject"] = f"Neuigkeiten aus dem Verein ({number})"
    message.set_content("Liebe Mitglieder,\n\n" + "das Sommerfest findet am Rhein statt. " * 40 + "\n")
    return message.as_string()


def throughput(kind: str, args, sink, worker_count: int) -> dict:
    from app import jobs
    from app.extensions import db
    from app.models.mail import OutgoingMail

    queue = _queue_settings(kind, f"mail{worker_count}")
    app, url = _app(kind, args, queue)
    with app.app_context():
        version = server_version(db.engine)
    workers = _workers(url, sink.port, queue, worker_count)
    try:
        time.sleep(3)  # the workers are up and idle: the measurement is sending, not starting Python
        sink.reset()
        began = time.perf_counter()
        with app.app_context():  # as requests do: store the rows, commit, hand their ids to the queue
            for start in range(0, MAILS, JOB_SIZE):
                rows = [{"recipient": f"person{n}@example.org", "subject": "Neuigkeiten", "message": _message(n),
                         "attempts": 0} for n in range(start, start + JOB_SIZE)]
                ids = list(db.session.scalars(insert(OutgoingMail).returning(OutgoingMail.id), rows))
                db.session.commit()
                jobs.deliver_mail(ids)
        _wait_for(sink, MAILS, workers)
        seconds = time.perf_counter() - began
        time.sleep(1)  # a duplicate would arrive now
    finally:
        _stop(workers)
    with app.app_context():
        unsent = db.session.scalar(select(func.count()).select_from(OutgoingMail).where(OutgoingMail.sent_at.is_(None)))
        db.engine.dispose()
    received = sink.snapshot()
    return {"version": version, "workers": worker_count, "queue": "redis" if queue["REDIS_URL"] else "sqlite",
            "mails": MAILS, "seconds": round(seconds, 2), "mails_per_second": round(MAILS / seconds, 1),
            "received": received["received"], "distinct_recipients": received["distinct_recipients"],
            "unsent": unsent, "passed": received["received"] == received["distinct_recipients"] == MAILS and not unsent}


def _subscribers(app) -> None:
    from werkzeug.security import generate_password_hash

    from app.extensions import db
    from app.models.notification import MailPreference
    from app.models.types import utcnow
    from app.models.user import User
    from bench.digest_data import _users

    now = utcnow()
    users = _users(SUBSCRIBERS, now, generate_password_hash("bench-not-secret", method="scrypt:1024:8:1"))
    with app.app_context(), db.engine.begin() as conn:
        for start in range(0, SUBSCRIBERS, 1000):
            conn.execute(insert(User.__table__), users[start:start + 1000])
            conn.execute(insert(MailPreference.__table__), [
                {"user_id": user["id"], "kind": "news", "mode": "daily", "sent_until": now - timedelta(days=1)}
                for user in users[start:start + 1000]])
        if conn.dialect.name == "postgresql":
            from bench.seed import _advance_sequences

            _advance_sequences(conn, (User.__table__,))


def announcement(kind: str, args, sink) -> dict:
    from app import jobs
    from app.extensions import db
    from app.models.post import PostKind, Visibility
    from app.models.user import User
    from app.services import announcements
    from app.services.posts import create_post

    queue = _queue_settings(kind, "announcement")
    app, url = _app(kind, args, queue)
    progress(f"mail/{kind}: seeding {SUBSCRIBERS:,} news subscribers")
    _subscribers(app)
    workers = _workers(url, sink.port, queue, 1)
    try:
        time.sleep(3)
        sink.reset()
        began = time.perf_counter()
        with app.test_request_context(base_url="https://bench.alumni-commons.invalid"):
            admin = db.session.get(User, 1)
            post = create_post(admin, kind=PostKind.NEWS, title="Sommerfest am Rhein", body="Wir feiern **alle**.",
                               category=None, visibility=Visibility.PUBLIC, public_teaser=False, pinned=False)
            db.session.flush()
            total = announcements.start(admin, post).total
            db.session.commit()
            jobs.send_announcements()  # what the worker's minute schedule would start; here at once
        _wait_for(sink, total, workers)
        seconds = time.perf_counter() - began
    finally:
        _stop(workers)
    with app.app_context():
        db.engine.dispose()
    received = sink.snapshot()
    return {"subscribers": SUBSCRIBERS, "recipients": total, "seconds": round(seconds, 1),
            "mails_per_second": round(total / seconds, 1), "received": received["received"],
            "passed": received["received"] == received["distinct_recipients"] == total}


def run_database(kind: str, args) -> dict:
    from bench.smtp_sink import smtp_sink

    try:
        if kind == "postgres":
            postgres_url(False, args.postgres_url)
    except Unavailable as error:
        progress(f"mail/{kind}: skipped — {error}")
        return {"skipped": str(error)}
    results: dict = {"throughput": {}}
    with smtp_sink() as sink:
        for count in (1, 2):
            progress(f"mail/{kind}: {MAILS:,} mails, {count} worker process(es)")
            results["throughput"][str(count)] = run = throughput(kind, args, sink, count)
            progress(f"mail/{kind}: {count} worker(s): {run['mails_per_second']} mails/s ({run['seconds']} s)")
        progress(f"mail/{kind}: announcement to {SUBSCRIBERS:,} people, one worker")
        results["announcement"] = run = announcement(kind, args, sink)
        progress(f"mail/{kind}: announcement: {run['recipients']:,} mails in {run['seconds']} s")
    results["passed"] = all(run["passed"] for run in results["throughput"].values()) and \
        results["announcement"]["passed"]
    return results


def table(results: dict) -> str:
    lines = [f"Mail · real `flask worker` processes (2 threads each) → SMTP sink on 127.0.0.1 · {MAILS:,} stored mails "
             f"in jobs of {JOB_SIZE}; an announcement to {SUBSCRIBERS:,} subscribers with one worker"]
    for name, db in results["mail"].items():
        if "skipped" in db:
            lines.append(f"  {name}: skipped — {db['skipped']}")
            continue
        for count, run in db["throughput"].items():
            lines.append(f"  {name}: {count} worker(s), queue in {run['queue']}: {run['mails_per_second']} mails/s "
                         f"({run['mails']:,} in {run['seconds']} s; received {run['received']:,}, "
                         f"{run['distinct_recipients']:,} distinct, {run['unsent']} unsent)")
        run = db["announcement"]
        lines.append(f"  {name}: announcement: {run['recipients']:,} mails in {run['seconds']} s "
                     f"({run['mails_per_second']} mails/s), received {run['received']:,}"
                     f" — {'passed' if db['passed'] else 'FAILED'}")
    return "\n".join(lines)
