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
            "sqlalchemy": version("sqlalchemy")}


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


def write(results: dict, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"bench-{stamp}.json"
    text = json.dumps(results, indent=2, default=str)
    path.write_text(text)
    (directory / "latest.json").write_text(text)
    return path
