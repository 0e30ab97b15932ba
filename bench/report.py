"""The results: targets checked, a table on stdout, and a JSON file under bench/results/."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

# From the issue: the feed keeps at least 40 % of the bare endpoint's rate, and the
# 1,000-comment thread answers within 300 ms at the 99th percentile.
FEED_SHARE_OF_CEILING = 0.40
THREAD_P99_MS = 300.0
# Search: every query type answers within 100 ms at the 99th percentile, alone (in-process).
SEARCH_P99_MS = 100.0

BUSY_WARNING_PCT = 15.0
TARGET_LABELS = {"ceiling": "bare endpoint (ceiling)", "feed": "feed /", "thread": "thread (1,000 comments)"}


def machine() -> dict:
    from importlib.metadata import version

    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": sys.version.split()[0],
            "platform": platform.platform(), "gunicorn": version("gunicorn"), "flask": version("flask"),
            "sqlalchemy": version("sqlalchemy"), "app_commit": app_commit()}


def app_commit() -> str | None:
    """The commit the app was measured at, "+changes" when app/, migrations/ or config.py differ from it."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                                check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "app", "migrations", "config.py"], cwd=root,
                               capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+changes" if dirty else "")


def cpu_busy(seconds: float = 0.5) -> float | None:
    """Percent of all CPUs busy over a short idle moment of our own (Linux /proc/stat): the share
    taken by other processes, which a shared 2-core machine cannot hide from the numbers."""
    def sample():
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    try:
        total_before, idle_before = sample()
        time.sleep(seconds)
        total_after, idle_after = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total_after - total_before
    return round(100 * (1 - (idle_after - idle_before) / total), 1) if total else None


def quiet_cpu(timeout: float = 15.0) -> float | None:
    """Wait (up to `timeout` s) until other work has stopped using the CPUs, e.g. the kernel writing back
    a freshly seeded database; returns the last `cpu_busy` reading."""
    deadline = time.monotonic() + timeout
    busy = cpu_busy()
    while busy is not None and busy > BUSY_WARNING_PCT and time.monotonic() < deadline:
        busy = cpu_busy()
    return busy


def check_targets(load: dict) -> dict:
    ceiling, feed, thread = load.get("ceiling"), load.get("feed"), load.get("thread")
    checks = {}
    if ceiling and feed and ceiling["rps"]:
        share = feed["rps"] / ceiling["rps"]
        checks["feed_share_of_ceiling"] = {"value": round(share, 3), "target": f">= {FEED_SHARE_OF_CEILING:.0%}",
                                           "met": share >= FEED_SHARE_OF_CEILING}
    if thread and thread["p99_ms"] is not None:
        checks["thread_p99_ms"] = {"value": thread["p99_ms"], "target": f"< {THREAD_P99_MS:.0f} ms",
                                   "met": thread["p99_ms"] < THREAD_P99_MS and thread["errors"] == 0}
    return checks


def _row(cells, widths) -> str:
    pairs = enumerate(zip(cells, widths, strict=True))
    return "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in pairs)


def table(results: dict) -> str:
    """The printed report: one section per suite that ran."""
    sections = [f"App at {results['machine'].get('app_commit') or 'an unknown commit'}"
                + (f" — WARNING: {results['warning']}" if results.get("warning") else "")]
    if "databases" in results:
        sections.append(feed_table(results))
    if "storm" in results:
        sections.append(storm_table(results))
    if "digests" in results:
        sections.append(digests_table(results))
    if "mail" in results:
        from bench import mail

        sections.append(mail.table(results))
    if "search" in results:
        from bench import search

        sections.append(search.table(results))
    if "dashboard" in results:
        from bench import dashboard

        sections.append(dashboard.table(results))
    if "pages" in results:
        from bench import pages

        sections.append(pages.table(results))
    return "\n\n".join(sections)


def feed_table(results: dict) -> str:
    lines = []
    settings = results["settings"]
    lines.append(f"Alumni Commons bench · {results['machine']['nproc']} CPUs ({results['machine']['cpu']}) · "
                 f"gunicorn {settings['workers']} {settings['worker_class']} workers · concurrency "
                 f"{settings['concurrency']} · {settings['duration']} s measured after {settings['warmup']} s warm-up")
    lines.append("Client and server share the same CPUs: the numbers are for comparison, not capacity planning.")
    for name, db in results["databases"].items():
        lines.append("")
        if "skipped" in db:
            lines.append(f"{name}: skipped — {db['skipped']}")
            continue
        sizes = db["sizes"]
        lines.append(f"{name} ({db['version']}): {sizes['posts']:,} posts, {sizes['users']} users, "
                     f"{sizes['comments']:,} comments; thread post {sizes['thread_post_id']} has "
                     f"{sizes['thread_comments']:,} comments, depth ≤ {sizes['thread_max_depth']}")
        widths = (26, 8, 8, 8, 8, 6, 6, 7, 9, 9, 6)
        lines.append(_row(("target", "req/s", "p50 ms", "p99 ms", "max ms", "n", "errors", "queries", "alone ms",
                           "of it SQL", "busy%"), widths))
        for key, label in TARGET_LABELS.items():
            run = db["load"].get(key)
            if run is None:
                continue
            counted = db["queries"].get(f"visitor:{key}", {})
            lines.append(_row((label, f"{run['rps']:.1f}", run["p50_ms"], run["p99_ms"], run["max_ms"],
                               run["requests"], run["errors"], counted.get("queries", "-"),
                               counted.get("in_process_ms", "-"), counted.get("sql_ms", "-"),
                               run.get("cpu_busy_before_pct", "-")), widths))
        # Pages only counted in-process (a deep feed page, a logged-in member): no load figures.
        loaded = {f"visitor:{key}" for key in db["load"]}
        for key, counted in db["queries"].items():
            if key not in loaded:
                lines.append(_row((f"  {key}", "", "", "", "", "", "", counted["queries"],
                                   counted["in_process_ms"], counted["sql_ms"], ""), widths))
        if "warning" in db.get("checked", {}):
            lines.append(f"  WARNING: {db['checked']['warning']}")
        for name_, check in db["targets"].items():
            value = f"{check['value']:.1%}" if name_ == "feed_share_of_ceiling" else f"{check['value']} ms"
            lines.append(f"  target {name_}: {value} (want {check['target']}) → {'MET' if check['met'] else 'MISSED'}")
    lines.append("")
    lines.append("n: requests completed in the window. queries: SQL statements for one request (test client, "
                 "in-process). alone ms / of it SQL: median in-process time of one request with no load, and its "
                 "SQL part. busy%: CPU used by other processes just before the run (our server idle).")
    busiest = max((run.get("cpu_busy_before_pct") or 0 for db in results["databases"].values()
                   for run in db.get("load", {}).values()), default=0)
    if busiest > BUSY_WARNING_PCT:
        lines.append(f"WARNING: up to {busiest}% of the CPUs were busy with other work before a run: "
                     "those numbers are depressed; rerun on a quiet machine.")
    return "\n".join(lines)


def storm_table(results: dict) -> str:
    settings = results["settings"]["storm"]
    lines = [f"Sign-up storm · {settings['people']} people, {settings['seats']} seats, waitlist on · gunicorn "
             f"{settings['workers']} {settings['worker_class']} workers, production config · every POST released at "
             "once from one client process (a thread and a connection each)"]
    widths = (11, 7, 7, 7, 7, 5, 6, 9, 10, 5, 5, 6, 6, 6, 5)
    lines.append(_row(("database", "req/s", "p50 ms", "p99 ms", "max ms", "ok", "errors", "confirmed", "waitlisted",
                       "seats", "dupes", "FIFO", "places", "mails", "busy%"), widths))
    notes = []
    for name, run in results["storm"].items():
        if "skipped" in run or "error" in run:
            lines.append(f"{name}: skipped — {run['skipped']}" if "skipped" in run
                         else f"{name}: FAILED — {run['error'].strip().splitlines()[0]}")
            continue
        load, checks = run["load"], run["checks"]
        lines.append(_row((name, f"{load['rps']:.1f}", load["p50_ms"], load["p99_ms"], load["max_ms"], load["ok"],
                           load["errors"], checks["confirmed"], checks["waitlisted"], checks["seats_taken"],
                           checks["duplicate_users"], "yes" if checks["first_come_first_served"] else "NO",
                           "yes" if checks["waitlist_places_in_order"] else "NO", checks["mails"]["received"],
                           run.get("cpu_busy_before_pct", "-")), widths))
        one = run["one_signup"]
        verdict = "EXACT" if run["passed"] else "WRONG"
        notes.append(f"  {name} ({run['version']}): {verdict} — {checks['signups']} sign-ups; all "
                     f"{load['clients']} requests written within {load['release_spread_ms']} ms of the release, "
                     f"the last answer after {load['seconds']} s, CPUs "
                     f"{load.get('cpu_busy_during_pct', '-')}% busy meanwhile; one sign-up alone: "
                     f"{one['confirmed']['queries']} statements / {one['confirmed']['in_process_ms']} ms / event "
                     f"locked {one['confirmed'].get('lock_held_ms')} ms (confirmed), {one['waitlisted']['queries']} / "
                     f"{one['waitlisted']['in_process_ms']} / {one['waitlisted'].get('lock_held_ms')} ms (waitlisted)"
                     + (f"; prepare errors {load['prepare_errors']}" if load["prepare_errors"] else "")
                     + ("" if checks["mails"]["waitlist_place_matches_db"] else "; WAITLIST MAIL PLACES DIFFER"))
    lines += notes
    lines.append("req/s: 500 sign-ups / (last answer − release). Latency counted from the release, connect included. "
                 "FIFO: the confirmed are the first 50 by queued_at; places: waitlist places 1..450 in queued_at "
                 "order (the app's waitlist_position); mails: received by the SMTP sink.")
    return "\n".join(lines)


def digests_table(results: dict) -> str:
    settings = results["settings"]["digests"]
    lines = [f"Digests · `flask send-digests --period daily` in its own process, SMTP sink on 127.0.0.1 · batches of "
             f"{settings['batch']} people · cursors {settings['backlog_days']} day(s) old · first run, then again"]
    widths = (11, 7, 8, 8, 6, 8, 8, 7, 8, 10, 7, 7, 7, 7, 9, 6)
    lines.append(_row(("database", "people", "digests", "expected", "sink", "time s", "compose", "send", "peak MB",
                       "statements", "/person", "SELECT", "INSERT", "UPDATE", "2nd run", "busy%"), widths))
    for name, db in results["digests"].items():
        if "skipped" in db:
            lines.append(f"{name}: skipped — {db['skipped']}")
            continue
        for people, size in db["sizes"].items():
            if "error" in size:
                lines.append(f"{name} {int(people):,} people: FAILED — {size['error'].strip().splitlines()[0]}")
                continue
            first, second = size["runs"]
            verbs = {}
            for phase in first["statements_by_verb"].values():
                for verb, n in phase.items():
                    verbs[verb] = verbs.get(verb, 0) + n
            lines.append(_row((name, f"{int(people):,}", f"{first['queued']:,}",
                               f"{size['sizes']['expected_digests']:,}", f"{first['sink']['received']:,}",
                               first["seconds"], first["compose_seconds"], first["send_seconds"],
                               first["peak_rss_mb"], f"{first['statements']:,}", first["statements_per_person"],
                               f"{verbs.get('SELECT', 0):,}", f"{verbs.get('INSERT', 0):,}",
                               f"{verbs.get('UPDATE', 0):,}", f"{second['queued']} / {second['statements']:,}",
                               first.get("cpu_busy_before_pct", "-")), widths))
        scaling = db.get("scaling") or {}
        if scaling:
            people, statements = scaling["people"], scaling["statements"]
            lines.append(f"  {name}: {people[0]:,} → {people[1]:,} people (×{people[1] / people[0]:.3g}): statements "
                         f"×{statements[1] / statements[0]:.1f} ({scaling['statements_per_person'][0]} → "
                         f"{scaling['statements_per_person'][1]} per person); reads while composing "
                         f"{scaling['compose_selects'][0]} → {scaling['compose_selects'][1]} (per batch); sending "
                         f"{scaling['send_ms_per_mail'][0]} → {scaling['send_ms_per_mail'][1]} ms per mail")
        failed = [f"{people}: {check}" for people, size in db["sizes"].items()
                  for check, ok in size.get("checks", {"the job ran": False}).items() if not ok]
        lines.append(f"  {name}: {'all checks passed' if not failed else 'FAILED ' + ', '.join(failed)} (digests = "
                     "expected = received, second run queues and sends nothing, one claim per person, each mail "
                     "sent once)")
    lines.append("time s = compose (up to the commit) + send (send_queued after it); peak MB: the job process's "
                 "max RSS; statements: every cursor.execute of the job (an executemany counts once); 2nd run: "
                 "digests queued / statements of the run right after.")
    return "\n".join(lines)


def problems(results: dict) -> list[str]:
    """What makes a run invalid or a requirement fail; the exit code is 1 when there is any."""
    found = [results["warning"]] if results.get("warning") else []
    errors = sum(run["errors"] for db in results.get("databases", {}).values() for run in db.get("load", {}).values())
    if errors:
        found.append(f"feed: {errors} requests failed (non-200): the numbers above are not valid.")
    for name, run in results.get("storm", {}).items():
        if "error" in run:
            found.append(f"storm/{name}: the storm client failed (see the JSON).")
        elif "skipped" not in run and not run["passed"]:
            found.append(f"storm/{name}: not exactly {run['seats']} confirmed and {run['people'] - run['seats']} "
                         f"waitlisted with zero errors (see the table and the JSON).")
    for name, db in results.get("digests", {}).items():
        if "skipped" not in db and not db["passed"]:
            found.append(f"digests/{name}: a check failed (see the table and the JSON).")
    for name, db in results.get("mail", {}).items():
        if "skipped" not in db and not db["passed"]:
            found.append(f"mail/{name}: a mail was lost or sent twice (see the table and the JSON).")
    for name, db in results.get("search", {}).items():
        if "skipped" not in db:
            found += [f"search/{name}: {failure}" for failure in search_failures(db)]
    if "dashboard" in results:
        from bench import dashboard

        found += dashboard.failures(results)
    if "pages" in results:
        from bench import pages

        found += pages.failures(results)
    return found


def search_failures(result: dict) -> list[str]:
    """Search (bench/search.py), one database: misses of the p99 target, errors, queries without hits, statement
    counts that are not flat, pages that fail."""
    found = []
    for viewer, queries in result["in_process"].items():
        base = set()
        for run in queries.values():
            if "error" in run:
                found.append(f"{viewer} '{run['query']}' failed: {run['error']}")
                continue
            if not run["hits"]:
                found.append(f"{viewer} '{run['query']}' found nothing (the data set plants it)")
            if run["p99_ms"] >= SEARCH_P99_MS:
                found.append(f"{viewer} '{run['query']}': p99 {run['p99_ms']} ms alone, target < {SEARCH_P99_MS:g} ms")
            base.add(run["statements"] - len(run["kinds_on_page"]))
        if len(base) > 1:
            found.append(f"{viewer}: statements per search differ by more than the kinds on the page "
                         f"({', '.join(str(run.get('statements')) for run in queries.values())})")
    found += [f"{viewer} page {page['path']}: status {page['status']}" for viewer, pages in result["pages"].items()
              for page in pages.values() if page["status"] != 200]
    for name, run in result["load"].items():
        if "error" in run or run["errors"]:
            found.append(f"visitor, {name}, under load: " + (run.get("error") or f"{run['errors']} failed requests"))
    return found


def write(results: dict, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"bench-{stamp}.json"
    text = json.dumps(results, indent=2, default=str)
    path.write_text(text)
    (directory / "latest.json").write_text(text)
    return path
