"""Where the bench data lives: a SQLite file under bench/results/, and a PostgreSQL database of its own."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

RESULTS = Path(__file__).resolve().parent / "results"
SQLITE_FILE = RESULTS / "bench.sqlite"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
# The test suite wipes its database; never point the bench at it, nor at the server's own databases.
PROTECTED_DATABASES = {"test", "postgres", "template0", "template1"}


class Unavailable(Exception):
    """This database cannot be used for the bench; the message says why."""


def renamed(url: str, database: str) -> str:
    """The same server and user, another database (e.g. a suite's own beside the one it was given)."""
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def sqlite_url(fresh: bool, file: Path = SQLITE_FILE) -> str:
    """The SQLite bench file (one per suite: the feed's `bench.sqlite` survives the other suites)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{file}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{file}"


def postgres_url(fresh: bool, url: str | None = None) -> str:
    """Check the server answers, and (re)create the bench database when `fresh`."""
    import psycopg

    from config import normalise_database_url

    url = normalise_database_url(url or os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL)
    parsed = make_url(url)
    name = parsed.database or ""
    if name in PROTECTED_DATABASES:
        raise Unavailable(f"refusing to use the database {name!r}: it belongs to someone else (tests, server)")
    try:
        # CREATE/DROP DATABASE cannot run in a transaction: autocommit, on the maintenance database.
        with psycopg.connect(host=parsed.host or "127.0.0.1", port=parsed.port or 5432, user=parsed.username,
                             password=parsed.password, dbname="postgres", autocommit=True,
                             connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            quoted = '"' + name.replace('"', '""') + '"'
            if fresh and exists:
                conn.execute(f"DROP DATABASE {quoted} WITH (FORCE)")
            if fresh or not exists:
                conn.execute(f"CREATE DATABASE {quoted}")
    except psycopg.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise Unavailable(f"PostgreSQL at {parsed.host}:{parsed.port or 5432} is not reachable ({first_line})") \
            from error
    return url


def bench_url(kind: str, fresh: bool, postgres: str | None = None, file: Path = SQLITE_FILE) -> str:
    """The bench database of this kind ("sqlite": `file`), emptied when `fresh`; Unavailable when PostgreSQL
    cannot be used."""
    return sqlite_url(fresh, file) if kind == "sqlite" else postgres_url(fresh, postgres)


def file_bytes(session) -> int | None:
    """SQLite: the database's size in pages (None on PostgreSQL)."""
    from sqlalchemy import text

    if session.get_bind().dialect.name != "sqlite":
        return None
    return session.scalar(text("PRAGMA page_count")) * session.scalar(text("PRAGMA page_size"))


def search_index_bytes(session, before: int | None = None) -> dict:
    """The full-text index's size: PostgreSQL's table with its GIN index; SQLite's FTS5 shadow tables (`dbstat`),
    or what the file grew by since `before` when SQLite is built without it."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    if session.get_bind().dialect.name == "postgresql":
        return {"bytes": session.scalar(text("SELECT pg_total_relation_size('search_documents')")),
                "gin_bytes": session.scalar(text("SELECT pg_relation_size('search_documents_tsv_idx')"))}
    try:
        tables = dict(session.execute(text("SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE 'search_fts%' "
                                           "GROUP BY name")).all())
        return {"bytes": sum(tables.values()), "tables": tables, "how": "dbstat"}
    except SQLAlchemyError:
        session.rollback()
        return {"bytes": file_bytes(session) - (before or 0), "how": "file growth" if before else "file size"}


def server_version(engine) -> str:
    from sqlalchemy import text

    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return "PostgreSQL " + conn.execute(text("SHOW server_version")).scalar_one()
        return "SQLite " + conn.execute(text("SELECT sqlite_version()")).scalar_one()
