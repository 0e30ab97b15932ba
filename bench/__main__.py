"""`python -m bench` (what `make bench` runs): the feed, storm, digest, mail, search and dashboard benchmarks, then a
report.

Suites (`--suite`, default all), each on SQLite and PostgreSQL:
- feed: build the schema from the migrations, bulk-load the data set, count SQL statements per page
  in-process, then serve the app with gunicorn and load three targets from a separate client process:
  the bare endpoint (ceiling), the feed, and the 1,000-comment thread (bench/__main__.py, load.py).
- storm: 500 people sign up for 50 seats at once against gunicorn with 4 workers (bench/storm.py).
- digests: `flask send-digests --period daily` for 1,000 and 10,000 people, twice (bench/digests.py).
- mail: mails per second through real `flask worker` processes (one, then two) to an SMTP sink, and a news
  announcement to 10,000 subscribers (bench/mail.py).
- search: 100,000 posts and 1,000,000 comments indexed, four query types timed in-process as a visitor and a
  member, then loaded against gunicorn as a visitor (bench/search.py).
- dashboard: the organizers' dashboard at the feed's size plus events, reports and goals, timed in-process as
  the admin (bench/dashboard.py).
- pages: the pages of a logged-in member beside a visitor's (CPU per request alone, share of the bare endpoint
  under load, p50/p99, statements, the page cache's hit rate), and deep feed pages at 100,000 posts
  (bench/pages.py).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
import time
import urllib.request

from bench.databases import RESULTS, Unavailable, postgres_url, server_version, sqlite_url
from bench.ping import PING_PATH
from bench.serving import ROOT, serving, wait_until_idle

MEMBER_ID = 20  # a member (see dataset._users): logged-in query counts include their likes


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=("feed", "storm", "digests", "mail", "search", "dashboard", "pages", "all"),
                        default="all", help="which benchmark to run (default all: feed, storm, digests, mail, search, "
                                            "dashboard, pages)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--duration", type=float, help="measured seconds per target (default 10; search 5)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unrecorded seconds before each (default 2)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads/connections (default 8)")
    parser.add_argument("--max-requests", type=int, default=100_000, help="per target, bounds the run")
    parser.add_argument("--workers", type=int, default=2,
                        help="feed: gunicorn workers (default 2; the storm always has 4)")
    parser.add_argument("--worker-class", default="sync",
                        help="feed: gunicorn worker class (default sync, as deployed)")
    parser.add_argument("--skip-seed", action="store_true", help="reuse an already seeded bench database")
    parser.add_argument("--postgres-url", help="default $BENCH_POSTGRES_URL or postgresql://postgres@127.0.0.1/bench")
    parser.add_argument("--digest-users", type=_sizes, default=(1_000, 10_000), metavar="N[,N...]",
                        help="digests: people per run (default 1000,10000)")
    parser.add_argument("--digest-backlog", type=int, default=1, metavar="DAYS",
                        help="digests: age of everyone's cursor in days (default 1: an ordinary day's daily run; "
                             "7: everyone's first digest, covering the whole week)")
    parser.add_argument("--search-posts", type=int, default=100_000, metavar="N", help="search: posts (default 100000)")
    parser.add_argument("--search-comments", type=int, default=1_000_000, metavar="N",
                        help="search: comments (default 1000000)")
    parser.add_argument("--deep-posts", type=int, default=100_000, metavar="N",
                        help="pages: posts for the deep feed pages (default 100000)")
    parser.add_argument("--deep-comments", type=int, default=1_000_000, metavar="N",
                        help="pages: comments for the deep feed pages (default 1000000)")
    args = parser.parse_args(argv)
    # The search suite loads four pages per database after a long seed: shorter runs unless asked otherwise.
    args.search_duration = 5.0 if args.duration is None else args.duration
    args.duration = 10.0 if args.duration is None else args.duration
    return args


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted(int(part.replace("_", "")) for part in text.split(",") if part.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a comma-separated list of numbers, not {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("at least one size, each at least 1")
    return sizes


def prepare_environment() -> None:
    """Production settings (debug off, real password hashing) with a throwaway key; this has to happen
    before `config` is imported, because its classes read the environment at import time."""
    os.environ["APP_ENV"] = "production"
    os.environ["SECRET_KEY"] = secrets.token_hex(32)
    os.environ.setdefault("SITE_URL", "https://bench.alumni-commons.invalid")  # required in production
    os.environ["INSTANCE_PATH"] = str(RESULTS / "instance")  # keep the project's instance/ untouched


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def page_paths(app, sizes) -> dict[str, str]:
    """The loaded targets, plus a feed page deep in the keyset pagination (counted, not loaded)."""
    from sqlalchemy import select

    from app import policy
    from app.extensions import db
    from app.models.post import Post
    from app.services.feed_queries import encode_cursor

    with app.app_context():
        middle = db.session.scalar(select(Post).where(policy.public_feed_posts(None))
                                   .order_by(Post.last_activity_at.desc(), Post.id.desc())
                                   .offset(sizes.posts_in_public_feed // 2).limit(1))
        cursor = encode_cursor(middle)
    return {"ceiling": PING_PATH, "feed": "/", "thread": f"/posts/{sizes.thread_post_id}",
            "feed_deep": f"/?before={cursor}"}


def check_pages(base_url: str, paths: dict[str, str], sizes) -> dict:
    """One request per target before the load, to prove the pages really show the seeded data."""
    seen = {}
    for name, path in paths.items():
        with urllib.request.urlopen(base_url + path, timeout=30) as response:
            body = response.read().decode()
        seen[name] = {"status": response.status, "bytes": len(body),
                      "feed_entries": len(re.findall(r'<article class="entry', body)),
                      "comments_shown": len(re.findall(r'<article class="comment ', body))}
    # Counted by markup, so a template change can break the count: warn loudly rather than abort the run.
    shown = seen["thread"]["comments_shown"]
    if shown != sizes.thread_visible_to_visitors:
        seen["warning"] = (f"the thread page shows {shown} comments (by its markup), expected "
                           f"{sizes.thread_visible_to_visitors}: check the page before trusting its numbers")
        progress("WARNING: " + seen["warning"])
    return seen


def load(url: str, args) -> dict:
    from bench.load import measure

    return measure(url, duration=args.duration, warmup=args.warmup, concurrency=args.concurrency,
                   max_requests=args.max_requests)


def _migrated_app(kind: str, args, fresh: bool):
    """An app bound to the bench database (recreated when `fresh`), its schema at the newest migration."""
    from app import create_app
    from bench import seed
    from bench.ping import add_ping

    url = sqlite_url(fresh) if kind == "sqlite" else postgres_url(fresh, args.postgres_url)
    app = add_ping(create_app({"SQLALCHEMY_DATABASE_URI": url}))
    progress(f"{kind}: migrating {url.split('@')[-1]}")
    seed.migrate(app)
    return app


def _reuse(kind: str, args):
    """--skip-seed: the existing database and its sizes, or (None, None) when it lacks the full data set
    (never seeded, or changed since)."""
    from app.extensions import db
    from bench import dataset, seed

    app = _migrated_app(kind, args, fresh=False)
    sizes = seed.describe(app)
    if sizes is not None and sizes.posts == dataset.POSTS and sizes.thread_comments == dataset.THREAD_COMMENTS:
        return app, sizes
    progress(f"{kind}: no complete bench data set found, seeding afresh")
    with app.app_context():
        db.engine.dispose()  # release the SQLite file before it is deleted
    return None, None


def run_database(kind: str, args) -> dict:
    from app.extensions import db
    from bench import seed
    from bench.report import check_targets, cpu_busy

    try:
        app, sizes = _reuse(kind, args) if args.skip_seed else (None, None)
        if sizes is None:
            app = _migrated_app(kind, args, fresh=True)
            progress(f"{kind}: seeding")
            seed_seconds = round(seed.seed(app), 1)
            sizes = seed.describe(app)
        else:
            seed_seconds = None
            progress(f"{kind}: reusing the seeded database")
    except Unavailable as error:
        progress(f"{kind}: skipped — {error}")
        return {"skipped": str(error)}
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        version = server_version(db.engine)
    paths = page_paths(app, sizes)
    progress(f"{kind}: counting queries per page")
    from bench.queries import measure

    queries = {f"visitor:{name}": found for name, found in measure(app, paths).items()}
    member_pages = {name: paths[name] for name in ("feed", "thread")}
    queries.update({f"member:{name}": found for name, found in measure(app, member_pages, MEMBER_ID).items()})
    with app.app_context():
        db.engine.dispose()  # let gunicorn's workers have the database to themselves
    results = {"url": url.split("@")[-1], "version": version, "sizes": sizes.as_dict(), "seed_seconds": seed_seconds,
               "queries": queries, "load": {}}
    log_file = RESULTS / f"gunicorn-{kind}.log"
    with serving(url, workers=args.workers, worker_class=args.worker_class, log_file=log_file) as base_url:
        targets = {name: paths[name] for name in ("ceiling", "feed", "thread")}
        results["checked"] = check_pages(base_url, targets, sizes)
        for name, path in targets.items():
            wait_until_idle(base_url)
            other_cpu = cpu_busy()  # our server is idle now: whatever is busy belongs to someone else
            progress(f"{kind}: loading {path} for {args.warmup:g}+{args.duration:g} s "
                     f"(CPU busy beforehand: {other_cpu}%)")
            results["load"][name] = load(base_url + path, args) | {"cpu_busy_before_pct": other_cpu}
    results["targets"] = check_targets(results["load"])
    return results


def main(argv=None) -> int:
    args = parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    prepare_environment()
    from bench import report

    began = time.perf_counter()
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    suites = (("feed", "storm", "digests", "mail", "search", "dashboard", "pages") if args.suite == "all"
              else (args.suite,))
    results = {"machine": report.machine(), "suites": list(suites),
               "settings": {"workers": args.workers, "worker_class": args.worker_class,
                            "concurrency": args.concurrency, "duration": args.duration, "warmup": args.warmup,
                            "max_requests": args.max_requests, "client": "bench.load (threads, http.client)"},
               "suite_seconds": {}}
    for suite in suites:
        suite_began = time.perf_counter()
        if suite == "feed":
            results["databases"] = {kind: run_database(kind, args) for kind in kinds}
        elif suite == "storm":
            from bench import storm

            results["settings"]["storm"] = {"people": storm.PEOPLE, "seats": storm.SEATS, "workers": storm.WORKERS,
                                            "worker_class": "sync", "client": "bench.storm_client (one thread each)"}
            results["storm"] = {kind: storm.run_database(kind, args) for kind in kinds}
        elif suite == "mail":
            from bench import mail

            results["mail"] = {kind: mail.run_database(kind, args) for kind in kinds}
        elif suite == "search":
            from bench import search

            results["settings"]["search"] = search.settings(args)
            results["search"] = {kind: search.run_database(kind, args) for kind in kinds}
        elif suite == "dashboard":
            from bench import dashboard

            results["dashboard"] = {kind: dashboard.run_database(kind, args) for kind in kinds}
        elif suite == "pages":
            from bench import pages

            results["settings"]["pages"] = {"runs": pages.RUNS, "member": pages.MEMBER_ID,
                                            "deep_posts": args.deep_posts, "deep_comments": args.deep_comments}
            results["pages"] = {kind: pages.run_database(kind, args) for kind in kinds}
        else:
            from app.services.digests import BATCH
            from bench import digests

            results["settings"]["digests"] = {"people": list(args.digest_users), "period": "daily", "batch": BATCH,
                                              "backlog_days": args.digest_backlog}
            results["digests"] = {kind: digests.run_database(kind, args) for kind in kinds}
        results["suite_seconds"][suite] = round(time.perf_counter() - suite_began, 1)
    results["seconds"] = round(time.perf_counter() - began, 1)
    if report.app_commit() != results["machine"]["app_commit"]:
        results["warning"] = (f"the app changed during the run ({results['machine']['app_commit']} → "
                              f"{report.app_commit()}): rerun before trusting these numbers")
        progress("WARNING: " + results["warning"])
    print(report.table(results))
    path = report.write(results, RESULTS)
    print(f"\nTotal {results['seconds']} s. Details: {path.relative_to(ROOT)} (and bench/results/latest.json)")
    problems = report.problems(results)
    for problem in problems:
        progress(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
