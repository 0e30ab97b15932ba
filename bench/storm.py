"""The sign-up storm: 500 people sign up for 50 seats within a second, under gunicorn.

Per database: the schema from the migrations; 500 verified alumni and a volunteer who creates one
public event (capacity 50, waitlist on) through `app.services.events.create_event`; one logged-in
session per person; gunicorn with 4 sync workers and the production config, its mail going to the
bench's SMTP sink; then `bench.storm_client` in its own process prepares every person (event page,
CSRF token) and releases all 500 POSTs at once. Afterwards the database must hold exactly 50 confirmed
(seats_taken 50), 450 waitlisted, 500 signups and no duplicates; first come, first served (the
50 confirmed are the first 50 in queued_at order), waitlist places 1..450 in queued_at order, and the
place in each waitlist mail the place in the database.

Sessions are made the way Flask-Login's `login_user` leaves them (`_user_id` = "<id>:<session
version>", `_fresh`, `_id` for this client's address and User-Agent) and signed with the app's own
session serializer and SECRET_KEY, instead of 500 POSTs to /auth/login: that route allows 20 logins per
minute from one address (app/auth/routes.py), which would make preparing 500 people take 25 minutes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import func, insert, select

from bench.databases import RESULTS, Unavailable, postgres_url, server_version, sqlite_url
from bench.serving import ROOT, serving, wait_until_idle

PEOPLE = 500
SEATS = 50
WORKERS = 4
USER_AGENT = "alumni-bench-storm"
SQLITE_FILE = RESULTS / "bench-storm.sqlite"
PASSWORD = "bench-storm-password-not-secret"  # noqa: S105  a bench account's password, never used to log in


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed(app) -> dict:
    """Users by Core insert (a cheap scrypt hash: nobody logs in by password), events by the service."""
    from werkzeug.security import generate_password_hash

    from app.extensions import db
    from app.models.types import utcnow
    from app.models.user import User
    from app.services.events import EventDetails, create_event
    from bench.seed import _advance_sequences, _analyze

    began = time.perf_counter()
    now = utcnow()
    password_hash = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
    rows = [{"id": user_id, "email": f"storm{user_id}@example.org", "display_name": f"Storm Alumna {user_id}",
             "password_hash": password_hash, "role": "volunteer" if user_id == 1 else "alumnus", "locale": "en",
             "email_verified_at": now - timedelta(days=30), "suspended_at": None, "session_version": 1,
             "created_at": now - timedelta(days=30), "last_login_at": None, "handle": f"storm{user_id}"}
            for user_id in range(1, PEOPLE + 5)]  # the organizer, 500 in the storm, 3 for the counted sign-ups
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(insert(User.__table__), rows)
        if conn.dialect.name == "postgresql":
            _advance_sequences(conn, (User.__table__,))

    def details(title: str, capacity: int) -> EventDetails:
        starts = now + timedelta(days=14)
        return EventDetails(title=title, description="Bench event: a reunion dinner with limited seats.",
                            starts_at=starts, ends_at=starts + timedelta(hours=3), timezone="Europe/Berlin",
                            place="Aula", online_url="", visibility="public", capacity=capacity,
                            signup_opens_at=None, signup_closes_at=None, waitlist_enabled=True, max_guests=0,
                            note_label="")

    with app.test_request_context(base_url=app.config["SITE_URL"]):
        organizer = db.session.get(User, 1)
        storm = create_event(organizer, details("Sign-up storm: 50 seats", SEATS))
        # A second event with two seats, for counting the statements of one confirmed and one waitlisted sign-up.
        counted = create_event(organizer, details("Counted sign-ups: 2 seats", 2))
        db.session.commit()
        ids = {"storm_event_id": storm.id, "counted_event_id": counted.id}
    with app.app_context():
        _analyze(db.engine)
    return ids | {"seconds": round(time.perf_counter() - began, 1)}


def forge_sessions(app, user_ids: list[int]) -> list[str]:
    """Signed session cookies as after a login from 127.0.0.1 with our User-Agent (see the module doc)."""
    serializer = app.session_interface.get_signing_serializer(app)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": USER_AGENT}):
        identifier = app.login_manager._session_identifier_generator()
    return [serializer.dumps({"_user_id": f"{user_id}:1", "_fresh": True, "_id": identifier}) for user_id in user_ids]


class LockClock:
    """From the statement that locks the event row (`signups.lock_event`) to the commit: how long
    one sign-up holds the lock every other sign-up for the event waits on."""

    def __init__(self):
        self.locked = self.committed = None

    def before(self, conn, cursor, statement, parameters, context, executemany):
        locking = "FOR UPDATE" in statement or statement.startswith("UPDATE events SET seats_taken=events.seats_taken")
        if locking and self.locked is None:
            self.locked = time.perf_counter()

    def commit(self, conn):
        if self.locked is not None and self.committed is None:
            self.committed = time.perf_counter()

    def held_ms(self) -> float | None:
        return round((self.committed - self.locked) * 1000, 1) if self.locked and self.committed else None


def count_one_signup(app, event_id: int, user_ids: list[int]) -> dict:
    """Statements, in-process time and lock time of a real sign-up through the test client (CSRF included),
    one at a time with nothing else running: a warm-up sign-up (templates compiled, not counted) takes the
    first of two seats, the next person gets the second, the third goes on the waitlist."""
    from sqlalchemy import event

    from app.extensions import db
    from bench.queries import recording

    found = {}
    with app.app_context():
        engine = db.engine
    for label, user_id in zip(("warm-up", "confirmed", "waitlisted"), user_ids, strict=True):
        client = app.test_client()
        cookie = forge_sessions(app, [user_id])[0]
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie, domain="localhost")
        page = client.get(f"/events/{event_id}", headers={"User-Agent": USER_AGENT},
                          environ_base={"REMOTE_ADDR": "127.0.0.1"})
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
        clock = LockClock()
        event.listen(engine, "before_cursor_execute", clock.before)
        event.listen(engine, "commit", clock.commit)
        with recording(engine) as recorder:
            began = time.perf_counter()
            response = client.post(f"/events/{event_id}/signup", data={"csrf_token": token.group(1) if token else ""},
                                   headers={"User-Agent": USER_AGENT}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
            elapsed = time.perf_counter() - began
        event.remove(engine, "before_cursor_execute", clock.before)
        event.remove(engine, "commit", clock.commit)
        if label == "warm-up":
            continue
        found[label] = {"status": response.status_code, "queries": len(recorder.statements),
                        "in_process_ms": round(elapsed * 1000, 1), "sql_ms": round(recorder.sql_seconds * 1000, 1),
                        "lock_held_ms": clock.held_ms(), "statements": [s[:300] for s in recorder.statements]}
    return found


def verify(app, event_id: int, sink) -> dict:
    """What the database (and the mail sink) say after the storm."""
    from app.extensions import db
    from app.models.event import Event, Signup
    from app.services.signups import waitlist_position

    with app.app_context():
        event = db.session.get(Event, event_id)
        rows = db.session.scalars(select(Signup).where(Signup.event_id == event_id)
                                  .order_by(Signup.queued_at, Signup.id)).all()
        statuses = [r.status for r in rows]
        waitlisted = [r for r in rows if r.status == "waitlisted"]
        positions = [waitlist_position(r) for r in waitlisted]  # the app's own function, in queued_at order
        users = {r.id: r.user.email for r in rows}
        duplicates = db.session.scalar(select(func.count()).select_from(
            select(Signup.user_id).where(Signup.event_id == event_id)
            .group_by(Signup.user_id).having(func.count() > 1).subquery()))
        queued = [r.queued_at for r in rows]
        checks = {
            "signups": len(rows), "confirmed": statuses.count("confirmed"),
            "waitlisted": statuses.count("waitlisted"), "cancelled": statuses.count("cancelled"),
            "seats_taken": event.seats_taken, "capacity": event.capacity, "duplicate_users": duplicates,
            "distinct_users": len({r.user_id for r in rows}),
            "first_come_first_served": statuses == ["confirmed"] * SEATS + ["waitlisted"] * (len(rows) - SEATS),
            "waitlist_places_in_order": positions == list(range(1, len(waitlisted) + 1)),
            "equal_queued_at": len(queued) - len(set(queued)),
            "queued_span_ms": round((queued[-1] - queued[0]).total_seconds() * 1000, 1) if queued else None,
        }
        place_in_db = {users[r.id]: place for r, place in zip(waitlisted, positions, strict=True)}
    mails = [(rcpt, subject, body) for rcpt, subject, body in sink.messages if rcpt in set(users.values())]
    confirmed_mails = sum(subject.startswith("You are signed up") for _rcpt, subject, _body in mails)
    mailed_places = {}
    for rcpt, subject, body in mails:
        found = re.search(r"waitlist at place (\d+)", body)
        if subject.startswith("You are on the waitlist") and found:
            mailed_places[rcpt] = int(found.group(1))
    checks["mails"] = {"received": len(mails), "confirmations": confirmed_mails, "waitlist": len(mailed_places),
                       "waitlist_place_matches_db": mailed_places == place_in_db}
    checks["exact"] = (checks["signups"] == PEOPLE and checks["confirmed"] == SEATS
                       and checks["waitlisted"] == PEOPLE - SEATS and checks["seats_taken"] == SEATS
                       and duplicates == 0 and checks["first_come_first_served"]
                       and checks["waitlist_places_in_order"])
    return checks


def storm(base_url: str, event_id: int, cookies: list[str], cookie_name: str) -> dict:
    spec = {"base_url": base_url, "event_id": event_id, "cookie_name": cookie_name, "user_agent": USER_AGENT,
            "cookies": cookies}
    done = subprocess.run([sys.executable, "-m", "bench.storm_client"], cwd=ROOT, input=json.dumps(spec),
                          capture_output=True, text=True, check=True, timeout=600)
    return json.loads(done.stdout)


def run_database(kind: str, args) -> dict:
    from app import create_app
    from app.extensions import db
    from bench import seed as feed_seed
    from bench.report import cpu_busy
    from bench.smtp_sink import smtp_sink

    try:
        url = sqlite_url(True, SQLITE_FILE) if kind == "sqlite" else postgres_url(True, args.postgres_url)
    except Unavailable as error:
        progress(f"storm/{kind}: skipped — {error}")
        return {"skipped": str(error)}
    with smtp_sink(keep_bodies=True) as sink:
        mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.port)}
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": sink.port})
        progress(f"storm/{kind}: migrating and seeding {PEOPLE} people, one event with {SEATS} seats")
        feed_seed.migrate(app)
        seeded = seed(app)
        with app.app_context():
            version = server_version(db.engine)
        counted = count_one_signup(app, seeded["counted_event_id"], [PEOPLE + 2, PEOPLE + 3, PEOPLE + 4])
        cookies = forge_sessions(app, list(range(2, PEOPLE + 2)))
        with app.app_context():
            db.engine.dispose()
        sink.reset()
        results = {"url": url.split("@")[-1], "version": version, "seed_seconds": seeded["seconds"],
                   "workers": WORKERS, "people": PEOPLE, "seats": SEATS, "one_signup": counted}
        with serving(url, workers=WORKERS, worker_class="sync", log_file=RESULTS / f"gunicorn-storm-{kind}.log",
                     env=mail) as base_url:
            wait_until_idle(base_url)
            results["cpu_busy_before_pct"] = cpu_busy()
            progress(f"storm/{kind}: {PEOPLE} sign-ups at once against {WORKERS} workers "
                     f"(CPU busy beforehand: {results['cpu_busy_before_pct']}%)")
            try:
                results["load"] = storm(base_url, seeded["storm_event_id"], cookies,
                                        app.config["SESSION_COOKIE_NAME"])
            except (subprocess.SubprocessError, ValueError) as error:  # the client failed: say so, go on
                stderr = getattr(error, "stderr", "") or ""
                progress(f"storm/{kind}: the client FAILED: {error}\n{stderr[-2000:]}")
                return results | {"error": f"{error}\n{stderr[-2000:]}", "passed": False}
            deadline = time.monotonic() + 10  # mail is sent after each commit, before the response
            while sink.count < PEOPLE and time.monotonic() < deadline:
                time.sleep(0.1)
        results["checks"] = verify(app, seeded["storm_event_id"], sink)
        with app.app_context():
            db.engine.dispose()
    load, checks = results["load"], results["checks"]
    results["passed"] = checks["exact"] and load["errors"] == 0 and not load["prepare_errors"]
    progress(f"storm/{kind}: {load['ok']} ok, {load['errors']} errors, {load['rps']} req/s, p99 {load['p99_ms']} ms; "
             f"{checks['confirmed']} confirmed / {checks['waitlisted']} waitlisted → "
             f"{'exact' if checks['exact'] else 'WRONG'}")
    return results
