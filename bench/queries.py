"""SQL statements per page, counted in-process with the Flask test client.

A `before_cursor_execute` listener on the engine sees every statement the request sends; the
timing listeners split each request's time into SQL and everything else (mostly templates), with
no network and no competing load, which tells where a slow page spends its time.
"""

from __future__ import annotations

import gc
import statistics
import time
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

TIMED_RUNS = 5


class Recorder:
    def __init__(self):
        self.statements: list[str] = []
        self.sql_seconds = 0.0
        self._started: list[float] = []

    def before(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(" ".join(statement.split()))
        self._started.append(time.perf_counter())

    def after(self, conn, cursor, statement, parameters, context, executemany):
        self.sql_seconds += time.perf_counter() - self._started.pop()

    def reset(self) -> None:
        self.statements, self.sql_seconds = [], 0.0


@contextmanager
def recording(engine):
    recorder = Recorder()
    event.listen(engine, "before_cursor_execute", recorder.before)
    event.listen(engine, "after_cursor_execute", recorder.after)
    try:
        yield recorder
    finally:
        event.remove(engine, "before_cursor_execute", recorder.before)
        event.remove(engine, "after_cursor_execute", recorder.after)


@contextmanager
def full_collections():
    """Python's full (generation 2) garbage collections meanwhile, in ms: a worker pays them inside requests too."""
    pauses, began = [], [0.0]

    def callback(phase: str, info: dict) -> None:
        if info["generation"] == 2 and phase == "start":
            began[0] = time.perf_counter()
        elif info["generation"] == 2:
            pauses.append(round((time.perf_counter() - began[0]) * 1000, 1))

    gc.callbacks.append(callback)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(callback)


def _log_in(client, user) -> None:
    """What Flask-Login stores after a login; the app's user loader checks the session version."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def client_for(app: Flask, user_id: int | None = None):
    """The app's engine and a test client, logged in as `user_id` when given."""
    from app.extensions import db
    from app.models.user import User

    with app.app_context():
        engine = db.engine
        user = db.session.get(User, user_id) if user_id is not None else None
    client = app.test_client()
    if user is not None:
        _log_in(client, user)
    return engine, client


def measure(app: Flask, pages: dict[str, str], user_id: int | None = None, runs: int = TIMED_RUNS) -> dict:
    """For each named page: status, the statements of one request, and median in-process timings (wall clock, and
    the CPU time of this process: `time.process_time`), as a visitor or (with `user_id`) logged in as that user."""
    engine, client = client_for(app, user_id)
    results: dict = {}
    for name, path in pages.items():
        client.get(path)  # the first request warms caches (templates, compiled SQL, catalogues)
        totals, cpu_times, sql_times = [], [], []
        with recording(engine) as recorder:
            for _ in range(runs):
                recorder.reset()
                began, cpu_began = time.perf_counter(), time.process_time()
                response = client.get(path)
                totals.append(time.perf_counter() - began)
                cpu_times.append(time.process_time() - cpu_began)
                sql_times.append(recorder.sql_seconds)
        results[name] = {
            "path": path, "status": response.status_code, "bytes": len(response.data),
            "queries": len(recorder.statements), "statements": [s[:2000] for s in recorder.statements],
            "in_process_ms": round(statistics.median(totals) * 1000, 2),
            "cpu_ms": round(statistics.median(cpu_times) * 1000, 2), "runs": runs,
            "sql_ms": round(statistics.median(sql_times) * 1000, 2),
        }
    return results
