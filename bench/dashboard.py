"""The dashboard bench (`--suite dashboard`): the organizers' dashboard at the feed's size, in-process.

The feed's data set (bench/dataset.py: 200 users, 10,000 posts, 6,000 comments, 20,000 likes), with the users'
registrations and mail opt-ins spread over the year, plus what the dashboard counts beyond it: 160 events
with sign-ups, waitlists and cancellations, 300 reports, 40 membership applications, 60 role changes to
member, mail preferences and four goals (weekly and monthly, so both period kinds are computed on each page).
Then the dashboard (weeks and months) and a CSV download are requested as the admin with the Flask test
client: statements per page and the median of 5 timed requests alone (bench/queries.py); target < 200 ms.

Databases: `bench/results/bench-dashboard.sqlite` and PostgreSQL `bench_dash` (`--postgres-url` or
$BENCH_DASHBOARD_POSTGRES_URL to change it), both recreated on every run.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta

from bench.databases import RESULTS, Unavailable, postgres_url, server_version, sqlite_url

TARGET_MS = 200.0
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_dash"
ADMIN_ID = 1  # dataset._users: the admin
EVENTS, REPORTS, APPLICATIONS, NEW_MEMBERS = 160, 300, 40, 60
PAGES = {"weeks": "/organizer/?period=week", "months": "/organizer/?period=month",
         "csv": "/organizer/export/active_people.csv?period=month"}


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _app(kind: str, args):
    from app import create_app
    from bench import seed

    if kind == "sqlite":
        url = sqlite_url(True, RESULTS / "bench-dashboard.sqlite")
    else:
        url = postgres_url(True, args.postgres_url or os.environ.get("BENCH_DASHBOARD_POSTGRES_URL")
                           or DEFAULT_POSTGRES_URL)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    seed.migrate(app)
    return app


def _rows(now, rng: random.Random, users: int) -> dict:
    """What the dashboard counts beyond posts, comments and likes, as rows for Core inserts."""
    year = now - timedelta(days=365)
    events, signups = [], []
    for number in range(1, EVENTS + 1):
        starts = year + timedelta(days=375 * number / EVENTS)  # the last few lie ahead
        capacity = None if number % 7 == 0 else rng.choice((20, 30, 50, 80))
        people = rng.sample(range(2, users + 1), rng.randint(5, 60))
        confirmed = people if capacity is None else people[:capacity]
        for position, user_id in enumerate(people):
            status = "confirmed" if user_id in confirmed else "waitlisted"
            cancelled = status == "confirmed" and rng.random() < 0.1
            queued = starts - timedelta(days=rng.uniform(1, 30))
            signups.append({"event_id": number, "user_id": user_id, "status": "cancelled" if cancelled else status,
                            "guests": 0, "note": "", "queued_at": queued + timedelta(seconds=position),
                            "cancelled_at": queued + timedelta(days=1) if cancelled else None})
        taken = sum(1 for s in signups if s["event_id"] == number and s["status"] == "confirmed")
        events.append({"id": number, "title": f"Event {number}", "description_source": "", "description_html": "",
                       "starts_at": starts, "ends_at": starts + timedelta(hours=3), "timezone": "Europe/Berlin",
                       "place": "Campus", "online_url": "", "visibility": "public", "capacity": capacity,
                       "seats_taken": taken, "waitlist_enabled": True, "max_guests": 0, "note_label": "",
                       "created_by_id": 2, "created_at": starts - timedelta(days=40)})
    reports = []
    for number in range(REPORTS):
        created = year + timedelta(days=365 * number / REPORTS)
        resolved = created + timedelta(hours=rng.uniform(0.5, 96)) if rng.random() < 0.9 else None
        reports.append({"post_id": rng.randint(1, 9_999), "reason": "spam", "note": "", "created_at": created,
                        "resolved_at": resolved, "resolution": "dismissed" if resolved else None})
    applications = [{"user_id": 71 + n, "programme": "Informatik", "message": "", "reason": "",
                     "status": "pending" if n < 8 else "approved",
                     "created_at": now - timedelta(days=rng.uniform(0, 60))} for n in range(APPLICATIONS)]
    audit = [{"created_at": year + timedelta(days=365 * n / NEW_MEMBERS), "actor_id": 2, "subject_id": 12 + n,
              "action": "membership.approved", "old_value": "alumnus", "new_value": "member"}
             for n in range(NEW_MEMBERS)]
    modes = ("immediately", "daily", "weekly", "off")
    preferences = [{"user_id": user_id, "kind": kind, "mode": rng.choice(modes), "sent_until": now}
                   for user_id in range(1, users + 1, 2) for kind in ("news", "events", "reminders")]
    goals = [{"metric": metric, "target": target, "period": period, "created_by_id": ADMIN_ID, "created_at": now}
             for metric, target, period in (("active_people", 40, "month"), ("first_reply_max_hours", 48, "week"),
                                            ("fill_rate", 60, "month"), ("registrations", 3, "week"))]
    return {"events": events, "registrations": signups, "reports": reports, "membership_applications": applications,
            "audit_entries": audit, "mail_preferences": preferences, "goals": goals}


def seed(app) -> dict:
    """The feed's data set, then the dashboard's extras; returns the sizes counted from the database."""
    from sqlalchemy import bindparam, func, insert, select, update

    from app.extensions import db
    from app.models.types import utcnow
    from app.models.user import User
    from bench import dataset
    from bench import seed as feed_seed

    began = time.perf_counter()
    feed_seed.seed(app)
    now, rng = utcnow(), random.Random(15)
    tables = {table.name: table for table in db.metadata.sorted_tables}
    with app.app_context(), db.engine.begin() as conn:
        # Registrations and opt-ins over the last year, so each week and month has some.
        conn.execute(update(User.__table__).where(User.__table__.c.id == bindparam("uid"))
                     .values(created_at=bindparam("created"), mail_consent_at=bindparam("consent")),
                     [{"uid": uid, "created": now - timedelta(days=365 * (1 - uid / dataset.USERS)),
                       "consent": now - timedelta(days=rng.uniform(0, 300)) if uid % 3 == 0 else None}
                      for uid in range(1, dataset.USERS + 1)])
        for name, rows in _rows(now, rng, dataset.USERS).items():
            conn.execute(insert(tables[name]), rows)
        if conn.dialect.name == "postgresql":
            feed_seed._advance_sequences(conn, (tables["events"],))
        sizes = {name: conn.execute(select(func.count()).select_from(tables[name])).scalar_one()
                 for name in ("users", "posts", "comments", "post_likes", "comment_likes", "events", "registrations",
                              "reports", "membership_applications", "audit_entries", "mail_preferences", "goals")}
    with app.app_context():
        feed_seed._analyze(db.engine)
    return sizes | {"seed_seconds": round(time.perf_counter() - began, 1)}


def run_database(kind: str, args) -> dict:
    from app.extensions import db
    from bench.queries import measure
    from bench.report import cpu_busy

    try:
        app = _app(kind, args)
    except Unavailable as error:
        progress(f"dashboard/{kind}: skipped — {error}")
        return {"skipped": str(error)}
    progress(f"dashboard/{kind}: seeding")
    sizes = seed(app)
    with app.app_context():
        version = server_version(db.engine)
    other_cpu = cpu_busy()  # we are idle now: whatever is busy belongs to someone else
    progress(f"dashboard/{kind}: timing the pages (CPU busy beforehand: {other_cpu}%)")
    pages = measure(app, PAGES, ADMIN_ID)
    with app.app_context():
        db.engine.dispose()
    return {"version": version, "sizes": sizes, "pages": pages, "cpu_busy_before_pct": other_cpu}


def table(results: dict) -> str:
    from bench.report import _row

    lines = [f"Dashboard · in-process as the admin, median of 5 requests alone (target < {TARGET_MS:g} ms)"]
    widths = (12, 8, 7, 7, 9, 7, 8)
    lines.append(_row(("database", "page", "status", "stmts", "alone ms", "SQL ms", "KB"), widths))
    for name, db in results["dashboard"].items():
        if "skipped" in db:
            lines.append(f"{name}: skipped — {db['skipped']}")
            continue
        for page, run in db["pages"].items():
            lines.append(_row((name, page, run["status"], run["queries"], run["in_process_ms"], run["sql_ms"],
                               round(run["bytes"] / 1024)), widths))
        sizes = db["sizes"]
        lines.append(f"  {db['version']}: {sizes['users']} users, {sizes['posts']:,} posts, {sizes['comments']:,} "
                     f"comments, {sizes['post_likes'] + sizes['comment_likes']:,} likes, {sizes['events']} events, "
                     f"{sizes['registrations']:,} sign-ups, {sizes['reports']} reports, {sizes['goals']} goals "
                     f"(seeded in {sizes['seed_seconds']} s); CPU busy with other work beforehand: "
                     f"{db['cpu_busy_before_pct']}%")
    return "\n".join(lines)


def failures(results: dict) -> list[str]:
    found = []
    for name, db in results.get("dashboard", {}).items():
        for page, run in db.get("pages", {}).items():
            if run["status"] != 200:
                found.append(f"dashboard/{name} {page}: status {run['status']}")
            elif run["in_process_ms"] >= TARGET_MS and page != "csv":
                found.append(f"dashboard/{name} {page}: {run['in_process_ms']} ms alone, target < {TARGET_MS:g} ms")
    return found
