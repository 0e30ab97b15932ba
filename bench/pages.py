"""The pages bench (`--suite pages`, part of `all`): what a logged-in member pays per page beside a visitor, and
deep feed pages.

Per database, two data sets:
- **pages**: the feed's data set (bench/dataset.py: 10,000 posts, one 1,000-comment thread) plus 40 events with
  sign-ups and 600 notifications for the member (user 20) over 200 threads. In-process (Flask test client, the
  anonymous page cache off so the visitor's numbers are the rendering's): statements, CPU ms (`time.process_time`)
  and wall ms per request, median of RUNS, and the SQL part — the visitor's feed and thread, the member's feed,
  thread, members area home, events list and notifications. Then under load against gunicorn (2 sync workers,
  8 connections, production config, the page cache on): the bare endpoint first and last, each page between, as
  the member with a signed session cookie (`bench.load` sends it) and as the visitor, whose page-cache hits the
  bench server marks in a header (`bench.ping.mark_page_cache`): req/s, share of the bare endpoint, p50/p99, hits.
- **deep**: 100,000 posts and 1,000,000 comments (bench/search_data.py, as the search suite's, without the index):
  the feed's page 1, page 50 (the "older" cursor followed 49 times) and the middle page, as the visitor and the
  member, in-process, page after page in each of 20 rounds (so other work on the machine weighs on all alike);
  target: within DEEP_SPREAD of each other.

Databases: `bench/results/bench-pages.sqlite` and `bench-deep.sqlite`; PostgreSQL `bench_perf` and `bench_perf_deep`
(`$BENCH_PAGES_POSTGRES_URL` or `--postgres-url` name the first; the deep one is its sibling). Recreated every run;
with `--skip-seed` the deep one is kept when it holds the data set of the sizes asked for.
"""

from __future__ import annotations

import os
import random
import sys
import time
import urllib.request
from datetime import timedelta

from bench.databases import RESULTS, Unavailable, postgres_url, renamed, server_version, sqlite_url
from bench.ping import PING_PATH
from bench.serving import serving, wait_until_idle

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_perf"
MEMBER_ID = 20  # bench.dataset._users: a member
RUNS = 10
EVENTS, NOTIFICATIONS, UNREAD = 40, 600, 40
DEEP_SPREAD = 0.20  # the issue: page 1, page 50 and the middle page within 20 % of each other
IN_PROCESS = {"ANONYMOUS_CACHE_SECONDS": 0}  # alone: what rendering costs; the cache is measured under load
LOGGED_IN_MARK = 'action="/auth/logout"'


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _url(kind: str, args, deep: bool, fresh: bool) -> str:
    if kind == "sqlite":
        return sqlite_url(fresh, RESULTS / ("bench-deep.sqlite" if deep else "bench-pages.sqlite"))
    base = args.postgres_url or os.environ.get("BENCH_PAGES_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    if deep:
        from sqlalchemy.engine import make_url

        base = renamed(base, f"{make_url(base).database}_deep")
    return postgres_url(fresh, base)


def _app(url: str, **overrides):
    from app import create_app
    from bench import seed

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **overrides})
    seed.migrate(app)
    return app


# ---------------------------------------------------------------- the pages data set


def _events(now, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """EVENTS events from ten days ago to two months ahead, a quarter members-only, with sign-ups (the member in a
    third of them) and waitlists."""
    events, signups = [], []
    for number in range(1, EVENTS + 1):
        starts = now - timedelta(days=10) + timedelta(days=2 * number, hours=rng.randint(0, 8))
        capacity = None if number % 5 == 0 else rng.choice((10, 20, 40))
        people = rng.sample(range(2, 201), rng.randint(3, 45))
        if number % 3 == 0 and MEMBER_ID not in people:
            people.append(MEMBER_ID)
        taken = 0
        for position, user_id in enumerate(people):
            confirmed = capacity is None or taken < capacity
            taken += confirmed
            signups.append({"event_id": number, "user_id": user_id, "status": "confirmed" if confirmed else
                            "waitlisted", "guests": 0, "note": "", "cancelled_at": None,
                            "queued_at": starts - timedelta(days=20) + timedelta(minutes=position)})
        events.append({"id": number, "title": f"Treffen {number}: Stammtisch und Vortrag", "description_source": "",
                       "description_html": "", "starts_at": starts, "ends_at": starts + timedelta(hours=3),
                       "timezone": "Europe/Berlin", "place": "Campus, Hörsaal 1", "online_url": "",
                       "visibility": "members" if number % 4 == 0 else "public", "capacity": capacity,
                       "seats_taken": taken, "waitlist_enabled": True, "max_guests": 0, "note_label": "",
                       "created_by_id": 2, "created_at": starts - timedelta(days=30)})
    return events, signups


def _notifications(conn, now) -> list[dict]:
    """NOTIFICATIONS for the member about visible comments in public threads, newest UNREAD unread: replies,
    mentions and followed threads, as the services leave them."""
    from sqlalchemy import select

    from app import policy
    from app.models.post import Comment, Post

    rows = conn.execute(select(Comment.id, Comment.post_id, Comment.author_id, Comment.created_at)
                        .join(Post, Post.id == Comment.post_id)
                        .where(policy.syndicated_posts(), Comment.status == "published", Comment.deleted_at.is_(None),
                               Comment.hidden_at.is_(None), Comment.author_id != MEMBER_ID)
                        .order_by(Comment.created_at.desc()).limit(NOTIFICATIONS)).all()
    return [{"user_id": MEMBER_ID, "kind": "mention" if n % 10 == 0 else "reply" if n % 7 == 0 else "followed",
             "post_id": row.post_id, "comment_id": row.id, "actor_id": row.author_id, "created_at": row.created_at,
             "read_at": None if n < UNREAD else now} for n, row in enumerate(rows)]


def seed_pages(app) -> dict:
    """The feed's data set, then events, sign-ups and the member's notifications; sizes counted back."""
    from sqlalchemy import func, insert, select

    from app.extensions import db
    from app.models.types import utcnow
    from bench import seed as feed_seed

    began = time.perf_counter()
    feed_seed.seed(app)
    now = utcnow()
    tables = {table.name: table for table in db.metadata.sorted_tables}
    events, signups = _events(now, random.Random(16))
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(insert(tables["events"]), events)
        conn.execute(insert(tables["registrations"]), signups)
        conn.execute(insert(tables["notifications"]), _notifications(conn, now))
        if conn.dialect.name == "postgresql":
            feed_seed._advance_sequences(conn, (tables["events"],))
        counted = {name: conn.execute(select(func.count()).select_from(tables[name])).scalar_one()
                   for name in ("events", "registrations", "notifications")}
    with app.app_context():
        feed_seed._analyze(db.engine)
    sizes = feed_seed.describe(app)
    return sizes.as_dict() | counted | {"seed_seconds": round(time.perf_counter() - began, 1)}


# ---------------------------------------------------------------- sessions and load


def session_cookie(app, user_id: int) -> str:
    """A Cookie header as after the member's login from 127.0.0.1 with the load client's User-Agent, signed with
    the app's serializer and the run's SECRET_KEY (gunicorn gets the same): see bench/storm.py."""
    from app.extensions import db
    from app.models.user import User
    from bench.load import HEADERS

    with app.app_context():
        user_id_with_version = db.session.get(User, user_id).get_id()
    serializer = app.session_interface.get_signing_serializer(app)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                  headers={"User-Agent": HEADERS["User-Agent"]}):
        identifier = app.login_manager._session_identifier_generator()
    value = serializer.dumps({"_user_id": user_id_with_version, "_fresh": True, "_id": identifier})
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def pages_of(sizes: dict) -> dict[str, tuple[str, bool]]:
    """name -> (path, logged in)."""
    thread = f"/posts/{sizes['thread_post_id']}"
    return {"visitor:feed": ("/", False), "visitor:thread": (thread, False), "member:feed": ("/", True),
            "member:thread": (thread, True), "member:members": ("/members/", True), "member:events": ("/events/", True),
            "member:notifications": ("/notifications/", True)}


def check_pages(base_url: str, pages: dict, cookie: str) -> dict:
    """One request each before the load: 200, and logged in exactly when it should be."""
    from bench.load import HEADERS

    found = {}
    for name, (path, logged_in) in pages.items():
        headers = dict(HEADERS, **({"Cookie": cookie} if logged_in else {}))
        with urllib.request.urlopen(urllib.request.Request(base_url + path, headers=headers), timeout=60) as response:
            body = response.read().decode()
        found[name] = {"status": response.status, "bytes": len(body), "logged_in": LOGGED_IN_MARK in body}
    return found


def load_all(base_url: str, pages: dict, cookie: str, args) -> dict:
    from bench.load import measure
    from bench.report import cpu_busy

    runs = {}
    order = [("ceiling:first", PING_PATH, False), *((name, path, logged) for name, (path, logged) in pages.items()),
             ("ceiling:last", PING_PATH, False)]
    for name, path, logged_in in order:
        wait_until_idle(base_url)
        busy, load_average = cpu_busy(), os.getloadavg()[0]
        progress(f"  loading {name} {path} for {args.warmup:g}+{args.duration:g} s (CPU busy {busy}%, "
                 f"load average {load_average:.2f})")
        runs[name] = measure(base_url + path, duration=args.duration, warmup=args.warmup,
                             concurrency=args.concurrency, max_requests=args.max_requests,
                             cookie=cookie if logged_in else None) | {
            "cpu_busy_before_pct": busy, "load_average_before": round(load_average, 2)}
    ceiling = (runs["ceiling:first"]["rps"] + runs["ceiling:last"]["rps"]) / 2
    for run in runs.values():
        run["share_of_ceiling"] = round(run["rps"] / ceiling, 4) if ceiling else None
        cache = run.get("page_cache", {})
        asked = cache.get("hit", 0) + cache.get("miss", 0)
        run["page_cache_hit_rate"] = round(cache.get("hit", 0) / asked, 4) if asked else None
    return runs


def run_pages(kind: str, args) -> dict:
    from app.extensions import db
    from bench.queries import measure

    url = _url(kind, args, deep=False, fresh=True)
    app = _app(url, **IN_PROCESS)
    progress(f"pages/{kind}: seeding")
    sizes = seed_pages(app)
    pages = pages_of(sizes)
    with app.app_context():
        version = server_version(db.engine)
    progress(f"pages/{kind}: in-process, {RUNS} requests per page (load average {os.getloadavg()[0]:.2f})")
    alone = {f"visitor:{name}": found for name, found in measure(
        app, {name.split(":")[1]: path for name, (path, logged) in pages.items() if not logged}, runs=RUNS).items()}
    alone.update({f"member:{name}": found for name, found in measure(
        app, {name.split(":")[1]: path for name, (path, logged) in pages.items() if logged}, MEMBER_ID,
        runs=RUNS).items()})
    for found in alone.values():
        del found["statements"]  # the counts are what the report needs; the text is in the feed suite's JSON
    cookie = session_cookie(app, MEMBER_ID)
    with app.app_context():
        db.engine.dispose()
    result = {"version": version, "sizes": sizes, "alone": alone,
              "load_average_in_process": round(os.getloadavg()[0], 2)}
    with serving(url, workers=args.workers, worker_class=args.worker_class,
                 log_file=RESULTS / f"gunicorn-pages-{kind}.log") as base_url:
        result["checked"] = check_pages(base_url, pages, cookie)
        result["load"] = load_all(base_url, pages, cookie, args)
    return result


# ---------------------------------------------------------------- deep feed pages


def _deep_complete(app, posts: int, comments: int) -> bool:
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError

    from app.extensions import db
    from app.models.post import Comment, Post

    with app.app_context():
        try:
            return (db.session.scalar(select(func.count()).select_from(Post)) == posts
                    and db.session.scalar(select(func.count()).select_from(Comment)) == comments)
        except SQLAlchemyError:
            return False


def deep_paths(app, user_id: int | None) -> dict[str, str]:
    """Page 1, page 50 (the cursor followed 49 times, as a reader clicking "older") and the middle page."""
    from sqlalchemy import func, select

    from app import policy
    from app.extensions import db
    from app.models.post import Post
    from app.models.user import User
    from app.services.feed_queries import encode_cursor, feed_page

    with app.test_request_context():
        viewer = db.session.get(User, user_id) if user_id else None
        visible = policy.public_feed_posts(viewer)
        cursor = None
        for _ in range(49):
            cursor = feed_page(visible, cursor=cursor).next_cursor
        shown = db.session.scalar(select(func.count()).select_from(Post).where(visible))
        middle = db.session.scalar(select(Post).where(visible).order_by(Post.last_activity_at.desc(), Post.id.desc())
                                   .offset(shown // 2).limit(1))
        return {"page 1": "/", "page 50": f"/?before={cursor}", "middle": f"/?before={encode_cursor(middle)}",
                "shown": shown}


def interleaved(app, paths: dict[str, str], user_id: int | None, rounds: int = 2 * RUNS) -> dict:
    """Like bench.queries.measure, but page after page in each round, so that whatever else runs on the machine
    weighs on every page alike: the pages are compared with each other. Medians of `rounds`."""
    import statistics

    from bench.queries import client_for, recording

    engine, client = client_for(app, user_id)
    samples: dict[str, dict[str, list]] = {name: {"wall": [], "cpu": [], "sql": [], "queries": []} for name in paths}
    statuses = {name: client.get(path).status_code for name, path in paths.items()}  # warm-up
    with recording(engine) as recorder:
        for _ in range(rounds):
            for name, path in paths.items():
                recorder.reset()
                began, cpu_began = time.perf_counter(), time.process_time()
                statuses[name] = max(statuses[name], client.get(path).status_code)
                samples[name]["wall"].append(time.perf_counter() - began)
                samples[name]["cpu"].append(time.process_time() - cpu_began)
                samples[name]["sql"].append(recorder.sql_seconds)
                samples[name]["queries"].append(len(recorder.statements))
    return {name: {"path": paths[name], "status": statuses[name], "queries": statistics.median_low(found["queries"]),
                   "in_process_ms": round(statistics.median(found["wall"]) * 1000, 2),
                   "cpu_ms": round(statistics.median(found["cpu"]) * 1000, 2),
                   "sql_ms": round(statistics.median(found["sql"]) * 1000, 2), "runs": rounds}
            for name, found in samples.items()}


def run_deep(kind: str, args) -> dict:
    from app.extensions import db
    from bench import search
    from bench.report import quiet_cpu
    from bench.seed import _analyze

    posts, comments = args.deep_posts, args.deep_comments
    url = _url(kind, args, deep=True, fresh=False)
    app = _app(url, **IN_PROCESS)
    seeded = None
    if not (args.skip_seed and _deep_complete(app, posts, comments)):
        with app.app_context():
            db.engine.dispose()
        url = _url(kind, args, deep=True, fresh=True)
        app = _app(url, **IN_PROCESS)
        progress(f"deep/{kind}: seeding {posts:,} posts and {comments:,} comments")
        seeded = search.seed(app, posts, comments)
        with app.app_context():
            _analyze(db.engine)
    else:
        progress(f"deep/{kind}: reusing the seeded database")
    with app.app_context():
        version = server_version(db.engine)
    found = {"version": version, "posts": posts, "comments": comments, "seeded": seeded, "viewers": {}}
    for viewer, user_id in (("visitor", None), ("member", MEMBER_ID)):
        paths = deep_paths(app, user_id)
        shown = paths.pop("shown")
        busy = quiet_cpu()
        progress(f"deep/{kind}: {viewer}, {shown:,} posts in the feed (CPU busy {busy}%, load average "
                 f"{os.getloadavg()[0]:.2f})")
        pages = interleaved(app, paths, user_id)
        # The cost compared: this process's CPU, plus on PostgreSQL the time inside its statements (the server's
        # work, which process_time does not see); wall time would mostly measure whoever else uses the CPUs.
        costs = [page["cpu_ms"] + (page["sql_ms"] if kind == "postgres" else 0) for page in pages.values()]
        found["viewers"][viewer] = {"posts_in_feed": shown, "pages": pages, "cpu_busy_before_pct": busy,
                                    "load_average": round(os.getloadavg()[0], 2),
                                    "spread": round(max(costs) / min(costs) - 1, 3)}
    with app.app_context():
        db.engine.dispose()
    return found


def run_database(kind: str, args) -> dict:
    try:
        return {"pages": run_pages(kind, args), "deep": run_deep(kind, args)}
    except Unavailable as error:
        progress(f"pages/{kind}: skipped — {error}")
        return {"skipped": str(error)}


# ---------------------------------------------------------------- report


def table(results: dict) -> str:
    from bench.report import _row

    settings = results["settings"]
    lines = [f"Pages · in-process: test client, page cache off, median of {RUNS} (CPU = time.process_time of the "
             f"process; PostgreSQL's own work shows in SQL ms, not in CPU) · under load: gunicorn "
             f"{settings['workers']} {settings['worker_class']} workers, {settings['concurrency']} connections, "
             f"{settings['duration']:g} s after {settings['warmup']:g} s, share = req/s over the bare endpoint's "
             "(mean of its run before and after the pages)"]
    widths = (22, 6, 7, 8, 7, 8, 8, 7, 8, 8, 6, 7, 6)
    for name, db in results["pages"].items():
        lines.append("")
        if "skipped" in db:
            lines.append(f"{name}: skipped — {db['skipped']}")
            continue
        pages, deep = db["pages"], db["deep"]
        sizes = pages["sizes"]
        lines.append(f"{name} ({pages['version']}): {sizes['posts']:,} posts, {sizes['comments']:,} comments "
                     f"(thread {sizes['thread_comments']:,}), {sizes['events']} events, {sizes['registrations']:,} "
                     f"sign-ups, {sizes['notifications']} notifications for the member ({UNREAD} unread); load "
                     f"average {pages['load_average_in_process']} in-process")
        lines.append(_row(("page", "status", "stmts", "CPU ms", "wall ms", "SQL ms", "req/s", "share", "p50 ms",
                           "p99 ms", "errors", "cache", "load"), widths))
        for key in ("ceiling:first", *pages["alone"], "ceiling:last"):
            run, alone = pages["load"].get(key, {}), pages["alone"].get(key, {})
            hit = run.get("page_cache_hit_rate")
            lines.append(_row((key, alone.get("status", ""), alone.get("queries", ""), alone.get("cpu_ms", ""),
                               alone.get("in_process_ms", ""), alone.get("sql_ms", ""), run.get("rps", ""),
                               f"{run['share_of_ceiling']:.1%}" if run.get("share_of_ceiling") is not None else "",
                               run.get("p50_ms", ""), run.get("p99_ms", ""), run.get("errors", ""),
                               f"{hit:.1%}" if hit is not None else "", run.get("load_average_before", "")), widths))
        lines += deep_lines(deep)
    lines.append("cache: the anonymous page cache's hits among the requests that asked it (a visitor's); load: the "
                 "1-minute load average before the run.")
    return "\n".join(lines)


def deep_lines(deep: dict) -> list[str]:
    from bench.report import _row

    lines = [f"  deep feed pages: {deep['posts']:,} posts, {deep['comments']:,} comments"
             + (f" (seeded in {deep['seeded']['seconds']} s)" if deep.get("seeded") else " (reused)")
             + f", target: within {DEEP_SPREAD:.0%} of each other (CPU ms, plus SQL ms on PostgreSQL)"]
    widths = (22, 8, 6, 8, 8, 8, 9)
    lines.append(_row(("  viewer", "page", "stmts", "CPU ms", "wall ms", "SQL ms", "spread"), widths))
    for viewer, found in deep["viewers"].items():
        for page, run in found["pages"].items():
            spread = found["spread"]
            lines.append(_row((f"  {viewer}", page, run["queries"], run["cpu_ms"], run["in_process_ms"],
                               run["sql_ms"], f"{spread:.0%} {'MET' if spread <= DEEP_SPREAD else 'MISSED'}"
                               if page == "middle" else ""), widths))
    return lines


def failures(results: dict) -> list[str]:
    found = []
    for name, db in results.get("pages", {}).items():
        if "skipped" in db:
            continue
        pages = db["pages"]
        for page, run in pages["alone"].items():
            if run["status"] != 200:
                found.append(f"pages/{name} {page}: status {run['status']} in-process")
        for page, check in pages["checked"].items():
            if check["status"] != 200 or check["logged_in"] != page.startswith("member:"):
                found.append(f"pages/{name} {page}: status {check['status']}, logged in {check['logged_in']}")
        found += [f"pages/{name} {page}: {run['errors']} failed requests under load"
                  for page, run in pages["load"].items() if run["errors"]]
        for viewer, deep in db["deep"]["viewers"].items():
            if any(run["status"] != 200 for run in deep["pages"].values()):
                found.append(f"pages/{name} deep {viewer}: a page failed")
            if deep["spread"] > DEEP_SPREAD:
                found.append(f"pages/{name} deep {viewer}: pages {deep['spread']:.0%} apart, target "
                             f"{DEEP_SPREAD:.0%}")
    return found
