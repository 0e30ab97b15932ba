"""Child process of the digest bench: `python -m bench.digest_job --period daily`.

Runs the app's own `flask send-digests --period daily` command (the click command registered by
app/cli/mail_jobs.py, invoked in-process so it can be instrumented) against $DATABASE_URL, with mail going to
$MAIL_SERVER:$MAIL_PORT (the bench's SMTP sink). Measures, in this process only:

- wall time, split into composing (up to the commit) and sending (`app.mail.send_pending`, called
  by `send_queued` after the commit);
- peak RSS (`VmHWM` of /proc/self/status: this process's own high-water mark; `ru_maxrss` would
  also count the bench driver's memory, which Linux carries over through fork and exec), and the RSS
  before the command ran (app imported, nothing composed);
- every SQL statement (a `before_cursor_execute` listener; an executemany counts once), by phase,
  by verb, and the most frequent statement shapes; commits (engine `commit` events).

Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

_NUMBERS = re.compile(r"\b\d+\b")
_IN_LIST = re.compile(r"\((?:%\(\w+\)s|\?|__\[POSTCOMPILE_\w+\]|, )+\)")


def _status_kb(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process, in kB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _shape(statement: str) -> str:
    """A statement's shape: whitespace collapsed, literals and IN lists folded, so repeats group."""
    text = " ".join(statement.split())
    text = _IN_LIST.sub("(…)", _NUMBERS.sub("N", text))
    return text[:160]


class StatementCounter:
    def __init__(self):
        self.phase = "compose"
        self.statements: Counter = Counter()  # (phase, verb)
        self.shapes: Counter = Counter()
        self.commits: Counter = Counter()

    def before(self, conn, cursor, statement, parameters, context, executemany):
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
        self.statements[(self.phase, verb)] += 1
        self.shapes[(self.phase, _shape(statement))] += 1

    def commit(self, conn):
        self.commits[self.phase] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", choices=("daily", "weekly"), default="daily")
    args = parser.parse_args()

    import app.mail
    from app import create_app
    from app.extensions import db

    began = time.perf_counter()
    flask_app = create_app()
    counter = StatementCounter()
    marks: dict[str, float] = {}
    original_send_pending = app.mail.send_pending

    def send_pending(ids=None):
        """The phase boundary: send_queued calls this after the command's commit."""
        marks["send_started"] = time.perf_counter()
        marks["compose_peak_kb"] = _status_kb("VmHWM")
        counter.phase = "send"
        try:
            return original_send_pending(ids)
        finally:
            marks["send_finished"] = time.perf_counter()

    app.mail.send_pending = send_pending  # instrumentation only, in this process
    with flask_app.app_context():
        engine = db.engine
        from sqlalchemy import event

        with engine.connect():  # the pool's first connection, before the clock starts
            pass
        event.listen(engine, "before_cursor_execute", counter.before)
        event.listen(engine, "commit", counter.commit)
        command = flask_app.cli.commands["send-digests"]
        rss_before = _status_kb("VmRSS")
        out = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(out):
            command.main(args=["--period", args.period], standalone_mode=False)
        finished = time.perf_counter()
    output = out.getvalue().strip()
    match = re.search(r"(\d+) digests queued", output)
    send_started = marks.get("send_started", finished)
    by_phase = {phase: {verb: n for (p, verb), n in sorted(counter.statements.items()) if p == phase}
                for phase in ("compose", "send")}
    top = [{"phase": phase, "count": n, "statement": shape}
           for (phase, shape), n in counter.shapes.most_common(12)]
    print(json.dumps({
        "output": output, "queued": int(match.group(1)) if match else None,
        "seconds": round(finished - started, 2), "compose_seconds": round(send_started - started, 2),
        "send_seconds": round(finished - send_started, 2), "startup_seconds": round(started - began, 2),
        "peak_rss_mb": round(_status_kb("VmHWM") / 1024, 1),
        "peak_rss_compose_mb": round(marks.get("compose_peak_kb", _status_kb("VmHWM")) / 1024, 1),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_mb": round(rss_before / 1024, 1),
        "statements": sum(counter.statements.values()),
        "statements_by_phase": {phase: sum(verbs.values()) for phase, verbs in by_phase.items()},
        "statements_by_verb": by_phase, "commits": dict(counter.commits), "top_statements": top,
    }))


if __name__ == "__main__":
    sys.exit(main())
