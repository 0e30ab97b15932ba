"""The search bench: full-text search over 100,000 posts and 1,000,000 comments, alone and under load.

Per database: the data set of `bench.search_data` bulk-inserted with Core (which bypasses the index), the index
rebuilt by the app's `search_index.reindex()` (timed, sized); then four query types as a visitor and a member,
in-process (`search.search()` RUNS times: median, p99 — target < 100 ms — SQL time, statements, which must be
flat apart from one per kind of result on the page) and, for the visitor, `/search?q=…` under load against
gunicorn (bench.load sends no session cookie: the member is measured in-process only). See bench/README.md.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import urllib.error
import urllib.request
from itertools import chain, islice
from subprocess import CalledProcessError
from urllib.parse import urlencode

from sqlalchemy import and_, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from bench.databases import RESULTS, Unavailable, bench_url, file_bytes, search_index_bytes, server_version
from bench.report import SEARCH_P99_MS
from bench.serving import serving, wait_until_idle

SQLITE_FILE = RESULTS / "bench-search.sqlite"
QUERIES = {"word": "Stammtisch", "two words": "Stammtisch Köln", "phrase": '"Sommerfest am Rhein"',
           "prefix": "stamm*"}
VIEWERS = {"visitor": None, "member": 20}  # user 20 is a member (bench.dataset._users)
RUNS = 50
# The served app: no per-address limit on anonymous searches, no page cache hiding the cost.
SERVED = {"SEARCH_RATE_LIMIT": "1000000 per minute", "ANONYMOUS_CACHE_SECONDS": "0"}
INDEX_ROWS = {"sqlite": text("SELECT count(*) FROM search_fts"),
              "postgresql": text("SELECT count(*) FROM search_documents")}


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def settings(args) -> dict:
    return {"posts": args.search_posts, "comments": args.search_comments, "queries": QUERIES, "runs": RUNS,
            "p99_target_ms": SEARCH_P99_MS, "duration": args.search_duration, "served_env": SERVED,
            **{key: getattr(args, key) for key in ("warmup", "concurrency", "workers", "worker_class")}}


def seed(app, posts: int, comments: int) -> dict:
    """Users and categories as the feed's, then the posts and comments in batches, one transaction."""
    from werkzeug.security import generate_password_hash

    from app.extensions import db
    from app.models.post import Category, Comment, Post
    from app.models.types import utcnow
    from app.models.user import User
    from bench import dataset, search_data
    from bench.seed import BATCH, _advance_sequences

    began, now = time.perf_counter(), utcnow()
    users = dataset._users(now, generate_password_hash("bench-search-not-secret", method="scrypt:1024:8:1"))
    post_rows, planted = search_data.posts(posts, now)
    comment_rows = search_data.comments(comments, post_rows, now, planted)
    first = list(islice(comment_rows, 300))
    search_data.check_rendering(post_rows[:200], first)
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # a bulk load, not a request: the app's statement timeout is not for it
            conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
        conn.execute(insert(User.__table__), users)
        conn.execute(insert(Category.__table__), [{"id": i, "slug": slug, "name": name}
                                                  for i, (slug, name) in enumerate(dataset.CATEGORIES, start=1)])
        for model, rows in ((Post, iter(post_rows)), (Comment, chain(first, comment_rows))):
            while batch := list(islice(rows, BATCH)):
                conn.execute(insert(model.__table__), batch)
            progress(f"    {model.__tablename__}: inserted ({time.perf_counter() - began:.0f} s)")
        p, c = Post.__table__, Comment.__table__
        # As the services leave them: visible comments, newest published one. One grouped pass over the comments
        # joined to the posts: a correlated subquery per post planned as a scan of all comments per post on
        # PostgreSQL once (the fresh tables have no statistics inside this transaction) and ran for 20 minutes.
        published = c.c.status == "published"
        visible = and_(published, c.c.deleted_at.is_(None), c.c.hidden_at.is_(None))
        totals = (select(c.c.post_id.label("post_id"),
                         func.count().filter(visible).label("shown"),
                         func.max(c.c.created_at).filter(published).label("newest"))
                  .group_by(c.c.post_id).subquery())
        conn.execute(update(p).where(p.c.id == totals.c.post_id).values(
            comment_count=totals.c.shown,
            last_activity_at=func.coalesce(totals.c.newest, p.c.created_at)))
        if conn.dialect.name == "postgresql":
            _advance_sequences(conn, (User.__table__, Category.__table__, p, c))
    members = [row for row in post_rows if row["visibility"] == "members"]
    return {"posts": posts, "members_only_posts": len(members),
            "public_teasers": sum(row["public_teaser"] for row in members), "comments": comments,
            "planted": dict(planted), "seconds": round(time.perf_counter() - began, 1)}


def build_index(app) -> dict:
    """`reindex()` and its commit, timed; then the index's size; then PostgreSQL's VACUUM ANALYZE."""
    from app.extensions import db
    from app.services import search_index
    from bench.seed import _analyze

    with app.app_context():
        before, began = file_bytes(db.session), time.perf_counter()
        rows = search_index.reindex()
        db.session.commit()
        found = {"rows": rows, "seconds": round(time.perf_counter() - began, 1),
                 **search_index_bytes(db.session, before)}
        _analyze(db.engine)
    return found


def in_process(app, user_id: int | None) -> dict:
    from app.extensions import db
    from bench.report import quiet_cpu

    with app.app_context():
        engine = db.engine
    found = {}
    for name, query in QUERIES.items():
        gc.collect()  # the seeding's garbage is not the search's
        busy = quiet_cpu(30)  # up to 30 s for other work to stop
        try:
            found[name] = _timed(app, engine, user_id, query) | {"cpu_busy_before_pct": busy}
        except SQLAlchemyError as error:
            found[name] = {"query": query, "error": str(error).strip().splitlines()[0]}
    return found


def _timed(app, engine, user_id: int | None, query: str) -> dict:
    """One warm-up, then RUNS searches, each in a request context of its own (a fresh session, as a request)."""
    from app.extensions import db
    from app.models.user import User
    from app.services import search
    from bench.load import percentile
    from bench.queries import full_collections, recording

    times, sql_times = [], []
    with recording(engine) as recorder, full_collections() as pauses:
        for run in range(RUNS + 1):
            if run == 1:
                pauses.clear()
            with app.test_request_context("/search?" + urlencode({"q": query})):
                viewer = db.session.get(User, user_id) if user_id else app.login_manager.anonymous_user()
                recorder.reset()
                began = time.perf_counter()
                results = search.search(viewer, query, search.Filters())
                elapsed = time.perf_counter() - began
            if run:
                times.append(elapsed)
                sql_times.append(recorder.sql_seconds)
    ordered = sorted(times)
    kinds = {("teaser" if hit.teaser else "post") if hit.kind in ("news", "discussion") else hit.kind
             for hit in results.hits}
    return {"query": query, "hits": results.total, "on_page": len(results.hits), "kinds_on_page": sorted(kinds),
            "statements": len(recorder.statements), "statement_texts": [s[:3000] for s in recorder.statements],
            "median_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(percentile(ordered, 0.99) * 1000, 2), "max_ms": round(ordered[-1] * 1000, 2),
            "sql_ms": round(statistics.median(sql_times) * 1000, 2), "full_gc_ms": pauses}


def under_load(url: str, args, kind: str) -> dict:
    """The visitor's `/search?q=…` pages against gunicorn, one query type after the other."""
    from bench.load import measure
    from bench.report import cpu_busy

    found = {}
    with serving(url, workers=args.workers, worker_class=args.worker_class, env=SERVED,
                 log_file=RESULTS / f"gunicorn-search-{kind}.log") as base_url:
        for name, query in QUERIES.items():
            page = f"{base_url}/search?{urlencode({'q': query})}"
            try:
                with urllib.request.urlopen(page, timeout=60) as response:
                    shown = response.read().decode().count('class="result-title"')
            except urllib.error.URLError as error:  # an HTTPError too (a 500): no load on a broken page
                found[name] = {"error": f"{page}: {error}", "shown": 0}
                continue
            wait_until_idle(base_url)
            busy = cpu_busy()
            progress(f"search/{kind}: loading {query} for {args.warmup:g}+{args.search_duration:g} s "
                     f"(CPU busy beforehand: {busy}%)")
            try:
                found[name] = measure(page, duration=args.search_duration, warmup=args.warmup,
                                      concurrency=args.concurrency, max_requests=args.max_requests)
            except CalledProcessError as error:
                found[name] = {"error": (error.stderr or str(error)).strip()[-2000:]}
            found[name].update(shown=shown, cpu_busy_before_pct=busy)
    return found


def _app(kind: str, args, fresh: bool):
    from app import create_app
    from bench import seed as feed_seed

    url = bench_url(kind, fresh, args.postgres_url, SQLITE_FILE)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SEARCH_RATE_LIMIT": SERVED["SEARCH_RATE_LIMIT"],
                      "ANONYMOUS_CACHE_SECONDS": 0})
    feed_seed.migrate(app)
    return app, url


def _reuse(app, args) -> dict | None:
    """--skip-seed: what an earlier run left (a data set of this size, indexed), or None."""
    from app.extensions import db
    from app.models.post import Comment, Post

    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    with app.app_context():
        index = db.session.scalar(INDEX_ROWS[db.engine.dialect.name])
        if (count(Post), count(Comment)) != (args.search_posts, args.search_comments) or not index:
            db.engine.dispose()  # release the SQLite file before it is deleted
            return None
        members = Post.visibility == "members"
        data = {"posts": args.search_posts, "members_only_posts": count(Post, members), "seconds": None,
                "public_teasers": count(Post, members, Post.public_teaser.is_(True)), "comments": args.search_comments}
        return {"data": data, "index": {"rows": index, "seconds": None, **search_index_bytes(db.session)}}


def run_database(kind: str, args) -> dict:
    from app.extensions import db
    from bench.queries import measure

    try:
        app, url = _app(kind, args, fresh=not args.skip_seed)
    except Unavailable as error:
        progress(f"search/{kind}: skipped — {error}")
        return {"skipped": str(error)}
    result = _reuse(app, args) if args.skip_seed else None
    if result is None:
        if args.skip_seed:
            app, url = _app(kind, args, fresh=True)
        progress(f"search/{kind}: seeding {args.search_posts:,} posts and {args.search_comments:,} comments")
        result = {"data": seed(app, args.search_posts, args.search_comments)}
        progress(f"search/{kind}: seeded in {result['data']['seconds']} s; building the index")
        result["index"] = build_index(app)
    progress(f"search/{kind}: index of {result['index']['rows']:,} rows ({result['index']['bytes'] / 2**20:.0f} MB) "
             f"built {_took(result['index']['seconds'])}; timing the queries in-process")
    with app.app_context():
        result["version"] = server_version(db.engine)
    result["in_process"] = {viewer: in_process(app, user_id) for viewer, user_id in VIEWERS.items()}
    pages = {name: "/search?" + urlencode({"q": query}) for name, query in QUERIES.items()}
    result["pages"] = {viewer: measure(app, pages, user_id) for viewer, user_id in VIEWERS.items()}
    with app.app_context():
        db.engine.dispose()  # gunicorn's workers have the database to themselves
    result["load"] = under_load(url, args, kind)
    return result


def table(results: dict) -> str:
    from bench.report import _row, search_failures

    s = results["settings"]["search"]
    lines = [f"Search · {s['posts']:,} posts, {s['comments']:,} comments · in-process: search.search() {s['runs']}× "
             f"per query in a test request context, no load (target p99 < {s['p99_target_ms']:g} ms) · under load: "
             f"gunicorn {s['workers']} {s['worker_class']} workers, concurrency {s['concurrency']}, "
             f"{s['duration']:g} s after {s['warmup']:g} s, visitor only (bench.load sends no session cookie: "
             "the member is measured in-process only)"]
    widths = (8, 22, 7, 4, 5, 9, 7, 6, 6, 5, 6, 7, 6, 7, 7, 7, 6, 5, 5)
    header = ("viewer", "query", "hits", "page", "stmts", "median ms", "p99 ms", "SQL ms", "GC ms", "busy%", "target",
              "page ms", "page q", "req/s", "p50 ms", "p99 ms", "errors", "busy%", "shown")
    for name, db in results["search"].items():
        if "skipped" in db:
            lines.append(f"  {name}: skipped — {db['skipped']}")
            continue
        data, index = db["data"], db["index"]
        lines += ["", f"{name} ({db['version']}): {data['posts']:,} posts ({data['members_only_posts']:,} "
                  f"members-only, {data['public_teasers']:,} with a teaser), {data['comments']:,} comments, "
                  f"seeded {_took(data['seconds'])}; index: {index['rows']:,} rows built {_took(index['seconds'])}, "
                  f"{index['bytes'] / 2**20:,.1f} MB" + _index_detail(index), _row(header, widths)]
        for viewer, queries in db["in_process"].items():
            for key, run in queries.items():
                page = db["pages"][viewer][key]
                loaded = db["load"].get(key, {}) if viewer == "visitor" else {}
                if "error" in run:
                    lines.append(f"  {viewer} {run['query']}: ERROR {run['error']}")
                    continue
                met = "met" if run["p99_ms"] < s["p99_target_ms"] else "MISSED"
                load = [loaded.get(k, "-") for k in ("rps", "p50_ms", "p99_ms", "errors", "cpu_busy_before_pct",
                                                     "shown")] if loaded else ["-"] * 6
                pauses = run["full_gc_ms"]
                lines.append(_row((viewer, run["query"], f"{run['hits']:,}", run["on_page"], run["statements"],
                                   run["median_ms"], run["p99_ms"], run["sql_ms"],
                                   f"{len(pauses)}×{max(pauses):.0f}" if pauses else "0", run["cpu_busy_before_pct"],
                                   met, page["in_process_ms"], page["queries"], *load), widths))
        failures = search_failures(db)
        lines.append(f"  {name}: " + ("; ".join(failures) if failures else "all targets met, statements flat (the "
                                       "same for every query type plus one per kind of result shown)"))
    lines.append(f"hits: what the viewer may see; page: on page 1; stmts: statements of one search; median/p99 (of "
                 f"{s['runs']}: the maximum)/SQL ms: search.search() alone; GC ms: Python's full collections meanwhile "
                 "(count × longest); busy%: others' CPU before; page ms/q: the whole page in-process (median of 5), "
                 "its statements; req/s…: under load; shown: results on the served page.")
    return "\n".join(lines)


def _took(seconds: float | None) -> str:
    return f"in {seconds} s" if seconds is not None else "by an earlier run (--skip-seed)"


def _index_detail(index: dict) -> str:
    if "gin_bytes" in index:
        return f" (GIN {index['gin_bytes'] / 2**20:,.1f} MB)"
    stored = (index.get("tables") or {}).get("search_fts_content")
    return f" (of it stored text {stored / 2**20:,.1f} MB)" if stored else f" ({index.get('how')})"
