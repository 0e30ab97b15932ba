"""The digest bench: `flask send-digests --period daily` for 1,000 and 10,000 people, run twice.

Per database and size: a fresh database from the migrations, the data set of `bench.digest_data`
bulk-inserted (Core, 1,000-row batches), then `python -m bench.digest_job` in its own process with
MAIL_SERVER pointing at the bench's SMTP sink. The first run must queue one digest for everybody
who has something new (computed from the data set beforehand) and the sink must receive exactly
those; the second run, right after, must queue and send nothing (exactly once). Then the database is
checked: one digest claim per subscriber and period, every queued mail sent once.

The statements of the two sizes show what grows with the number of batches (`digests.BATCH` = 500
people) and what grows with the number of people.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from sqlalchemy import func, insert, select

from bench.databases import RESULTS, Unavailable, postgres_url, server_version, sqlite_url
from bench.serving import ROOT

SIZES = (1_000, 10_000)
SQLITE_FILE = RESULTS / "bench-digests.sqlite"
JOB_TIMEOUT = 900


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed(app, users: int, backlog_days: int = 1) -> tuple[dict, float]:
    from werkzeug.security import generate_password_hash

    from app.extensions import db
    from app.models.notification import Follow, MailPreference, Notification
    from app.models.post import Category, Comment, Post
    from app.models.types import utcnow
    from app.models.user import User
    from bench import digest_data
    from bench.seed import BATCH, _advance_sequences, _analyze

    began = time.perf_counter()
    password_hash = generate_password_hash("bench-digest-not-secret", method="scrypt:1024:8:1")
    data = digest_data.build(users, utcnow(), password_hash, backlog_days=backlog_days)
    tables = ((User, data.users), (Category, data.categories), (Post, data.posts), (Comment, data.comments),
              (Follow, data.follows), (Notification, data.notifications), (MailPreference, data.mail_preferences))
    with app.app_context(), db.engine.begin() as conn:
        for model, rows in tables:
            for start in range(0, len(rows), BATCH):
                conn.execute(insert(model.__table__), rows[start:start + BATCH])
        if conn.dialect.name == "postgresql":
            _advance_sequences(conn, (User.__table__, Category.__table__, Post.__table__, Comment.__table__))
    with app.app_context():
        _analyze(db.engine)
    return data.sizes(), time.perf_counter() - began


def job(url: str, sink_port: int) -> dict:
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="production", MAIL_SERVER="127.0.0.1",
               MAIL_PORT=str(sink_port), PYTHONUNBUFFERED="1")
    done = subprocess.run([sys.executable, "-m", "bench.digest_job", "--period", "daily"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=JOB_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"the digest job failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def check_database(app) -> dict:
    from app.extensions import db
    from app.models.mail import OutgoingMail
    from app.models.notification import DigestClaim, MailPreference

    def count(*what, where=()):
        return db.session.scalar(select(func.count()).select_from(*what).where(*where))

    with app.app_context():
        per_person = (select(func.count().label("n")).select_from(DigestClaim)
                      .group_by(DigestClaim.user_id, DigestClaim.period).subquery())
        result = {"digest_claims": count(DigestClaim),
                  "claims_per_person_and_period": db.session.scalar(select(func.max(per_person.c.n))) or 0,
                  "outgoing_mail": count(OutgoingMail),
                  "unsent": count(OutgoingMail, where=(OutgoingMail.sent_at.is_(None),)),
                  "sent_more_than_once": count(OutgoingMail, where=(OutgoingMail.attempts > 1,)),
                  "cursors_moved": count(MailPreference, where=(
                      MailPreference.sent_until > select(func.min(MailPreference.sent_until)).scalar_subquery(),))}
        db.engine.dispose()
    return result


def run_size(kind: str, users: int, args, sink) -> dict:
    from app import create_app
    from app.extensions import db
    from bench import seed as feed_seed
    from bench.report import quiet_cpu

    url = sqlite_url(True, SQLITE_FILE) if kind == "sqlite" else postgres_url(True, args.postgres_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    feed_seed.migrate(app)
    progress(f"digests/{kind}: seeding {users:,} people")
    sizes, seconds = seed(app, users, args.digest_backlog)
    with app.app_context():
        version = server_version(db.engine)
        db.engine.dispose()
    result = {"version": version, "sizes": sizes, "seed_seconds": round(seconds, 1), "runs": []}
    for attempt in ("first", "second"):
        sink.reset()
        busy = quiet_cpu()
        progress(f"digests/{kind}: {users:,} people, {attempt} run (CPU busy beforehand: {busy}%)")
        run = job(url, sink.port)
        run.update(attempt=attempt, cpu_busy_before_pct=busy, sink=sink.snapshot())
        run["statements_per_person"] = round(run["statements"] / users, 2)
        result["runs"].append(run)
    result["database"] = check_database(app)
    first, second = result["runs"]
    expected = sizes["expected_digests"]
    result["checks"] = {
        "first_queued_expected": first["queued"] == expected,
        "first_all_received": first["sink"]["received"] == first["queued"] == first["sink"]["distinct_recipients"],
        "second_run_nothing": second["queued"] == 0 and second["sink"]["received"] == 0,
        "one_claim_per_person": result["database"]["digest_claims"] == users
        and result["database"]["claims_per_person_and_period"] == 1,
        "all_sent_once": result["database"]["unsent"] == 0 and result["database"]["sent_more_than_once"] == 0
        and result["database"]["outgoing_mail"] == expected,
    }
    result["passed"] = all(result["checks"].values())
    progress(f"digests/{kind}: {users:,} people → {first['queued']} digests (expected {expected}) in "
             f"{first['seconds']} s, {first['statements']:,} statements, peak RSS {first['peak_rss_mb']} MB; "
             f"second run {second['queued']} queued")
    return result


def run_database(kind: str, args) -> dict:
    from bench.smtp_sink import smtp_sink

    try:
        if kind == "postgres":
            postgres_url(False, args.postgres_url)  # reachable?
    except Unavailable as error:
        progress(f"digests/{kind}: skipped — {error}")
        return {"skipped": str(error)}
    results = {"sizes": {}}
    with smtp_sink() as sink:
        for users in args.digest_users:
            try:
                results["sizes"][str(users)] = run_size(kind, users, args, sink)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:  # the job failed: say so, go on
                progress(f"digests/{kind}: {users:,} people FAILED: {error}")
                results["sizes"][str(users)] = {"error": str(error)[-3000:], "passed": False}
    results["passed"] = all(size["passed"] for size in results["sizes"].values())
    results["scaling"] = scaling({key: size for key, size in results["sizes"].items() if "error" not in size})
    return results


def scaling(sizes: dict) -> dict:
    """First runs, smallest vs largest size: what grows with the batches, what with the people."""
    if len(sizes) < 2:
        return {}
    keys = sorted(sizes, key=int)
    small, large = sizes[keys[0]], sizes[keys[-1]]
    a, b = small["runs"][0], large["runs"][0]

    def per_mail_ms(run: dict) -> float | None:
        return round(run["send_seconds"] / run["queued"] * 1000, 1) if run["queued"] else None

    return {"people": (small["sizes"]["users"], large["sizes"]["users"]),
            "digests": (a["queued"], b["queued"]),
            "statements": (a["statements"], b["statements"]),
            "statements_per_person": (a["statements_per_person"], b["statements_per_person"]),
            "compose_selects": (a["statements_by_verb"]["compose"].get("SELECT", 0),
                                b["statements_by_verb"]["compose"].get("SELECT", 0)),
            "send_ms_per_mail": (per_mail_ms(a), per_mail_ms(b)),
            "seconds": (a["seconds"], b["seconds"])}
