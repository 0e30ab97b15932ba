"""The job queue (Huey), chosen per app: tests and JOBS_IMMEDIATE run each job at once in the calling
process; otherwise jobs go to Redis (REDIS_URL) or to a SQLite file (JOBS_SQLITE) and `flask worker` runs them.
The tasks themselves are in app.jobs; this module is the plumbing they and /healthz share.

Why Huey: a small, well-kept task queue whose SQLite storage runs the embedded default (`make run`) without
Redis, whose Redis storage serves several hosts, and which schedules periodic tasks and holds locks itself.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Flask
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

# results=False: nothing reads a job's return value, so none is kept (the store would only grow).
huey = Huey("alumni-commons", results=False, immediate=True, storage_class=MemoryStorage, utc=True)
PERIODIC = ("mail", "notifications", "announcements", "reminders", "daily-digest", "weekly-digest", "clean-up",
            "erase-accounts", "end-sanctions", "forget-poll-voters", "remind-expiring-offers", "push", "heartbeat")


def configure(app: Flask) -> None:
    """Point the queue at this app's storage (called by create_app)."""
    huey.immediate = app.config["JOBS_IMMEDIATE"]
    if huey.immediate:
        return
    if app.config["REDIS_URL"]:
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": app.config["REDIS_URL"]}
    else:
        path = Path(app.config["JOBS_SQLITE"])
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": str(path)}
    huey.storage = huey.create_storage()


def record_run(name: str, started: datetime, outcome: str) -> None:
    huey.storage.put_data(f"last-run:{name}", f"{started.isoformat()}|{outcome}".encode())


def last_runs() -> dict[str, tuple[str, str]]:
    """(started, outcome) of each periodic job's last run, for the admins' page and /healthz."""
    runs = {}
    for name in PERIODIC:
        raw = huey.storage.peek_data(f"last-run:{name}")
        if isinstance(raw, bytes):
            started, _, outcome = raw.decode().partition("|")
            runs[name] = (started, outcome)
    return runs


def pending_count() -> int:
    return 0 if huey.immediate else huey.pending_count()
